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
		c := &Client{retry: retryPolicy{minDelay: time.Second, maxDelay: 30 * time.Second, rand: func() float64 { return r }}}
		for n := 1; n < 100; n++ {
			d := c.retryDelay(n, outcome{})
			if d < time.Second || d > 30*time.Second {
				t.Fatalf("rand %v retry %d: delay %v outside [1s, 30s]", r, n, d)
			}
		}
		if d := c.retryDelay(1, outcome{hasRetryAfter: true, retryAfter: time.Hour}); d != 30*time.Second {
			t.Fatalf("Retry-After not capped: %v", d)
		}
	}
}

// TestClient_hooksSeeEveryAttempt pins the points where client-wide flow
// control plugs in: one beforeAttempt and one afterAnswer per attempt, the
// latter with the status and Retry-After.
func TestClient_hooksSeeEveryAttempt(t *testing.T) {
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
	c, err := New(Config{Endpoint: srv.URL, Auth: auth, MaxRetries: 2, RetryMaxDelay: time.Minute,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	var before int
	var after []string
	c.hooks.beforeAttempt = func(context.Context) error { before++; return nil }
	c.hooks.afterAnswer = func(_ context.Context, status int, ra time.Duration) {
		after = append(after, http.StatusText(status)+"/"+ra.String())
	}
	if _, err := c.CaseStatus(context.Background(), "X", RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	if before != 2 || len(after) != 2 || after[0] != "Too Many Requests/2s" || after[1] != "OK/0s" {
		t.Fatalf("before %d, after %v", before, after)
	}
}
