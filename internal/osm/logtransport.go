package osm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// The line of each HTTP attempt is written here, in the HTTP transport,
// from a fixed set of fields: method, escaped path, host, status, duration,
// attempt number, body size, the service's request id and a sanitised
// error. No header value of the request (the token, a signature) is ever
// one of them, so no call site can log a secret by accident. The other
// lines (a retry, a throttle pause, a renewal, a batch) are built from
// fixed fields too, and every line passes the client's redaction
// (redact.go).

type attemptKey struct{}

// withAttempt records the attempt number in ctx for the transport's log.
func withAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

func attemptFrom(ctx context.Context) int {
	if n, ok := ctx.Value(attemptKey{}).(int); ok {
		return n
	}
	return 1
}

// loggingTransport logs one DEBUG line per HTTP attempt.
type loggingTransport struct {
	next http.RoundTripper
	log  Logger
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method":  req.Method,
		"host":    req.URL.Host,
		"path":    req.URL.EscapedPath(),
		"attempt": attemptFrom(req.Context()),
	}
	if err != nil {
		fields["duration_ms"] = time.Since(start).Milliseconds()
		fields["error"] = logError(err)
		t.log.Log(req.Context(), LevelDebug, "OSM API request failed", fields)
		return nil, err
	}
	fields["status"] = resp.StatusCode
	fields["request_id"] = Sanitize(resp.Header.Get(HeaderRequestID), 128)
	resp.Body = &loggedBody{ReadCloser: resp.Body, ctx: req.Context(), log: t.log, fields: fields, start: start}
	return resp, nil
}

// loggedBody logs the attempt once its body is closed, so that the line
// holds the whole duration, the size and any error reading the body.
type loggedBody struct {
	io.ReadCloser
	ctx    context.Context
	log    Logger
	fields map[string]any
	start  time.Time
	n      int64
	err    error
	once   sync.Once
}

func (b *loggedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && b.err == nil {
		b.err = err
	}
	return n, err
}

func (b *loggedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() {
		b.fields["duration_ms"] = time.Since(b.start).Milliseconds()
		b.fields["body_bytes"] = b.n
		if b.err != nil {
			b.fields["error"] = logError(b.err)
		}
		b.log.Log(b.ctx, LevelDebug, "OSM API request", b.fields)
	})
	return err
}

// logError renders a transport error for a log line: the cause without
// the URL that url.Error repeats, sanitised and bounded.
func logError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return Sanitize(err.Error(), 300)
}

// noRedirects makes the client return a redirect as the answer instead of
// following it: the service never redirects, and following one would send
// the credentials (X-Auth-Token is not a header net/http strips) to
// wherever the redirect points.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
