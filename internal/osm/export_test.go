package osm

import (
	"context"
	"time"
)

// Knobs are the test-only controls of a Client's retries: Sleep replaces the
// wait before a retry (record the delay, return at once) and makes the
// throttle's shared pause return at once, Rand the jitter's
// random source, Now the clock that reads Retry-After dates. A nil field
// keeps the real one.
type Knobs struct {
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  func() float64
	Now   func() time.Time
}

// NewWithKnobs is New with test knobs.
func NewWithKnobs(cfg Config, k Knobs) (*Client, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	c.retry.sleep = k.Sleep
	if k.Sleep != nil {
		// The throttle's pause passes in virtual time too, unrecorded.
		c.limits.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	if k.Rand != nil {
		c.retry.rand = k.Rand
	}
	if k.Now != nil {
		c.retry.now = k.Now
	}
	return c, nil
}

// SetThrottlePauses shortens the client-wide throttle's pauses for tests:
// def after a throttled answer without Retry-After, and at most longest for any
// Retry-After.
func SetThrottlePauses(c *Client, def, longest time.Duration) {
	c.limits.mu.Lock()
	defer c.limits.mu.Unlock()
	c.limits.defaultPause, c.limits.pauseCap = def, longest
}
