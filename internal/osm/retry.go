package osm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults a caller (the Terraform provider) applies when the user sets
// nothing. The zero Config means no retries and no per-attempt limit.
const (
	DefaultMaxRetries     = 4
	DefaultRetryMinDelay  = time.Second
	DefaultRetryMaxDelay  = 30 * time.Second
	DefaultRequestTimeout = 30 * time.Second
)

// retryPolicy is how a Client retries a failed attempt.
type retryPolicy struct {
	maxRetries int           // retries after the first attempt; 0 disables
	minDelay   time.Duration // the shortest wait before a retry
	maxDelay   time.Duration // the longest wait, Retry-After included
	timeout    time.Duration // per attempt, body included; 0: none
	sleep      func(context.Context, time.Duration) error
	rand       func() float64 // uniform in [0, 1)
	now        func() time.Time
}

// attemptHooks are the points where client-wide flow control (a limit on
// requests in flight, a throttle shared by every caller after a 429) plugs
// into the retry loop. nil means none.
type attemptHooks struct {
	// beforeAttempt runs before every attempt; an error ends the call
	// (return ctx.Err() when the context ends while waiting).
	beforeAttempt func(ctx context.Context) error
	// afterAnswer runs after every attempt with the HTTP status (0 when no
	// answer arrived) and the Retry-After the answer carried (0 if none).
	afterAnswer func(ctx context.Context, status int, retryAfter time.Duration)
}

func newRetryPolicy(cfg Config) (retryPolicy, error) {
	p := retryPolicy{
		maxRetries: cfg.MaxRetries,
		minDelay:   cfg.RetryMinDelay,
		maxDelay:   cfg.RetryMaxDelay,
		timeout:    cfg.RequestTimeout,
		sleep:      cfg.Sleep,
		rand:       cfg.Rand,
		now:        cfg.Now,
	}
	switch {
	case p.maxRetries < 0:
		return p, errors.New("max retries must not be negative")
	case p.minDelay < 0 || p.maxDelay < 0:
		return p, errors.New("retry delays must not be negative")
	case p.minDelay > p.maxDelay:
		return p, fmt.Errorf("the minimum retry delay %s is longer than the maximum %s", p.minDelay, p.maxDelay)
	case p.timeout < 0:
		return p, errors.New("request timeout must not be negative")
	}
	if p.sleep == nil {
		p.sleep = sleepContext
	}
	if p.rand == nil {
		p.rand = rand.Float64
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// outcome is what one attempt produced and whether it is worth another.
type outcome struct {
	ans           *answer // the answer, when one arrived
	err           *Error  // the transport error, when none did
	retryable     bool
	reason        string        // what went wrong, for the log; never a header value
	retryAfter    time.Duration // from Retry-After on a 429 or 503
	hasRetryAfter bool
}

// do sends req until it gets an answer that is not worth retrying or the
// retries run out, and returns the last answer or error with the number
// of attempts made. Every attempt is a fresh clone of req, authenticated
// anew, so that credentials that sign a request or refresh can do so.
func (c *Client) do(ctx context.Context, req *http.Request) (*answer, error) {
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, &Error{Kind: KindCanceled, Host: req.URL.Host, Err: err, Attempts: n - 1}
		}
		if c.hooks.beforeAttempt != nil {
			if err := c.hooks.beforeAttempt(ctx); err != nil {
				return nil, c.transportError(ctx, ctx, req, err, n-1)
			}
		}
		ans, err := c.attempt(ctx, req, n)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				c.reportAnswer(ctx, nil) // the slot taken by beforeAttempt is given back
				return nil, err          // from the Authenticator: not a network failure
			}
		}
		out := c.classify(ans, err)
		c.reportAnswer(ctx, ans)
		if !out.retryable || n > c.retry.maxRetries {
			if out.err != nil {
				out.err.Attempts = n
				return nil, out.err
			}
			out.ans.attempts = n
			return out.ans, nil
		}
		delay := c.retryDelay(n, out)
		c.log.Log(ctx, LevelWarn, "OSM API request failed, retrying", map[string]any{
			"method":       req.Method,
			"path":         req.URL.EscapedPath(),
			"attempt":      n,
			"max_attempts": c.retry.maxRetries + 1,
			"reason":       out.reason,
			"delay_ms":     delay.Milliseconds(),
			"retry_after":  out.hasRetryAfter,
		})
		if err := c.retry.sleep(ctx, delay); err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return nil, &Error{Kind: KindCanceled, Host: req.URL.Host, Attempts: n,
				Err: fmt.Errorf("%w while waiting to retry after: %s", err, out.reason)}
		}
	}
}

