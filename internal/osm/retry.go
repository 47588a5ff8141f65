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

	"github.com/hashicorp/go-retryablehttp"
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
	minDelay   time.Duration // the shortest wait before a retry, Retry-After included
	maxDelay   time.Duration // the longest wait, Retry-After included
	timeout    time.Duration // per attempt, body included; 0: none

	// sleep replaces the real wait before a retry; nil in production. rand
	// and now are the real ones unless a test sets them (export_test.go).
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64 // uniform in [0, 1)
	now   func() time.Time
}

func newRetryPolicy(maxRetries int, minDelay, maxDelay, timeout time.Duration) (retryPolicy, error) {
	p := retryPolicy{
		maxRetries: maxRetries,
		minDelay:   minDelay,
		maxDelay:   maxDelay,
		timeout:    timeout,
		rand:       rand.Float64,
		now:        time.Now,
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
	return p, nil
}

// MaxThrottleRetries is how many times a throttled answer (HTTP 429 or
// APIGW.0308) is retried, apart from the max_retries that other failures
// use up, as go-tfe does for its rate limit. Every throttled answer pauses
// the whole client (limiter.go), so these retries cannot hammer the
// gateway; they let a large batch finish behind a rate limit instead of
// failing the tickets that happened to meet it. max_retries = 0 disables
// them too.
const MaxThrottleRetries = 20

// call is the state of one request across its attempts.
type call struct {
	attempts  int
	failures  int           // retryable failures other than throttling so far
	throttles int           // throttled answers so far
	reason    string        // why the last attempt is being retried
	delay     time.Duration // the wait before the next attempt
}

// do sends req with go-retryablehttp until it gets an answer that is not
// worth retrying or the retries run out, and returns the last answer, fully
// read, or an *Error, with the number of attempts made. Every attempt is a
// fresh clone of req, authenticated anew (PrepareRetry), so that AK/SK
// signatures are fresh and a renewed token is used.
func (c *Client) do(ctx context.Context, req *http.Request) (*answer, error) {
	cl := &call{attempts: 1}
	rreq, err := retryablehttp.FromRequest(req.Clone(withAttempt(ctx, 1)))
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	rc := &retryablehttp.Client{
		HTTPClient: c.http,
		RetryMax:   c.retry.maxRetries + c.retry.throttleRetries(),
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.retry.check(ctx, cl, c.log, "OSM API request failed, retrying",
				map[string]any{"method": req.Method, "path": req.URL.EscapedPath()}, req.URL.Host, resp, err)
		},
		Backoff: c.retry.backoff(cl),
		// Each attempt is a fresh request that the transport authenticates
		// anew once it has its slot (limiter.go): an AK/SK signature is
		// made when the request leaves, and a renewed token is used.
		PrepareRetry: func(r *http.Request) error {
			cl.attempts++
			*r = *req.Clone(withAttempt(ctx, cl.attempts))
			return nil
		},
		// The last answer is the result, whatever it is: decoding it says
		// what the server answered after how many attempts.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil {
				return resp, nil
			}
			return nil, err
		},
	}
	resp, err := rc.Do(rreq)
	var af *authFailure
	switch {
	case errors.As(err, &af):
		return nil, af.err
	case err != nil && ctx.Err() != nil:
		cause := ctx.Err()
		if cl.reason != "" {
			cause = fmt.Errorf("%w while waiting to retry after: %s", cause, cl.reason)
		}
		return nil, &Error{Kind: KindCanceled, Host: req.URL.Host, Err: cause, Attempts: cl.attempts}
	case err != nil:
		return nil, c.transportError(req, err, cl.attempts)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // buffered by the transport: no error
	ans := &answer{status: resp.StatusCode, header: resp.Header, body: body, host: req.URL.Host, attempts: cl.attempts, sent: resp.Request}
	if len(body) > MaxBodyBytes {
		ans.tooLarge, ans.body = true, body[:MaxBodyBytes]
	}
	return ans, nil
}

