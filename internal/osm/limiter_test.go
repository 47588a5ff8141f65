package osm

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// virtualClock is a clock whose sleeps return at once and advance it.
type virtualClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func newVirtualClock() *virtualClock {
	return &virtualClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *virtualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *virtualClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *virtualClock) totalSlept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var sum time.Duration
	for _, d := range c.slept {
		sum += d
	}
	return sum
}

func testLimiter(t *testing.T, maxConcurrency int, rps float64) (*limiter, *virtualClock) {
	t.Helper()
	l, err := newLimiter(maxConcurrency, rps)
	if err != nil {
		t.Fatal(err)
	}
	clk := newVirtualClock()
	l.now, l.sleep = clk.now, clk.sleep
	return l, clk
}

// mustAcquire starts an attempt of a new request and returns its context.
func mustAcquire(t *testing.T, l *limiter) context.Context {
	t.Helper()
	ctx := withAttemptCell(context.Background())
	if err := l.beforeAttempt(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func ok(l *limiter, ctx context.Context) { l.afterAnswer(ctx, 200, 0) }

func throttled(l *limiter, ctx context.Context, retryAfter time.Duration) {
	l.afterAnswer(ctx, 429, retryAfter)
}

func TestNewLimiter_limits(t *testing.T) {
	if l, err := newLimiter(0, 0); err != nil || l.max != DefaultMaxConcurrency || l.rate != nil {
		t.Fatalf("defaults: %+v %v", l, err)
	}
	for _, tc := range []struct {
		max int
		rps float64
	}{{-1, 0}, {257, 0}, {1, -1}} {
		if _, err := newLimiter(tc.max, tc.rps); err == nil {
			t.Errorf("newLimiter(%d, %v) accepted", tc.max, tc.rps)
		}
	}
}

func TestLimiter_boundsConcurrencyInOrder(t *testing.T) {
	l, _ := testLimiter(t, 2, 0)
	p1, p2 := mustAcquire(t, l), mustAcquire(t, l)
	order := make(chan int, 3)
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := mustAcquire(t, l)
			order <- i
			ok(l, p)
		}()
		// Queue them one after the other.
		for l.stats().InFlight != 2 || queued(l) != i {
			time.Sleep(time.Millisecond)
		}
	}
	if s := l.stats(); s.InFlight != 2 {
		t.Fatalf("in flight %d, want 2", s.InFlight)
	}
	// One slot frees up; it passes from waiter to waiter in queue order.
	ok(l, p1)
	wg.Wait()
	ok(l, p2)
	close(order)
	want := 1
	for got := range order {
		if got != want {
			t.Fatalf("waiter %d got its slot before waiter %d", got, want)
		}
		want++
	}
	if s := l.stats(); s.InFlight != 0 {
		t.Fatalf("in flight %d after every release", s.InFlight)
	}
}

func queued(l *limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}

func TestLimiter_throttlePausesEveryWorkerForRetryAfter(t *testing.T) {
	l, clk := testLimiter(t, 8, 0)
	start := clk.now()
	p1, p2 := mustAcquire(t, l), mustAcquire(t, l)
	// Worker 1 is throttled with Retry-After: 3.
	throttled(l, p1, 3*time.Second)
	s := l.stats()
	if s.Allowed != 4 || s.Throttled != 1 || !s.PausedUntil.Equal(start.Add(3*time.Second)) {
		t.Fatalf("after one 429: %+v", s)
	}
	// Worker 2's attempt was already in flight: its 429 belongs to the same
	// event and does not halve the concurrency again.
	throttled(l, p2, 3*time.Second)
	if s := l.stats(); s.Allowed != 4 || s.Throttled != 2 {
		t.Fatalf("after a 429 of the same event: %+v", s)
	}
	// Every other worker waits for the pause before its attempt.
	for range 3 {
		p := mustAcquire(t, l)
		if now := clk.now(); now.Before(start.Add(3 * time.Second)) {
			t.Fatalf("an attempt started at +%v, inside the 3 s pause", now.Sub(start))
		}
		ok(l, p)
	}
	if got := clk.totalSlept(); got != 3*time.Second {
		t.Fatalf("slept %v in total, want the 3 s pause once", got)
	}
	// A new 429 after the pause is a new event: halve again.
	p := mustAcquire(t, l)
	throttled(l, p, 0)
	if s := l.stats(); s.Allowed != 2 || !s.PausedUntil.Equal(clk.now().Add(DefaultThrottlePause)) {
		t.Fatalf("after a second event without Retry-After: %+v", s)
	}
}

