package osm_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// The fault-injection suite: every test drives the client against the fake
// service, asserts the outcome and the number of requests the fake saw, and
// records the waits through an injected sleep instead of the wall clock.

const (
	testMinDelay = 10 * time.Millisecond
	testMaxDelay = 80 * time.Millisecond
)

func (r *rig) status(t *testing.T, id string) (osm.Status, *osm.Error) {
	t.Helper()
	s, err := r.client.CaseStatus(context.Background(), id, osm.RequestOptions{})
	if err == nil {
		return s, nil
	}
	var e *osm.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *osm.Error, got %T %v", err, err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("error leaks the token: %v", err)
	}
	return s, e
}

func (r *rig) expectRequests(t *testing.T, id string, want int) {
	t.Helper()
	if got := r.fake.RequestCount(id); got != want {
		t.Fatalf("the fake saw %d requests for %s, want %d", got, id, want)
	}
}

func ok(status int) fakeosm.Response {
	return fakeosm.Response{Body: fmt.Sprintf(`{"status":%d}`, status)}
}

func TestClient_retriesServerErrorBurstThenRecovers(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			r := newRig(t, nil)
			burst := fakeosm.Response{HTTPStatus: code, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`}
			r.fake.SetResponses("CS1", burst, burst, burst, ok(1))
			s, e := r.status(t, "CS1")
			if e != nil {
				t.Fatalf("want recovery, got %v", e)
			}
			if s != 1 {
				t.Fatalf("status %d, want 1", s)
			}
			r.expectRequests(t, "CS1", 4)
			if d := r.clock.Sleeps(); len(d) != 3 {
				t.Fatalf("want 3 waits, got %v", d)
			}
		})
	}
}

func TestClient_exhaustedRetriesSayWhatTheServerAnswered(t *testing.T) {
	r := newRig(t, nil)
	r.fake.SetResponses("CS1", fakeosm.Response{HTTPStatus: 503, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`})
	_, e := r.status(t, "CS1")
	if e == nil || e.Kind != osm.KindServer {
		t.Fatalf("want a server error, got %v", e)
	}
	r.expectRequests(t, "CS1", 4)
	if e.Attempts != 4 {
		t.Fatalf("Attempts %d, want 4", e.Attempts)
	}
	for _, s := range []string{"HTTP 503", "error_code OSM.0004", `error_msg "internal error"`, "request id fake-000004", "after 4 attempts"} {
		if !strings.Contains(e.Error(), s) {
			t.Errorf("error %q does not say %q", e, s)
		}
	}
	warns := r.logs.at(osm.LevelWarn)
	if len(warns) != 3 {
		t.Fatalf("want one WARN per retry (3), got %d", len(warns))
	}
	for i, w := range warns {
		if w.fields["attempt"] != i+1 || w.fields["max_attempts"] != 4 {
			t.Errorf("WARN %d: attempt %v of %v", i, w.fields["attempt"], w.fields["max_attempts"])
		}
		if reason, _ := w.fields["reason"].(string); !strings.Contains(reason, "HTTP 503") || !strings.Contains(reason, "OSM.0004") {
			t.Errorf("WARN %d reason %q does not say what the server answered", i, reason)
		}
		if _, ok := w.fields["delay_ms"].(int64); !ok {
			t.Errorf("WARN %d has no delay_ms: %v", i, w.fields)
		}
	}
}

func TestClient_maxRetriesZeroDisablesRetries(t *testing.T) {
	r := newRig(t, func(c *rigConfig) { c.MaxRetries = 0 })
	r.fake.SetResponses("CS1", fakeosm.Response{HTTPStatus: 503})
	_, e := r.status(t, "CS1")
	if e == nil || e.Attempts != 1 {
		t.Fatalf("want one attempt, got %v", e)
	}
	r.expectRequests(t, "CS1", 1)
	if strings.Contains(e.Error(), "attempts") {
		t.Fatalf("a single attempt should not be counted: %v", e)
	}
}