// check is the CheckRetry of go-retryablehttp, for the reads and the IAM
// login alike: it retries connection failures (refused, reset, closed
// before an answer, cut mid-body, no answer within the per-attempt
// timeout) and HTTP 429, 500, 502, 503, 504, and any error answer carrying
// the gateway's throttling code APIGW.0308; never other 4xx, 501, TLS
// verification failures or a 2xx carrying an error_code. A throttled
// answer uses the throttle budget, anything else max_retries. When it
// retries, it logs msg with fields, why and how long it waits, into cl.delay.
func (p retryPolicy) check(ctx context.Context, cl *call, log Logger, msg string, fields map[string]any, host string,
	resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		// The caller gave up: the error that ends the call is the
		// transport's or the canceled context's, which the caller reports.
		return false, nil //nolint:nilerr // not retrying is the whole answer
	}
	var retryAfter time.Duration
	hasRetryAfter := false
	n := 0 // the retries of this kind so far, this one included
	switch {
	case err != nil:
		var af *authFailure
		if errors.As(err, &af) || !retryableNetError(err) {
			return false, nil
		}
		cl.reason = (&Error{Kind: KindTransport, Host: host, Err: unwrapURLError(err)}).Error()
		cl.failures++
		n = cl.failures
	default:
		body := bufferedBytes(resp)
		if !retryableStatus(resp.StatusCode, body) {
			return false, nil
		}
		cl.reason = checkAnswer(&answer{status: resp.StatusCode, header: resp.Header, body: body, host: host}).Error()
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			retryAfter, hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), p.now())
		}
		if isThrottled(resp.StatusCode, body) {
			cl.throttles++
			if cl.throttles > p.throttleRetries() {
				return false, nil // the last answer is the result
			}
			n = cl.throttles
		} else {
			cl.failures++
			n = cl.failures
		}
	}
	if cl.failures > p.maxRetries {
		return false, nil // the last answer or error is the result
	}
	cl.delay = p.delay(n, retryAfter, hasRetryAfter)
	line := map[string]any{
		"attempt":      cl.attempts,
		"max_attempts": p.maxRetries + 1,
		"reason":       cl.reason,
		"delay_ms":     cl.delay.Milliseconds(),
		"retry_after":  hasRetryAfter,
	}
	for k, v := range fields {
		line[k] = v
	}
	log.Log(ctx, LevelWarn, msg, line)
	if p.sleep != nil {
		if err := p.sleep(ctx, cl.delay); err != nil {
			return false, err
		}
	}
	return true, nil
}

// backoff is the Backoff of go-retryablehttp: the delay check chose.
func (p retryPolicy) backoff(cl *call) retryablehttp.Backoff {
	return func(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
		if p.sleep != nil {
			return 0 // the test knob waited already
		}
		return cl.delay
	}
}

// throttleRetries is MaxThrottleRetries, or 0 when retries are disabled.
func (p retryPolicy) throttleRetries() int {
	if p.maxRetries == 0 {
		return 0
	}
	return MaxThrottleRetries
}

// retryableStatus reports HTTP 429, 500, 502, 503, 504, and any other error
// answer that carries the gateway's throttling code.
func retryableStatus(status int, body []byte) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return isThrottled(status, body)
}

// delay is how long to wait before attempt n+1: the answer's
// Retry-After when it has one, else a random time (full jitter) between
// the minimum delay and min(maximum delay, minimum delay × 2^n). The
// minimum delay is a floor and the maximum a cap for both.
func (p retryPolicy) delay(n int, retryAfter time.Duration, hasRetryAfter bool) time.Duration {
	if hasRetryAfter {
		return max(p.minDelay, min(retryAfter, p.maxDelay))
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
	case http2Reset(err):
		return true
	}
	return false
}

// http2Reset reports an HTTP/2 stream the server reset before a complete
// answer (INTERNAL_ERROR, REFUSED_STREAM) or a connection it is closing
// (GOAWAY): the same failures as a reset or closed HTTP/1 connection. The
// HTTP/2 implementation bundled in net/http does not export its error
// types, so their text is what tells them apart.
func http2Reset(err error) bool {
	text := err.Error()
	return strings.Contains(text, "http2: server sent GOAWAY") ||
		(strings.Contains(text, "stream error: stream ID") &&
			(strings.Contains(text, "INTERNAL_ERROR") || strings.Contains(text, "REFUSED_STREAM")))
}