func TestLimiter_recoversGradually(t *testing.T) {
	l, _ := testLimiter(t, 16, 0)
	for want := 8; want >= 1; want /= 2 {
		p := mustAcquire(t, l)
		throttled(l, p, time.Nanosecond)
		if got := l.stats().Allowed; got != want {
			t.Fatalf("allowed %d, want %d", got, want)
		}
	}
	throttled(l, mustAcquire(t, l), time.Nanosecond)
	if got := l.stats().Allowed; got != 1 {
		t.Fatalf("allowed %d, want the floor 1", got)
	}
	prev, answers := 1, 0
	for l.stats().Allowed < 16 {
		ok(l, mustAcquire(t, l))
		answers++
		got := l.stats().Allowed
		if got > prev+1 {
			t.Fatalf("allowed jumped from %d to %d after one answer", prev, got)
		}
		prev = got
		if answers > 1000 {
			t.Fatal("never recovered")
		}
	}
	// About one slot per round of answers: 1+2+...+15 answers.
	if answers < 100 || answers > 130 {
		t.Fatalf("recovered to 16 after %d answers, want about 120", answers)
	}
	ok(l, mustAcquire(t, l))
	if got := l.stats().Allowed; got != 16 {
		t.Fatalf("allowed %d beyond the maximum", got)
	}
}

func TestLimiter_pauseIsCappedOrDefault(t *testing.T) {
	for _, tc := range []struct {
		retryAfter, want time.Duration
	}{
		{0, DefaultThrottlePause},
		{48 * time.Hour, MaxThrottlePause},
		{7 * time.Second, 7 * time.Second},
	} {
		l, clk := testLimiter(t, 4, 0)
		throttled(l, mustAcquire(t, l), tc.retryAfter)
		if got := l.stats().PausedUntil.Sub(clk.now()); got != tc.want {
			t.Errorf("Retry-After %v: pause %v, want %v", tc.retryAfter, got, tc.want)
		}
	}
}

func TestLimiter_attemptWithoutCellCountsInCurrentEpoch(t *testing.T) {
	l, _ := testLimiter(t, 8, 0)
	for _, want := range []int{4, 2} {
		if err := l.beforeAttempt(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.afterAnswer(context.Background(), 429, time.Nanosecond)
		if got := l.stats().Allowed; got != want {
			t.Fatalf("allowed %d, want %d", got, want)
		}
	}
}

func TestLimiter_gatewayCodeCountsAsThrottle(t *testing.T) {
	for _, tc := range []struct {
		a    *answer
		want bool
	}{
		{&answer{status: 429, body: []byte(`{"error_code":"APIGW.0308","error_msg":"x"}`)}, true},
		{&answer{status: 429, body: []byte(`<html>slow down</html>`)}, true},
		{&answer{status: 503, body: []byte(`{"error_code":"APIGW.0308","error_msg":"x"}`)}, true},
		{&answer{status: 500, body: []byte(`{"error_code":"OSM.0004"}`)}, false},
		{&answer{status: 200, body: []byte(`{"status":3}`)}, false},
	} {
		if got := isThrottledAnswer(tc.a); got != tc.want {
			t.Errorf("%d %s: throttled %v, want %v", tc.a.status, tc.a.body, got, tc.want)
		}
	}
}

func TestLimiter_rateLimitPacesAndSlowsOnThrottle(t *testing.T) {
	l, clk := testLimiter(t, 4, 10)
	for range 5 {
		ok(l, mustAcquire(t, l))
	}
	// The first goes at once, then one every 100 ms.
	if got := clk.totalSlept(); got != 400*time.Millisecond {
		t.Fatalf("5 requests at 10/s waited %v, want 400ms", got)
	}
	throttled(l, mustAcquire(t, l), time.Nanosecond)
	if got := l.stats().RateLimit; got != 5 {
		t.Fatalf("rate after a 429: %v, want 5", got)
	}
	for range 100 {
		ok(l, mustAcquire(t, l))
	}
	if got := l.stats().RateLimit; got != 10 {
		t.Fatalf("rate did not recover to 10: %v", got)
	}
}

func TestLimiter_cancelWhileQueuedOrPaused(t *testing.T) {
	l, _ := testLimiter(t, 1, 0)
	held := mustAcquire(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- l.beforeAttempt(ctx) }()
	for queued(l) != 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("queued acquire returned %v", err)
	}
	if queued(l) != 0 {
		t.Fatal("a canceled waiter stayed in the queue")
	}
	ok(l, held)
	if s := l.stats(); s.InFlight != 0 {
		t.Fatalf("in flight %d", s.InFlight)
	}

	// Canceled during a pause: the slot is given back.
	l.sleep = sleepContext
	l.now = time.Now
	throttled(l, mustAcquire(t, l), 30*time.Second)
	ctx, cancel = context.WithCancel(context.Background())
	go func() { errc <- l.beforeAttempt(ctx) }()
	for l.stats().InFlight != 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("paused acquire returned %v", err)
	}
	if s := l.stats(); s.InFlight != 0 {
		t.Fatalf("in flight %d after a canceled pause", s.InFlight)
	}
}
