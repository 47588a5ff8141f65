package osm_test

// Regressions found by attacking the HTTP stack: each failed before its fix.

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// TestPasswordAuth_reflectedJSONPasswordIsRedacted: a proxy that reflects
// the login's JSON body writes "&" as \u0026; that form of the password is
// redacted from the error and the retry's log line too.
func TestPasswordAuth_reflectedJSONPasswordIsRedacted(t *testing.T) {
	const pw = `Tr0ub4dor&3"xyz!`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "<pre>blocked: %s</pre>", body)
	}))
	defer srv.Close()
	var l logs
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: srv.URL + "/v3", UserName: "u", Password: pw, DomainName: "d",
		Logger: &l, MaxRetries: 1, RetryMinDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = auth.Token(context.Background())
	if err == nil {
		t.Fatal("want the blocked login to fail")
	}
	inJSON, _ := json.Marshal(pw)
	forms := []string{pw, string(inJSON[1 : len(inJSON)-1]), "Tr0ub4dor", `3\"xyz`, `3\\\"xyz`}
	for _, f := range forms {
		if strings.Contains(err.Error(), f) {
			t.Errorf("the error holds %q: %v", f, err)
		}
		if text := logText(&l); strings.Contains(text, f) {
			t.Errorf("the log holds %q: %s", f, text)
		}
	}
}

// TestClient_loginIsNotCutByTheReadsTimeout: the password login behind a
// read has its own retries and timeouts; the read's per-attempt timeout
// starts once the request has its credentials.
func TestClient_loginIsNotCutByTheReadsTimeout(t *testing.T) {
	f, url := newIAMFake(t)
	var logins atomic.Int32
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if logins.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		f.ServeHTTP(w, r)
	}))
	defer iam.Close()
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: iamUser, Password: iamPassword,
		DomainName: iamDomain, MaxRetries: 1, RetryMinDelay: 300 * time.Millisecond, RetryMaxDelay: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: url, Auth: auth, RequestTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("status %d, %v; want the login's retry to get a token", s, err)
	}
}

// TestCaseStatuses_rateLimitPastTheDeadlineIsACancel: a caller deadline
// that ends while the rate limiter makes a read wait is a cancellation, not
// a connection failure (which would also stop the batch early).
func TestCaseStatuses_rateLimitPastTheDeadlineIsACancel(t *testing.T) {
	_, srv, ids, _ := fakeWithTickets(t, 4)
	auth, _ := osm.NewTokenAuth(testToken)
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, MaxRequestsPerSecond: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	canceled := 0
	for id, r := range c.CaseStatuses(ctx, ids, osm.RequestOptions{}) {
		switch {
		case r.Err == nil:
		case osm.IsKind(r.Err, osm.KindCanceled):
			canceled++
		default:
			t.Errorf("%s: %v, want success or canceled", id, r.Err)
		}
	}
	// At one request per second, 4 reads cannot all start within 1.5 s.
	if canceled == 0 {
		t.Fatal("no read waited past the deadline: the test proved nothing")
	}
}

// TestCaseStatuses_stopsWhenCredentialsCannotBeObtained: when IAM keeps
// failing, the first failed login (retried by its own rules) stops the
// batch; it does not log in again for every ticket.
func TestCaseStatuses_stopsWhenCredentialsCannotBeObtained(t *testing.T) {
	_, srv, ids, _ := fakeWithTickets(t, 40)
	var logins atomic.Int32
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		logins.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer iam.Close()
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: "pw-SECRET",
		DomainName: "d", MaxRetries: 2, RetryMinDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, MaxConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	res := c.CaseStatuses(context.Background(), ids, osm.RequestOptions{})
	stopped := 0
	for _, r := range res {
		if strings.Contains(fmt.Sprint(r.Err), osm.ErrBatchStopped.Error()) {
			stopped++
		}
	}
	// At most one login (3 attempts) per worker before the stop.
	if n := logins.Load(); n > 6 || stopped < 30 {
		t.Fatalf("%d IAM attempts and %d tickets stopped for 40 tickets: the batch kept logging in", n, stopped)
	}
}

// TestClient_retriesAnHTTP2StreamReset: a stream the server resets is
// retried, as a reset HTTP/1 connection is.
func TestClient_retriesAnHTTP2StreamReset(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		var hits atomic.Int32
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if hits.Add(1) == 1 {
				panic(http.ErrAbortHandler)
			}
			fmt.Fprint(w, `{"status":3}`)
		}))
		srv.EnableHTTP2 = h2
		srv.Config.ErrorLog = discardLog()
		srv.StartTLS()
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		hc, err := osm.NewHTTPClient(osm.TransportOptions{CACertPEM: certPEM, Proxy: func(*http.Request) (*url.URL, error) { return nil, nil }})
		if err != nil {
			t.Fatal(err)
		}
		c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: mustAuth(t), HTTPClient: hc, MaxRetries: 2,
			RetryMinDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if s, err := c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{}); err != nil || s != 3 || hits.Load() != 2 {
			t.Errorf("HTTP/2 %v: status %d, %v after %d attempts; want the reset attempt retried", h2, s, err, hits.Load())
		}
		srv.Close()
	}
}

// TestNew_leavesTheDefaultTransportAlone: the client sizes its own copy of
// http.DefaultTransport, not the process-wide one.
func TestNew_leavesTheDefaultTransportAlone(t *testing.T) {
	dt := http.DefaultTransport.(*http.Transport)
	idle, conns := dt.MaxIdleConnsPerHost, dt.MaxConnsPerHost
	if _, err := osm.New(osm.Config{Endpoint: "https://osm.example.com", Auth: mustAuth(t), HTTPClient: &http.Client{}, MaxConcurrency: 3}); err != nil {
		t.Fatal(err)
	}
	if dt.MaxIdleConnsPerHost != idle || dt.MaxConnsPerHost != conns {
		t.Fatalf("http.DefaultTransport changed: MaxIdleConnsPerHost %d -> %d, MaxConnsPerHost %d -> %d",
			idle, dt.MaxIdleConnsPerHost, conns, dt.MaxConnsPerHost)
	}
}
