package osm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// silentListener is a fake IAM host that never answers, closed when the
// test ends; it returns its base URL.
func silentListener(t *testing.T) string {
	t.Helper()
	s, err := fakeosm.ListenSilent()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return "http://" + s.Addr
}

// login runs Token within a generous guard, so that a hang fails the test
// instead of stalling it.
func login(t *testing.T, auth *osm.PasswordAuth) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() { _, err := auth.Token(context.Background()); errc <- err }()
	select {
	case err := <-errc:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the login did not return: a silent IAM host hangs it")
		return nil
	}
}

// TestPasswordAuth_silentIAMIsBoundedPerAttempt: IAM accepts the connection
// and never answers; each attempt ends at RequestTimeout and is retried.
func TestPasswordAuth_silentIAMIsBoundedPerAttempt(t *testing.T) {
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: silentListener(t) + "/v3", UserName: iamUser, Password: iamPassword,
		DomainName: iamDomain, MaxRetries: 1, RetryMinDelay: time.Millisecond, RetryMaxDelay: time.Millisecond, RequestTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = login(t, auth)
	var le *osm.LoginError
	if !errors.As(err, &le) || le.HTTPStatus != 0 || le.Attempts != 2 || !strings.Contains(err.Error(), "no complete answer within 100ms") {
		t.Fatalf("got %v, want a per-attempt timeout after 2 attempts", err)
	}
	if !osm.TransientDuringWait(err) {
		t.Fatal("a login IAM did not answer must count as transient while waiting")
	}
}

// TestPasswordAuth_retriesTransientIAMFailures: a 503 and a connection cut
// are retried like a read's; the login then succeeds.
func TestPasswordAuth_retriesTransientIAMFailures(t *testing.T) {
	f, url := newIAMFake(t)
	var calls atomic.Int32
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.Close() // reset before any answer
		default:
			f.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(iam.Close)
	c, _ := newPasswordClient(t, url, func(cfg *osm.PasswordConfig) {
		cfg.AuthURL = iam.URL + "/v3"
		cfg.MaxRetries, cfg.RetryMinDelay, cfg.RetryMaxDelay, cfg.RequestTimeout = 3, time.Millisecond, 5*time.Millisecond, 5*time.Second
	})
	if s, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("status %d, %v", s, err)
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("IAM saw %d logins, want 3 (503, cut, success)", n)
	}
}

// TestPasswordAuth_wrongPasswordIsNotRetried: a 4xx from IAM is final,
// whatever max_retries says.
func TestPasswordAuth_wrongPasswordIsNotRetried(t *testing.T) {
	f, url := newIAMFake(t)
	_, auth := newPasswordClient(t, url, func(cfg *osm.PasswordConfig) {
		cfg.Password = "not the password"
		cfg.MaxRetries, cfg.RetryMinDelay, cfg.RetryMaxDelay = 4, time.Millisecond, time.Millisecond
	})
	err := login(t, auth)
	var le *osm.LoginError
	if !errors.As(err, &le) || le.HTTPStatus != http.StatusUnauthorized || le.Attempts != 1 {
		t.Fatalf("got %v, want one refused attempt", err)
	}
	if n := len(f.Logins()); n != 1 {
		t.Fatalf("IAM saw %d logins, want 1", n)
	}
	if osm.TransientDuringWait(err) {
		t.Fatal("a refused password is not transient")
	}
}