// reportAnswer tells the afterAnswer hook how an attempt ended: the HTTP
// status (429 for any answer that carries the gateway's throttling code,
// whatever its status; 0 when none arrived) and the answer's Retry-After.
func (c *Client) reportAnswer(ctx context.Context, ans *answer) {
	if c.hooks.afterAnswer == nil {
		return
	}
	status, retryAfter := 0, time.Duration(0)
	if ans != nil {
		status = ans.status
		if isThrottledAnswer(ans) {
			status = http.StatusTooManyRequests
		}
		retryAfter, _ = parseRetryAfter(ans.header.Get("Retry-After"), c.retry.now())
	}
	c.hooks.afterAnswer(ctx, status, retryAfter)
}

// classify decides whether an attempt is worth retrying: connection
// failures (refused, reset, closed before an answer, cut mid-body, no
// answer within the per-attempt timeout) and HTTP 429, 500, 502, 503, 504.
// Never other 4xx, 501, TLS verification failures or a 2xx carrying an
// error_code.
func (c *Client) classify(ans *answer, err error) outcome {
	if err != nil {
		var e *Error
		errors.As(err, &e)
		return outcome{err: e, retryable: e.Kind == KindTransport && retryableNetError(e.Err), reason: e.Error()}
	}
	out := outcome{ans: ans}
	switch ans.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		out.retryAfter, out.hasRetryAfter = parseRetryAfter(ans.header.Get("Retry-After"), c.retry.now())
		fallthrough
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		out.retryable = true
		if _, derr := decodeStatus(ans); derr != nil {
			out.reason = derr.Error()
		}
	}
	return out
}

// retryDelay is how long to wait before attempt n+1: the answer's
// Retry-After when it has one, else a random time (full jitter) between
// the minimum delay and min(maximum delay, minimum delay × 2^n); both
// capped by the maximum delay.
func (c *Client) retryDelay(n int, out outcome) time.Duration {
	p := c.retry
	if out.hasRetryAfter {
		return min(out.retryAfter, p.maxDelay)
	}
	ceiling := p.maxDelay
	if n < 62 && p.minDelay <= p.maxDelay>>n {
		ceiling = p.minDelay << n
	}
	r := p.rand()
	if !(r >= 0) { // also NaN
		r = 0
	} else if r > 1 {
		r = 1
	}
	return min(p.minDelay+time.Duration(r*float64(ceiling-p.minDelay)), p.maxDelay)
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(time.Duration(1<<62)/time.Second) {
			return time.Duration(1 << 62), true // absurdly long: the cap applies
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// attemptTimeoutError is a per-attempt timeout that fired.
type attemptTimeoutError struct{ timeout time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within %s (the per-attempt request timeout)", e.timeout)
}
func (e *attemptTimeoutError) Timeout() bool { return true }

// retryableNetError reports whether a failure to get an answer is a
// transient network failure worth another attempt. Certificate and TLS
// failures, unknown hosts and refused proxies are not: trying again cannot
// fix them.
func retryableNetError(err error) bool {
	if err == nil {
		return false
	}
	var (
		certErr     *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
		alertErr    tls.AlertError
		timeoutErr  *attemptTimeoutError
		dnsErr      *net.DNSError
		netErr      net.Error
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recordErr), errors.As(err, &alertErr):
		return false
	case errors.As(err, &timeoutErr):
		return true
	case errors.As(err, &dnsErr):
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	}
	return false
}
