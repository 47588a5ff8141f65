package osm

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Concurrency limits of one Client (Config.MaxConcurrency).
const (
	DefaultMaxConcurrency = 16
	MaxMaxConcurrency     = 256
)

// Pauses the shared throttle imposes after a throttled answer (HTTP 429 or
// APIGW.0308).
const (
	// DefaultThrottlePause is the pause after a throttled answer without a
	// usable Retry-After header: the gateway documents "retry after 2 to 5 s".
	DefaultThrottlePause = 2 * time.Second
	// MaxThrottlePause is the longest Retry-After honoured, so that a
	// misbehaving gateway cannot hang a plan for hours.
	MaxThrottlePause = time.Minute
)

// LimiterStats describes the client-wide limiter at one moment.
type LimiterStats struct {
	MaxConcurrency int       // the configured bound
	Allowed        int       // the concurrency allowed now (lower after throttling, recovering to MaxConcurrency)
	InFlight       int       // attempts holding a slot now
	Throttled      int       // throttled answers seen so far
	PausedUntil    time.Time // no attempt starts before this; zero when never paused
	RateLimit      float64   // requests per second allowed now; 0 means unlimited
}

// limiter bounds and paces every HTTP attempt of one Client, whichever data
// source or batch it serves:
//   - at most `allowed` attempts are in flight (a FIFO queue of slots);
//     allowed starts at max and follows AIMD: halved once per throttling
//     event, then raised by 1/allowed per answered attempt, so it climbs back
//     by about one slot per round of answers;
//   - a throttled answer sets a client-wide "not before" time from its
//     Retry-After header, and every attempt, in flight or queued, waits for it;
//   - an optional token bucket caps the request rate; it is halved on
//     throttling and recovers gradually too.
type limiter struct {
	mu        sync.Mutex
	max       int
	allowed   float64
	inFlight  int
	queue     []*slotWaiter
	epoch     uint64 // bumped at each decrease; answers to older attempts do not decrease again
	notBefore time.Time
	throttled int

	rate    *rate.Limiter // nil: unlimited
	maxRate float64

	// Injected for tests; real time otherwise.
	now          func() time.Time
	sleep        func(ctx context.Context, d time.Duration) error
	defaultPause time.Duration
	pauseCap     time.Duration
	log          Logger
}

type slotWaiter struct {
	ch      chan struct{}
	granted bool
}

// attemptCell carries, from beforeAttempt to afterAnswer, the throttling
// epoch in which an attempt started. One request's attempts run one after
// the other, so one cell per request in its context is enough; an attempt
// without a cell counts as started in the current epoch.
//
// ownPause is the end of the shared pause that this request's own throttled
// answer set: the retry loop already waits out that answer's Retry-After
// (capped by the retry policy) before the next attempt, so the request does
// not wait for its own pause a second time; other requests do.
type attemptCell struct {
	epoch    uint64
	ownPause time.Time
}

type attemptCellKey struct{}

// withAttemptCell returns ctx with a fresh cell for one request's attempts.
func withAttemptCell(ctx context.Context) context.Context {
	return context.WithValue(ctx, attemptCellKey{}, &attemptCell{})
}

func cellOf(ctx context.Context) *attemptCell {
	c, _ := ctx.Value(attemptCellKey{}).(*attemptCell)
	return c
}

func newLimiter(maxConcurrency int, requestsPerSecond float64) (*limiter, error) {
	if maxConcurrency == 0 {
		maxConcurrency = DefaultMaxConcurrency
	}
	if maxConcurrency < 1 || maxConcurrency > MaxMaxConcurrency {
		return nil, fmt.Errorf("max concurrency must be between 1 and %d, got %d", MaxMaxConcurrency, maxConcurrency)
	}
	if math.IsNaN(requestsPerSecond) || math.IsInf(requestsPerSecond, 0) || requestsPerSecond < 0 {
		return nil, fmt.Errorf("max requests per second must be a positive number, got %v", requestsPerSecond)
	}
	l := &limiter{
		max:          maxConcurrency,
		allowed:      float64(maxConcurrency),
		now:          time.Now,
		sleep:        sleepContext,
		defaultPause: DefaultThrottlePause,
		pauseCap:     MaxThrottlePause,
	}
	if requestsPerSecond > 0 {
		// A burst of one keeps the pace even: no spike of max requests at the start.
		l.rate = rate.NewLimiter(rate.Limit(requestsPerSecond), 1)
		l.maxRate = requestsPerSecond
	}
	return l, nil
}

// slots is the number of attempts allowed in flight now.
func (l *limiter) slots() int {
	n := int(l.allowed)
	if n < 1 {
		n = 1
	}
	return n
}