func TestClient_backoffIsExponentialWithFullJitter(t *testing.T) {
	for name, tc := range map[string]struct {
		rand float64
		want []time.Duration
	}{
		// retry n waits min + rand × (min(max, min·2^n) − min)
		"top of the window":    {0.999999, []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond, 80 * time.Millisecond}},
		"bottom of the window": {0, []time.Duration{testMinDelay, testMinDelay, testMinDelay, testMinDelay}},
		"middle":               {0.5, []time.Duration{15 * time.Millisecond, 25 * time.Millisecond, 45 * time.Millisecond, 45 * time.Millisecond}},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, func(c *rigConfig) { c.MaxRetries = 4; c.Rand = func() float64 { return tc.rand } })
			r.fake.SetResponses("CS1", fakeosm.Response{HTTPStatus: 500})
			_, _ = r.status(t, "CS1")
			got := r.clock.Sleeps()
			if len(got) != len(tc.want) {
				t.Fatalf("delays %v, want %v", got, tc.want)
			}
			for i := range got {
				if diff := got[i] - tc.want[i]; diff < -time.Microsecond || diff > time.Microsecond {
					t.Fatalf("delays %v, want %v", got, tc.want)
				}
			}
		})
	}
	t.Run("real jitter stays in the window", func(t *testing.T) {
		r := newRig(t, func(c *rigConfig) { c.MaxRetries = 6; c.Rand = nil })
		r.fake.SetResponses("CS1", fakeosm.Response{HTTPStatus: 502})
		_, _ = r.status(t, "CS1")
		for i, d := range r.clock.Sleeps() {
			ceiling := min(testMinDelay<<(i+1), testMaxDelay)
			if d < testMinDelay || d > ceiling {
				t.Fatalf("retry %d waited %v, outside [%v, %v]", i+1, d, testMinDelay, ceiling)
			}
		}
	})
}

func TestClient_retriesOn429WithRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		code       int
		retryAfter string
		want       time.Duration
	}{
		"429 seconds":             {429, "2", 2 * time.Second},
		"429 zero: the floor":     {429, "0", 10 * time.Millisecond},
		"429 HTTP date":           {429, now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second},
		"429 past date: floor":    {429, now.Add(-time.Hour).Format(http.TimeFormat), 10 * time.Millisecond},
		"503 seconds":             {503, "1", time.Second},
		"429 capped by max delay": {429, "120", 5 * time.Second},
		"429 huge":                {429, "99999999999999999999999", 5 * time.Second},
		"429 garbage: backoff":    {429, "soon", 15 * time.Millisecond},
		"500 ignores it: backoff": {500, "3", 15 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, func(c *rigConfig) {
				c.RetryMaxDelay = 5 * time.Second
				c.RetryMinDelay = 10 * time.Millisecond
				c.Now = func() time.Time { return now }
			})
			r.fake.SetResponses("CS1",
				fakeosm.Response{HTTPStatus: tc.code, Header: map[string]string{"Retry-After": tc.retryAfter},
					Body: `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`},
				ok(2))
			s, e := r.status(t, "CS1")
			if e != nil || s != 2 {
				t.Fatalf("want status 2 after one retry, got %v %v", s, e)
			}
			r.expectRequests(t, "CS1", 2)
			if got := r.clock.Sleeps(); len(got) != 1 || got[0] != tc.want {
				t.Fatalf("waited %v, want [%v]", got, tc.want)
			}
		})
	}
}

