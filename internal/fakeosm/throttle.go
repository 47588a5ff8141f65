package fakeosm

import (
	"net/http"
	"time"
)

// Throttle makes the fake behave like the API gateway's rate limit
// (APIGW.0308): at most Limit requests are served per Window (fixed
// windows, the first one starting at the first request); the others are
// answered at once with HTTP 429, error_code APIGW.0308 and the RetryAfter
// value as the Retry-After header (none when empty).
type Throttle struct {
	Limit      int
	Window     time.Duration
	RetryAfter string
}

type throttleState struct {
	cfg         Throttle
	windowStart time.Time
	served      int
	throttled   int
}

// SetThrottle turns the gateway's rate limit on; a zero Limit turns it off.
func (s *Server) SetThrottle(t Throttle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle = throttleState{cfg: t}
}

// ThrottledCount returns how many requests were answered with 429.
func (s *Server) ThrottledCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttle.throttled
}

// InFlight returns how many requests are being served now.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// throttledLocked decides whether the request arriving now is over the
// limit. s.mu must be held.
func (s *Server) throttledLocked(now time.Time) bool {
	t := &s.throttle
	if t.cfg.Limit <= 0 {
		return false
	}
	if t.windowStart.IsZero() || now.Sub(t.windowStart) >= t.cfg.Window {
		t.windowStart, t.served = now, 0
	}
	if t.served < t.cfg.Limit {
		t.served++
		return false
	}
	t.throttled++
	return true
}

func (s *Server) writeThrottled(w http.ResponseWriter, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(w, http.StatusTooManyRequests, errorBody("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit"))
}