// beforeAttempt waits for a slot, the end of any shared pause and a rate
// token, in that order, before one HTTP attempt. It returns only ctx's
// error, and then holds no slot. Every successful call must be followed by
// one afterAnswer once the attempt's answer is read (or failed).
func (l *limiter) beforeAttempt(ctx context.Context) error {
	if err := l.takeSlot(ctx); err != nil {
		return err
	}
	for {
		if err := l.waitPause(ctx); err != nil {
			l.giveSlot()
			return err
		}
		if l.rate != nil {
			now := l.now()
			res := l.rate.ReserveN(now, 1)
			if d := res.DelayFrom(now); d > 0 {
				if err := l.sleep(ctx, d); err != nil {
					res.CancelAt(l.now())
					l.giveSlot()
					return err
				}
			}
		}
		// A throttled answer may have arrived while this attempt waited
		// for its rate token: honour that pause too.
		l.mu.Lock()
		if l.pauseLeftLocked(ctx) <= 0 {
			if c := cellOf(ctx); c != nil {
				c.epoch = l.epoch
			}
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
	}
}

func (l *limiter) takeSlot(ctx context.Context) error {
	l.mu.Lock()
	if len(l.queue) == 0 && l.inFlight < l.slots() {
		l.inFlight++
		l.mu.Unlock()
		return nil
	}
	w := &slotWaiter{ch: make(chan struct{})}
	l.queue = append(l.queue, w)
	l.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		if w.granted {
			// Granted while ctx ended: hand the slot on.
			l.mu.Unlock()
			l.giveSlot()
			return ctx.Err()
		}
		for i, q := range l.queue {
			if q == w {
				l.queue = append(l.queue[:i], l.queue[i+1:]...)
				break
			}
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// giveSlot frees a slot and hands free slots to the queue in order.
func (l *limiter) giveSlot() {
	l.mu.Lock()
	l.inFlight--
	l.grantLocked()
	l.mu.Unlock()
}

func (l *limiter) grantLocked() {
	for len(l.queue) > 0 && l.inFlight < l.slots() {
		w := l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		w.granted = true
		l.inFlight++
		close(w.ch)
	}
}

// pauseLeftLocked is how long the attempt of ctx must still wait for the
// shared pause: nothing when the pause is its own request's (see attemptCell).
func (l *limiter) pauseLeftLocked(ctx context.Context) time.Duration {
	if c := cellOf(ctx); c != nil && !c.ownPause.Before(l.notBefore) {
		return 0
	}
	return l.notBefore.Sub(l.now())
}

func (l *limiter) waitPause(ctx context.Context) error {
	for {
		l.mu.Lock()
		d := l.pauseLeftLocked(ctx)
		l.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := l.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// afterAnswer ends an attempt once its answer was read: status is the HTTP
// status (0 when no answer arrived, which changes nothing but the slot;
// 429 for a throttled answer) and retryAfter the answer's Retry-After (0
// when it has none: the default pause applies).
func (l *limiter) afterAnswer(ctx context.Context, status int, retryAfter time.Duration) {
	epoch := uint64(0)
	cell := cellOf(ctx)
	l.mu.Lock()
	if cell != nil {
		epoch = cell.epoch
	} else {
		epoch = l.epoch
	}
	l.inFlight--
	var pause time.Duration
	throttled, decreased := false, false
	switch status {
	case 0:
	case http.StatusTooManyRequests:
		throttled = true
		l.throttled++
		pause = l.defaultPause
		if retryAfter > 0 {
			pause = min(retryAfter, l.pauseCap)
		}
		if until := l.now().Add(pause); until.After(l.notBefore) {
			l.notBefore = until
		}
		if cell != nil {
			cell.ownPause = l.notBefore
		}
		if epoch == l.epoch {
			// One decrease per throttling event: the answers to attempts
			// that were already in flight belong to the same event.
			l.epoch++
			decreased = true
			l.allowed = math.Max(1, math.Floor(l.allowed/2))
			if l.rate != nil {
				l.rate.SetLimitAt(l.now(), rate.Limit(math.Max(l.maxRate/64, float64(l.rate.Limit())/2)))
			}
		}
	default:
		if l.allowed < float64(l.max) {
			l.allowed = math.Min(float64(l.max), l.allowed+1/l.allowed)
		}
		if l.rate != nil {
			if cur := float64(l.rate.Limit()); cur < l.maxRate {
				l.rate.SetLimitAt(l.now(), rate.Limit(math.Min(l.maxRate, cur+l.maxRate/32)))
			}
		}
	}
	l.grantLocked()
	allowed := l.slots()
	l.mu.Unlock()
	if throttled && l.log != nil {
		l.log.Log(ctx, LevelWarn, "OSM API throttled the client; pausing every request", map[string]any{
			"pause_ms":            pause.Milliseconds(),
			"allowed_concurrency": allowed,
			"decreased":           decreased,
		})
	}
}

var throttleCode = []byte(`"` + CodeGatewayThrottle + `"`)

// isThrottledAnswer reports HTTP 429 or the gateway's APIGW.0308 code.
func isThrottledAnswer(a *answer) bool {
	if a.status == http.StatusTooManyRequests {
		return true
	}
	return (a.status < 200 || a.status >= 300) && bytes.Contains(a.body, throttleCode)
}

func (l *limiter) stats() LimiterStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := LimiterStats{
		MaxConcurrency: l.max,
		Allowed:        l.slots(),
		InFlight:       l.inFlight,
		Throttled:      l.throttled,
		PausedUntil:    l.notBefore,
	}
	if l.rate != nil {
		s.RateLimit = float64(l.rate.Limit())
	}
	return s
}
