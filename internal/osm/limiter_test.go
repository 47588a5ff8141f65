package osm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stubTransport answers every request with the answer its func gives,
// counting the requests that reached it.
type stubTransport struct {
	calls  atomic.Int64
	answer func(*http.Request) (*http.Response, error)
}

func (s *stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.calls.Add(1)
	return s.answer(req)
}

func answerWith(status int, retryAfter, body string) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	}
}

func testTransport(t *testing.T, maxConcurrency int, rps float64, answer func(*http.Request) (*http.Response, error)) (*limitTransport, *stubTransport) {
	t.Helper()
	stub := &stubTransport{answer: answer}
	lt, err := newLimitTransport(stub, maxConcurrency, rps, 0, 0, nopLogger{})
	if err != nil {
		t.Fatal(err)
	}
	return lt, stub
}

func roundTrip(ctx context.Context, lt *limitTransport) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:1/x", nil)
	if err != nil {
		return nil, err
	}
	return lt.RoundTrip(req)
}

func pausedFor(lt *limitTransport) time.Duration {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return time.Until(lt.notBefore)
}

func TestNewLimitTransport_limits(t *testing.T) {
	for _, tc := range []struct {
		n   int
		rps float64
	}{{-1, 0}, {MaxMaxConcurrency + 1, 0}, {4, -1}} {
		if _, err := newLimitTransport(http.DefaultTransport, tc.n, tc.rps, 0, 0, nopLogger{}); err == nil {
			t.Errorf("max concurrency %d, rate %v accepted", tc.n, tc.rps)
		}
	}
	lt, err := newLimitTransport(http.DefaultTransport, 0, 0, 0, 0, nopLogger{})
	if err != nil || cap(lt.slots) != DefaultMaxConcurrency || lt.rate != nil {
		t.Fatalf("defaults: %v, %d slots, rate %v", err, cap(lt.slots), lt.rate)
	}
}

func TestLimitTransport_boundsConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int64
	release := make(chan struct{})
	lt, stub := testTransport(t, 3, 0, func(req *http.Request) (*http.Response, error) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		inFlight.Add(-1)
		return answerWith(200, "", `{"status":3}`)(req)
	})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := roundTrip(context.Background(), lt); err != nil {
				t.Error(err)
			}
		}()
	}
	for stub.calls.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if peak.Load() != 3 || stub.calls.Load() != 10 {
		t.Fatalf("peak %d in flight over %d calls, want 3 over 10", peak.Load(), stub.calls.Load())
	}
	if len(lt.slots) != 0 {
		t.Fatalf("%d slots still taken", len(lt.slots))
	}
}

func TestLimitTransport_throttlePausesEveryRequestForRetryAfter(t *testing.T) {
	lt, stub := testTransport(t, 8, 0, answerWith(429, "3", `{"error_code":"APIGW.0308","error_msg":"x"}`))
	resp, err := roundTrip(context.Background(), lt)
	if err != nil || resp.StatusCode != 429 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if d := pausedFor(lt); d < 2*time.Second || d > 3*time.Second {
		t.Fatalf("pause %v after Retry-After: 3", d)
	}
	// Any other request waits for the pause: with a deadline inside it, it
	// never reaches the server.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := roundTrip(ctx, lt); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request during the pause returned %v", err)
	}
	if stub.calls.Load() != 1 || len(lt.slots) != 0 {
		t.Fatalf("%d calls, %d slots taken", stub.calls.Load(), len(lt.slots))
	}
}

func TestLimitTransport_pauseIsCappedOrDefault(t *testing.T) {
	for _, tc := range []struct {
		retryAfter string
		status     int
		body       string
		want       time.Duration
	}{
		{"", 429, "", DefaultThrottlePause},
		{"172800", 429, "", MaxThrottlePause},
		{"7", 429, "", 7 * time.Second},
		{"", 503, `{"error_code":"APIGW.0308"}`, DefaultThrottlePause},
		{"7", 503, `{"error_code":"OSM.0004"}`, 0}, // not a throttle: no pause
	} {
		lt, _ := testTransport(t, 4, 0, answerWith(tc.status, tc.retryAfter, tc.body))
		if _, err := roundTrip(context.Background(), lt); err != nil {
			t.Fatal(err)
		}
		got := pausedFor(lt)
		if tc.want == 0 && got > 0 || tc.want > 0 && (got > tc.want || got < tc.want-time.Second) {
			t.Errorf("HTTP %d Retry-After %q: pause %v, want %v", tc.status, tc.retryAfter, got, tc.want)
		}
	}
}

func TestIsThrottled_gatewayCodeCountsAsThrottle(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   bool
	}{
		{429, `{"error_code":"APIGW.0308","error_msg":"x"}`, true},
		{429, `<html>slow down</html>`, true},
		{503, `{"error_code":"APIGW.0308","error_msg":"x"}`, true},
		{500, `{"error_code":"OSM.0004"}`, false},
		{200, `{"status":3}`, false},
		{200, `{"error_code":"APIGW.0308"}`, false},
	} {
		if got := isThrottled(tc.status, []byte(tc.body)); got != tc.want {
			t.Errorf("%d %s: throttled %v, want %v", tc.status, tc.body, got, tc.want)
		}
	}
}

func TestLimitTransport_rateLimitPaces(t *testing.T) {
	lt, stub := testTransport(t, 4, 1, answerWith(200, "", `{"status":3}`))
	if _, err := roundTrip(context.Background(), lt); err != nil {
		t.Fatal(err)
	}
	// At one request per second, the next one cannot start within 100ms:
	// the rate limiter refuses at once rather than wait past the deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := roundTrip(ctx, lt); err == nil {
		t.Fatal("a second request inside the rate limit's interval went through")
	}
	if stub.calls.Load() != 1 || len(lt.slots) != 0 {
		t.Fatalf("%d calls, %d slots taken", stub.calls.Load(), len(lt.slots))
	}
}

func TestLimitTransport_cancelWhileQueued(t *testing.T) {
	release := make(chan struct{})
	lt, stub := testTransport(t, 1, 0, func(req *http.Request) (*http.Response, error) {
		<-release
		return answerWith(200, "", `{"status":3}`)(req)
	})
	held := make(chan error)
	go func() { _, err := roundTrip(context.Background(), lt); held <- err }()
	for stub.calls.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	queued := make(chan error)
	go func() { _, err := roundTrip(ctx, lt); queued <- err }()
	cancel()
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Fatalf("queued request returned %v", err)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if stub.calls.Load() != 1 || len(lt.slots) != 0 {
		t.Fatalf("%d calls, %d slots taken", stub.calls.Load(), len(lt.slots))
	}
}

func TestLimitTransport_buffersTheWholeBody(t *testing.T) {
	lt, _ := testTransport(t, 1, 0, answerWith(503, "", `{"error_code":"APIGW.0308"}`))
	resp, err := roundTrip(context.Background(), lt)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(bufferedBytes(resp)); got != `{"error_code":"APIGW.0308"}` {
		t.Fatalf("buffered %q", got)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != `{"error_code":"APIGW.0308"}` {
		t.Fatalf("body %q", b)
	}
}
