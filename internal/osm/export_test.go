package osm

import "time"

// SetThrottlePauses shortens the client-wide throttle's pauses for tests:
// def after a throttled answer without Retry-After, and at most longest for any
// Retry-After.
func SetThrottlePauses(c *Client, def, longest time.Duration) {
	c.limiter.mu.Lock()
	defer c.limiter.mu.Unlock()
	c.limiter.defaultPause, c.limiter.pauseCap = def, longest
}

// SharedCallers returns how many callers wait for shared requests now.
func SharedCallers(c *Client) int {
	c.flights.mu.Lock()
	defer c.flights.mu.Unlock()
	n := 0
	for _, call := range c.flights.calls {
		n += call.waiters
	}
	return n
}
