package osm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

// limitTransport is the RoundTripper through which every HTTP attempt of one
// Client goes, whichever data source or batch it serves. Before an attempt
// it waits for the shared "not before" time that a throttled answer set, for
// one of a fixed number of slots (max_concurrency) and for the optional rate
// limiter (max_requests_per_second). It then sends the attempt within the
// per-attempt timeout, reads the whole body (up to MaxBodyBytes + 1 bytes)
// so that the slot is held until the answer is complete and the retry
// policy can look at it, and gives the slot back.
type limitTransport struct {
	next http.RoundTripper
	// auth adds credentials to each attempt once it has its slot, so that
	// a signature is fresh and a token is the latest one when the request
	// leaves, however long it queued; nil adds none (the IAM login).
	auth    func(context.Context, *http.Request) error
	slots   chan struct{}
	rate    *rate.Limiter // nil: unlimited
	timeout time.Duration // per attempt; 0: none
	log     Logger

	mu           sync.Mutex
	notBefore    time.Time
	defaultPause time.Duration
	pauseCap     time.Duration
	sleep        func(ctx context.Context, d time.Duration) error // sleepContext; a test knob
}

// newLimitTransport returns the transport; a throttled answer pauses every
// request for its Retry-After, at most maxPause (0: MaxThrottlePause).
func newLimitTransport(next http.RoundTripper, maxConcurrency int, requestsPerSecond float64, timeout, maxPause time.Duration, log Logger) (*limitTransport, error) {
	if maxConcurrency == 0 {
		maxConcurrency = DefaultMaxConcurrency
	}
	if maxConcurrency < 1 || maxConcurrency > MaxMaxConcurrency {
		return nil, fmt.Errorf("max concurrency must be between 1 and %d, got %d", MaxMaxConcurrency, maxConcurrency)
	}
	if math.IsNaN(requestsPerSecond) || math.IsInf(requestsPerSecond, 0) || requestsPerSecond < 0 {
		return nil, fmt.Errorf("max requests per second must be a positive number, got %v", requestsPerSecond)
	}
	t := &limitTransport{next: next, slots: make(chan struct{}, maxConcurrency), timeout: timeout, log: log,
		defaultPause: DefaultThrottlePause, pauseCap: MaxThrottlePause, sleep: sleepContext}
	if maxPause > 0 {
		t.pauseCap = min(t.pauseCap, maxPause)
		t.defaultPause = min(t.defaultPause, maxPause)
	}
	if requestsPerSecond > 0 {
		// A burst of one keeps the pace even: no spike of max requests at the start.
		t.rate = rate.NewLimiter(rate.Limit(requestsPerSecond), 1)
	}
	return t, nil
}

// RoundTrip sends one attempt; see limitTransport.
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := t.waitPause(ctx); err != nil {
		return nil, err
	}
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-t.slots }()
	if t.rate != nil {
		// Reserve and sleep rather than rate.Wait, which refuses at once
		// a wait past the caller's deadline with an error of its own: the
		// caller's context ending is what ends the wait.
		r := t.rate.Reserve()
		if err := sleepContext(ctx, r.Delay()); err != nil {
			r.Cancel()
			return nil, err
		}
	}
	// Credentials first, under the caller's context: a password login or
	// an agency exchange has its own timeouts and retries, which the
	// per-attempt timeout of this request must not cut short.
	sent := req.Clone(ctx) // never change the caller's request
	if t.auth != nil {
		if err := t.auth(ctx, sent); err != nil {
			return nil, &authFailure{err: err}
		}
	}
	actx, cancel := ctx, context.CancelFunc(func() {})
	if t.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, t.timeout)
	}
	defer cancel()
	sent = sent.WithContext(actx)
	resp, err := t.next.RoundTrip(sent)
	if err != nil {
		return nil, t.attemptError(ctx, actx, err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the body of the HTTP %d answer: %w", resp.StatusCode, t.attemptError(ctx, actx, err))
	}
	resp.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body}
	resp.Request = sent // the request as it went on the wire, credentials included
	resp.ContentLength = int64(len(body))
	if isThrottled(resp.StatusCode, body) {
		t.throttled(ctx, resp.Header.Get("Retry-After"))
	}
	return resp, nil
}

// authFailure is an error of the Authenticator: it ends the call as it is,
// without a retry (retryableNetError does not look inside it).
type authFailure struct{ err error }

func (e *authFailure) Error() string { return e.err.Error() }

// attemptError names a per-attempt timeout that fired while the caller's
// context is still alive.
func (t *limitTransport) attemptError(ctx, actx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &attemptTimeoutError{timeout: t.timeout}
	}
	return err
}

// throttled sets the shared "not before" time from a throttled answer's
// Retry-After (capped), or the default pause.
func (t *limitTransport) throttled(ctx context.Context, retryAfter string) {
	t.mu.Lock()
	pause := t.defaultPause
	if d, ok := parseRetryAfter(retryAfter, time.Now()); ok && d > 0 {
		pause = min(d, t.pauseCap)
	}
	if until := time.Now().Add(pause); until.After(t.notBefore) {
		t.notBefore = until
	}
	t.mu.Unlock()
	t.log.Log(ctx, LevelWarn, "OSM API throttled the client; pausing every request", map[string]any{
		"pause_ms": pause.Milliseconds(),
	})
}

// waitPause waits until the shared "not before" time, again if a throttled
// answer pushed it back meanwhile.
func (t *limitTransport) waitPause(ctx context.Context) error {
	for {
		t.mu.Lock()
		until := t.notBefore
		t.mu.Unlock()
		d := time.Until(until)
		if d <= 0 {
			return ctx.Err()
		}
		if err := t.sleep(ctx, d); err != nil {
			return err
		}
		t.mu.Lock()
		moved := t.notBefore.After(until)
		t.mu.Unlock()
		if !moved {
			return ctx.Err()
		}
	}
}

// bufferedBody is an answer's body, read whole by limitTransport, whose
// bytes the retry policy can look at without consuming them.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// bufferedBytes returns the whole body of an answer that came through
// limitTransport.
func bufferedBytes(resp *http.Response) []byte {
	if b, ok := resp.Body.(*bufferedBody); ok {
		return b.data
	}
	return nil
}

var throttleCode = []byte(`"` + CodeGatewayThrottle + `"`)

// isThrottled reports HTTP 429, or an error answer with the gateway's
// APIGW.0308 code.
func isThrottled(status int, body []byte) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	return (status < 200 || status >= 300) && bytes.Contains(body, throttleCode)
}