func TestClient_retriesConnectionFailures(t *testing.T) {
	for _, fault := range []fakeosm.Fault{fakeosm.FaultReset, fakeosm.FaultClose} {
		t.Run(string(fault), func(t *testing.T) {
			r := newRig(t, nil)
			r.fake.SetResponses("CS1", fakeosm.Response{Fault: fault}, fakeosm.Response{Fault: fault}, ok(4))
			s, e := r.status(t, "CS1")
			if e != nil || s != 4 {
				t.Fatalf("want status 4, got %v %v", s, e)
			}
			r.expectRequests(t, "CS1", 3)
		})
		t.Run(string(fault)+" exhausted", func(t *testing.T) {
			r := newRig(t, func(c *rigConfig) { c.MaxRetries = 2 })
			r.fake.SetResponses("CS1", fakeosm.Response{Fault: fault})
			_, e := r.status(t, "CS1")
			if e == nil || e.Kind != osm.KindTransport || e.Attempts != 3 {
				t.Fatalf("want a transport error after 3 attempts, got %v", e)
			}
			r.expectRequests(t, "CS1", 3)
			want := map[fakeosm.Fault]string{fakeosm.FaultReset: "reset", fakeosm.FaultClose: "EOF"}[fault]
			if !strings.Contains(e.Error(), want) || !strings.Contains(e.Error(), "after 3 attempts") {
				t.Fatalf("error %q should name the cause (%s) and the attempts", e, want)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		r := newRig(t, func(c *rigConfig) { c.Endpoint = "http://" + addr })
		_, e := r.status(t, "CS1")
		if e == nil || e.Kind != osm.KindTransport || e.Attempts != 4 || len(r.clock.Sleeps()) != 3 {
			t.Fatalf("want 4 attempts and 3 waits, got %v, waits %v", e, r.clock.Sleeps())
		}
		if !strings.Contains(e.Error(), "refused") || !strings.Contains(e.Error(), addr) {
			t.Fatalf("error %q should name the host and the cause", e)
		}
	})
}

func TestClient_hangingServerTimesOutThenRetries(t *testing.T) {
	const timeout = 50 * time.Millisecond
	t.Run("recovers", func(t *testing.T) {
		r := newRig(t, func(c *rigConfig) { c.RequestTimeout = timeout })
		r.fake.SetResponses("CS1", fakeosm.Response{Fault: fakeosm.FaultHang}, ok(0))
		s, e := r.status(t, "CS1")
		if e != nil || s != 0 {
			t.Fatalf("want status 0, got %v %v", s, e)
		}
		r.expectRequests(t, "CS1", 2)
		warns := r.logs.at(osm.LevelWarn)
		if len(warns) != 1 || !strings.Contains(warns[0].fields["reason"].(string), "50ms") {
			t.Fatalf("want one WARN naming the timeout, got %v", warns)
		}
	})
	t.Run("exhausted", func(t *testing.T) {
		r := newRig(t, func(c *rigConfig) { c.RequestTimeout = timeout; c.MaxRetries = 1 })
		r.fake.SetResponses("CS1", fakeosm.Response{Fault: fakeosm.FaultHang})
		_, e := r.status(t, "CS1")
		if e == nil || e.Kind != osm.KindTransport || e.Attempts != 2 {
			t.Fatalf("want a transport error after 2 attempts, got %v", e)
		}
		if !strings.Contains(e.Error(), "no complete answer within 50ms") {
			t.Fatalf("error %q should name the per-attempt timeout", e)
		}
		r.expectRequests(t, "CS1", 2)
	})
	t.Run("headers then a stalled body", func(t *testing.T) {
		r := newRig(t, func(c *rigConfig) { c.RequestTimeout = timeout; c.MaxRetries = 1 })
		stall := make(chan struct{})
		t.Cleanup(func() { close(stall) })
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"status":`))
			w.(http.Flusher).Flush()
			select {
			case <-req.Context().Done():
			case <-stall:
			}
		}))
		t.Cleanup(srv.Close)
		c, err := osm.NewWithKnobs(osm.Config{Endpoint: srv.URL, Auth: mustAuth(t), RequestTimeout: timeout, MaxRetries: 1}, osm.Knobs{Sleep: r.clock.Sleep})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
		if !osm.IsKind(err, osm.KindTransport) || !strings.Contains(err.Error(), "within 50ms") || !strings.Contains(err.Error(), "after 2 attempts") {
			t.Fatalf("want a per-attempt timeout after 2 attempts, got %v", err)
		}
	})
}

func TestClient_truncatedBody(t *testing.T) {
	t.Run("recovers", func(t *testing.T) {
		r := newRig(t, nil)
		r.fake.SetResponses("CS1", fakeosm.Response{Fault: fakeosm.FaultTruncate, Body: `{"status":1}`}, ok(1))
		if s, e := r.status(t, "CS1"); e != nil || s != 1 {
			t.Fatalf("want status 1, got %v %v", s, e)
		}
		r.expectRequests(t, "CS1", 2)
	})
	t.Run("exhausted", func(t *testing.T) {
		r := newRig(t, nil)
		r.fake.SetResponses("CS1", fakeosm.Response{Fault: fakeosm.FaultTruncate, Body: `{"status":1}`})
		_, e := r.status(t, "CS1")
		if e == nil || e.Kind != osm.KindTransport || e.Attempts != 4 {
			t.Fatalf("want a transport error after 4 attempts, got %v", e)
		}
		if !strings.Contains(e.Error(), "reading the body of the HTTP 200 answer: unexpected EOF") {
			t.Fatalf("error %q should say the body was cut", e)
		}
		r.expectRequests(t, "CS1", 4)
	})
}

// TestClient_doesNotRetryDefiniteAnswers: answers that another attempt
// cannot change are reported after exactly one request.
func TestClient_doesNotRetryDefiniteAnswers(t *testing.T) {
	for name, tc := range map[string]struct {
		resp   fakeosm.Response
		kind   osm.ErrorKind
		inText string
	}{
		"body over 1 MiB": {fakeosm.Response{Body: `{"status":1,"x":"` + strings.Repeat("a", osm.MaxBodyBytes) + `"}`},
			osm.KindUnexpected, "larger than 1048576 bytes"},
		"invalid JSON": {fakeosm.Response{Body: `{"status":1`}, osm.KindUnexpected, "not JSON"},
		"invalid UTF-8": {fakeosm.Response{Body: "\xff\xfe{\"status\":1}\xc3"},
			osm.KindUnexpected, "not JSON"},
		"invalid UTF-8 in error_msg": {fakeosm.Response{Body: "{\"error_code\":\"OSM.01010014\",\"error_msg\":\"bad \xff\"}"},
			osm.KindService, "bad \uFFFD"},
		"wrong content type": {fakeosm.Response{Body: `<html>Sign in</html>`, Header: map[string]string{"Content-Type": "text/html; charset=utf-8"}},
			osm.KindUnexpected, `Content-Type "text/html; charset=utf-8"`},
		"200 with error_code": {fakeosm.Response{Body: `{"error_code":"OSM.01010014","error_msg":"operation failed"}`},
			osm.KindService, "OSM.01010014"},
		"200 throttled error_code": {fakeosm.Response{Body: `{"error_code":"APIGW.0308","error_msg":"throttled"}`},
			osm.KindThrottled, "HTTP 200"},
		"400": {fakeosm.Response{HTTPStatus: 400, Body: `{"error_code":"OSM.0001","error_msg":"failed"}`}, osm.KindBadRequest, "HTTP 400"},
		"401": {fakeosm.Response{HTTPStatus: 401, Body: `{"error_code":"APIGW.0301","error_msg":"bad token"}`}, osm.KindAuth, "HTTP 401"},
		"403": {fakeosm.Response{HTTPStatus: 403}, osm.KindForbidden, "HTTP 403"},
		"404": {fakeosm.Response{HTTPStatus: 404}, osm.KindNotFound, "HTTP 404"},
		"413": {fakeosm.Response{HTTPStatus: 413}, osm.KindBadRequest, "HTTP 413"},
		"501": {fakeosm.Response{HTTPStatus: 501}, osm.KindServer, "HTTP 501"},
		"505": {fakeosm.Response{HTTPStatus: 505}, osm.KindServer, "HTTP 505"},
		"302 not followed": {fakeosm.Response{HTTPStatus: 302, Header: map[string]string{"Location": "http://127.0.0.1:1/elsewhere"}},
			osm.KindUnexpected, "redirect"},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, nil)
			r.fake.SetResponses("CS1", tc.resp, ok(1))
			_, e := r.status(t, "CS1")
			if e == nil || e.Kind != tc.kind {
				t.Fatalf("want %v, got %v", tc.kind, e)
			}
			if !strings.Contains(e.Error(), tc.inText) {
				t.Fatalf("error %q does not say %q", e, tc.inText)
			}
			if e.Attempts != 1 || len(r.clock.Sleeps()) != 0 {
				t.Fatalf("retried: %d attempts, waits %v", e.Attempts, r.clock.Sleeps())
			}
			r.expectRequests(t, "CS1", 1)
		})
	}
	t.Run("lenient content type with a valid status", func(t *testing.T) {
		r := newRig(t, nil)
		r.fake.SetResponses("CS1", fakeosm.Response{Body: `{"status":2}`, Header: map[string]string{"Content-Type": "text/plain"}})
		if s, e := r.status(t, "CS1"); e != nil || s != 2 {
			t.Fatalf("a JSON status under another content type is still a status: %v %v", s, e)
		}
		r.expectRequests(t, "CS1", 1)
	})
}

func TestClient_cancellationStopsWaitingAtOnce(t *testing.T) {
	run := func(t *testing.T, r *rig, id string) error {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for r.fake.RequestCount(id) == 0 {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(5 * time.Millisecond)
			cancel()
		}()
		done := make(chan error, 1)
		go func() {
			_, err := r.client.CaseStatus(ctx, id, osm.RequestOptions{})
			done <- err
		}()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second): // a guard against a hang, not a timing assertion
			t.Fatal("CaseStatus did not return after the context was canceled")
			return nil
		}
	}
	t.Run("during the backoff wait", func(t *testing.T) {
		// The real sleep, with an hour-long delay: only cancellation ends it.
		r := newRig(t, func(c *rigConfig) { c.Sleep = nil; c.RetryMinDelay, c.RetryMaxDelay = time.Hour, time.Hour })
		r.fake.SetResponses("CS1", fakeosm.Response{HTTPStatus: 503})
		err := run(t, r, "CS1")
		if !osm.IsKind(err, osm.KindCanceled) || !errors.Is(err, context.Canceled) {
			t.Fatalf("want canceled, got %v", err)
		}
		if !strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("error %q should say what it was waiting to retry", err)
		}
		r.expectRequests(t, "CS1", 1)
	})
	t.Run("during a hanging attempt", func(t *testing.T) {
		r := newRig(t, func(c *rigConfig) { c.RequestTimeout = 0 })
		r.fake.SetResponses("CS1", fakeosm.Response{Fault: fakeosm.FaultHang})
		err := run(t, r, "CS1")
		if !osm.IsKind(err, osm.KindCanceled) || !errors.Is(err, context.Canceled) {
			t.Fatalf("want canceled, got %v", err)
		}
		if len(r.clock.Sleeps()) != 0 {
			t.Fatalf("a canceled attempt must not be retried: waits %v", r.clock.Sleeps())
		}
		r.expectRequests(t, "CS1", 1)
	})
}

// countingAuth adds a header with Add, not Set: a request reused across
// attempts would carry it twice.
type countingAuth struct {
	mu sync.Mutex
	n  int
}

func (a *countingAuth) Authenticate(_ context.Context, req *http.Request) error {
	a.mu.Lock()
	a.n++
	n := a.n
	a.mu.Unlock()
	req.Header.Add(osm.HeaderAuthToken, testToken)
	req.Header.Add("X-Signature", fmt.Sprint(n))
	return nil
}

func TestClient_authenticatesEveryAttemptOnAFreshRequest(t *testing.T) {
	auth := &countingAuth{}
	r := newRig(t, func(c *rigConfig) { c.Auth = auth })
	r.fake.SetResponses("CS1", fakeosm.Response{HTTPStatus: 500}, fakeosm.Response{HTTPStatus: 502}, ok(3))
	if s, e := r.status(t, "CS1"); e != nil || s != 3 {
		t.Fatalf("want status 3, got %v %v", s, e)
	}
	reqs := r.fake.Requests()
	if len(reqs) != 3 {
		t.Fatalf("want 3 requests, got %d", len(reqs))
	}
	for i, req := range reqs {
		if got := req.Header.Values("X-Signature"); len(got) != 1 || got[0] != fmt.Sprint(i+1) {
			t.Fatalf("request %d signature headers %v, want exactly [%d]", i, got, i+1)
		}
		if got := req.Header.Values(osm.HeaderAuthToken); len(got) != 1 {
			t.Fatalf("request %d carries %d tokens", i, len(got))
		}
	}
}

func TestClient_authenticatorErrorIsNotRetried(t *testing.T) {
	boom := errors.New("cannot get a token")
	r := newRig(t, func(c *rigConfig) {
		c.Auth = authFunc(func(context.Context, *http.Request) error { return boom })
	})
	_, err := r.client.CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
	if !errors.Is(err, boom) {
		t.Fatalf("want the authenticator's error, got %v", err)
	}
	r.expectRequests(t, "", 0)
}

type authFunc func(context.Context, *http.Request) error

func (f authFunc) Authenticate(ctx context.Context, req *http.Request) error { return f(ctx, req) }

func TestClient_logsEveryAttemptWithoutHeaderValues(t *testing.T) {
	r := newRig(t, nil)
	r.fake.SetResponses("a/b", fakeosm.Response{HTTPStatus: 503, Header: map[string]string{"Retry-After": "0"}}, ok(1))
	if _, e := r.status(t, "a/b"); e != nil {
		t.Fatal(e)
	}
	debug := r.logs.at(osm.LevelDebug)
	if len(debug) != 2 {
		t.Fatalf("want one DEBUG line per attempt (2), got %d: %v", len(debug), debug)
	}
	for i, l := range debug {
		f := l.fields
		if l.msg != "OSM API request" || f["method"] != "GET" || f["path"] != "/v2/servicerequest/cases/a%2Fb/status" ||
			f["attempt"] != i+1 || f["request_id"] != fmt.Sprintf("fake-%06d", i+1) {
			t.Fatalf("DEBUG line %d: %s %v", i, l.msg, f)
		}
		if _, ok := f["duration_ms"].(int64); !ok {
			t.Fatalf("DEBUG line %d has no duration: %v", i, f)
		}
	}
	if debug[0].fields["status"] != 503 || debug[1].fields["status"] != 200 {
		t.Fatalf("statuses %v, %v", debug[0].fields["status"], debug[1].fields["status"])
	}
	warns := r.logs.at(osm.LevelWarn)
	if len(warns) != 1 || warns[0].fields["retry_after"] != true || warns[0].fields["delay_ms"] != testMinDelay.Milliseconds() {
		t.Fatalf("want one WARN with the Retry-After delay raised to the minimum delay, got %v", warns)
	}
	allowed := map[string]bool{"method": true, "host": true, "path": true, "status": true, "duration_ms": true, "attempt": true,
		"request_id": true, "body_bytes": true, "error": true, "max_attempts": true, "reason": true, "delay_ms": true, "retry_after": true}
	for _, l := range r.logs.lines {
		for k, v := range l.fields {
			if !allowed[k] {
				t.Errorf("unexpected log field %q", k)
			}
			s := fmt.Sprint(v)
			for _, secret := range []string{testToken, "test-agent/1", "zh-cn", "GMT+8"} {
				if strings.Contains(s, secret) || strings.Contains(l.msg, secret) {
					t.Errorf("log line %q field %s carries the request header value %q", l.msg, k, secret)
				}
			}
		}
	}
}

func TestClient_logsTransportFailures(t *testing.T) {
	r := newRig(t, func(c *rigConfig) { c.MaxRetries = 1 })
	r.fake.SetResponses("CS1", fakeosm.Response{Fault: fakeosm.FaultReset}, ok(1))
	if _, e := r.status(t, "CS1"); e != nil {
		t.Fatal(e)
	}
	debug := r.logs.at(osm.LevelDebug)
	if len(debug) != 2 || debug[0].msg != "OSM API request failed" || debug[0].fields["error"] == nil || debug[0].fields["attempt"] != 1 {
		t.Fatalf("want a failed line then a success line, got %v", debug)
	}
}

func TestClient_reusesConnections(t *testing.T) {
	r := newRig(t, nil)
	for i := 0; i < 5; i++ {
		if _, e := r.status(t, "CS1"); e != nil {
			t.Fatal(e)
		}
	}
	addrs := map[string]bool{}
	for _, req := range r.fake.Requests() {
		addrs[req.RemoteAddr] = true
	}
	if len(addrs) != 1 {
		t.Fatalf("5 sequential calls used %d connections, want 1 (keep-alive)", len(addrs))
	}
}

func TestNew_refusesBadRetrySettings(t *testing.T) {
	for name, mod := range map[string]func(*osm.Config){
		"negative retries": func(c *osm.Config) { c.MaxRetries = -1 },
		"negative delay":   func(c *osm.Config) { c.RetryMinDelay = -time.Second },
		"min over max":     func(c *osm.Config) { c.RetryMinDelay, c.RetryMaxDelay = time.Minute, time.Second },
		"negative timeout": func(c *osm.Config) { c.RequestTimeout = -time.Second },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := osm.Config{Endpoint: "https://osm.example.com", Auth: mustAuth(t), RetryMaxDelay: time.Second}
			mod(&cfg)
			if _, err := osm.New(cfg); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}
