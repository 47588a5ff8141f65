package osm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]struct {
		d  time.Duration
		ok bool
	}{
		"":                                     {0, false},
		"   ":                                  {0, false},
		"5":                                    {5 * time.Second, true},
		" 7 ":                                  {7 * time.Second, true},
		"0":                                    {0, true},
		"-1":                                   {0, false},
		"1.5":                                  {0, false},
		"soon":                                 {0, false},
		"99999999999999999999":                 {1 << 62, true},
		"Sat, 01 Mar 2025 12:00:10 GMT":        {10 * time.Second, true},
		"Saturday, 01-Mar-25 12:00:04 GMT":     {4 * time.Second, true},
		"Sat Mar  1 12:00:02 2025":             {2 * time.Second, true},
		"Sat, 01 Mar 2025 11:00:00 GMT":        {0, true},
		"Sat, 01 Mar 2025 12:00:10 GMT; extra": {0, false},
	} {
		d, ok := parseRetryAfter(in, now)
		if d != want.d || ok != want.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", in, d, ok, want.d, want.ok)
		}
	}
}

func TestRetryDelay_neverExceedsTheMaximum(t *testing.T) {
	for _, r := range []float64{0, 0.3, 0.999999, 1, 2, -1} {
		p := (retryPolicy{minDelay: time.Second, maxDelay: 30 * time.Second, rand: func() float64 { return r }})
		for n := 1; n < 100; n++ {
			d := p.delay(n, 0, false)
			if d < time.Second || d > 30*time.Second {
				t.Fatalf("rand %v retry %d: delay %v outside [1s, 30s]", r, n, d)
			}
		}
		if d := p.delay(1, time.Hour, true); d != 30*time.Second {
			t.Fatalf("Retry-After not capped: %v", d)
		}
	}
}

// TestRetryDelay_minimumIsAFloorUnderRetryAfter: Retry-After: 0, or a date
// in the past, still waits the minimum delay.
func TestRetryDelay_minimumIsAFloorUnderRetryAfter(t *testing.T) {
	p := (retryPolicy{minDelay: time.Second, maxDelay: 30 * time.Second, rand: func() float64 { return 0 }})
	for _, ra := range []time.Duration{0, time.Millisecond, 999 * time.Millisecond} {
		if d := p.delay(1, ra, true); d != time.Second {
			t.Fatalf("Retry-After %v: delay %v, want the 1s floor", ra, d)
		}
	}
}

// TestClient_everyAttemptPassesTheLimiter: a throttled answer to the
// client's own request sets the client-wide pause, and the retry waits the
// answer's Retry-After.
func TestClient_everyAttemptPassesTheLimiter(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
			return
		}
		_, _ = w.Write([]byte(`{"status":1}`))
	}))
	defer srv.Close()
	auth, _ := NewTokenAuth("t")
	var delays []time.Duration
	c, err := NewWithKnobs(Config{Endpoint: srv.URL, Auth: auth, MaxRetries: 2, RetryMaxDelay: time.Minute},
		Knobs{Sleep: func(ctx context.Context, d time.Duration) error { delays = append(delays, d); return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	SetThrottlePauses(c, time.Millisecond, 10*time.Millisecond)
	if s, err := c.CaseStatus(context.Background(), "X", RequestOptions{}); err != nil || s != 1 {
		t.Fatalf("CaseStatus = %v, %v", s, err)
	}
	if n.Load() != 2 || len(delays) != 1 || delays[0] != 2*time.Second {
		t.Fatalf("%d attempts, delays %v; want 2 attempts and one 2s wait", n.Load(), delays)
	}
	c.limits.mu.Lock()
	paused := !c.limits.notBefore.IsZero()
	c.limits.mu.Unlock()
	if !paused {
		t.Fatal("the 429 did not set the client-wide pause")
	}
}
