package osm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

const (
	iamUser     = "ticket-reader"
	iamPassword = "Pa55-w0rd SECRET"
	iamDomain   = "example-account"
)

// newIAMFake starts the fake API with its IAM endpoint and one user.
func newIAMFake(t *testing.T) (*fakeosm.Server, string) {
	t.Helper()
	f := fakeosm.New()
	f.AddUser(iamDomain, iamUser, iamPassword)
	f.SetStatus("CS-1", 3)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func newPasswordClient(t *testing.T, url string, mutate ...func(*osm.PasswordConfig)) (*osm.Client, *osm.PasswordAuth) {
	t.Helper()
	cfg := osm.PasswordConfig{AuthURL: url + "/v3", UserName: iamUser, Password: iamPassword, DomainName: iamDomain, UserAgent: "test-agent/1"}
	for _, m := range mutate {
		m(&cfg)
	}
	auth, err := osm.NewPasswordAuth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: url, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return c, auth
}

func TestPasswordAuth_logsInAndSendsTheMintedToken(t *testing.T) {
	f, url := newIAMFake(t)
	c, _ := newPasswordClient(t, url)
	for i := 0; i < 3; i++ {
		if s, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil || s != 3 {
			t.Fatalf("status %d, %v", s, err)
		}
	}
	logins := f.Logins()
	if len(logins) != 1 {
		t.Fatalf("%d logins, want one for the client's lifetime", len(logins))
	}
	l := logins[0]
	if l.UserName != iamUser || l.DomainName != iamDomain || l.ScopeDomain != iamDomain ||
		len(l.Methods) != 1 || l.Methods[0] != "password" || l.HTTPStatus != 201 {
		t.Fatalf("login %+v", l)
	}
	if ct := l.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("login Content-Type %q", ct)
	}
	if l.Header.Get("User-Agent") != "test-agent/1" {
		t.Fatalf("login User-Agent %q", l.Header.Get("User-Agent"))
	}
	for _, r := range f.Requests() {
		if r.Header.Get("X-Auth-Token") != l.Token {
			t.Fatalf("status call without the minted token")
		}
		for name, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, iamPassword) {
					t.Fatalf("the password left the IAM request in header %s", name)
				}
			}
		}
	}
}

// TestPasswordAuth_sendsTheDocumentedBody checks the login request byte for
// byte against IAM's "Obtaining a User Token" call
// (https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html):
// POST {auth_url}/auth/tokens, password identity, domain scope.
func TestPasswordAuth_sendsTheDocumentedBody(t *testing.T) {
	var got struct {
		method, path string
		body         map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path = r.Method, r.URL.Path
		_ = json.NewDecoder(r.Body).Decode(&got.body)
		w.Header().Set("X-Subject-Token", "tok")
		w.WriteHeader(201)
	}))
	defer srv.Close()
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: srv.URL + "/iam/v3/", UserName: `us"er`, Password: `p\w"d`, DomainName: "dom"})
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := auth.Token(context.Background()); err != nil || tok != "tok" {
		t.Fatalf("token %q, %v", tok, err)
	}
	want := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"dom"},"name":"us\"er","password":"p\\w\"d"}}},"scope":{"domain":{"name":"dom"}}}}`
	b, _ := json.Marshal(got.body)
	if got.method != "POST" || got.path != "/iam/v3/auth/tokens" || string(b) != want {
		t.Fatalf("%s %s %s\nwant POST /iam/v3/auth/tokens %s", got.method, got.path, b, want)
	}
}

func TestPasswordAuth_concurrentFirstUseLogsInOnce(t *testing.T) {
	var logins atomic.Int32
	release := make(chan struct{})
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logins.Add(1)
		<-release // hold the login until every caller is waiting for it
		w.Header().Set("X-Subject-Token", "shared-token")
		w.WriteHeader(201)
	}))
	defer iam.Close()
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: "p", DomainName: "d"})
	if err != nil {
		t.Fatal(err)
	}
	const callers = 32
	var wg sync.WaitGroup
	var started sync.WaitGroup
	errs := make(chan error, callers)
	started.Add(callers)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", "https://osm.example.com/", nil)
			started.Done()
			if err := auth.Authenticate(context.Background(), req); err != nil {
				errs <- err
				return
			}
			if req.Header.Get("X-Auth-Token") != "shared-token" {
				errs <- errors.New("wrong token " + req.Header.Get("X-Auth-Token"))
			}
		}()
	}
	started.Wait()
	time.Sleep(20 * time.Millisecond) // let the callers reach the login (the count below holds either way)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := logins.Load(); n != 1 {
		t.Fatalf("%d logins for %d concurrent first uses, want 1", n, callers)
	}
}

func TestPasswordAuth_renewsOnceOn401(t *testing.T) {
	f, url := newIAMFake(t)
	c, _ := newPasswordClient(t, url)
	if _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	f.ExpireMintedTokens() // the cached token expires, as IAM tokens do after 24 h
	f.Reset()
	s, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
	if err != nil || s != 3 {
		t.Fatalf("status %d, %v", s, err)
	}
	minted := f.MintedTokens()
	reqs := f.Requests()
	if len(minted) != 2 || len(reqs) != 2 {
		t.Fatalf("%d logins and %d status calls, want 2 and 2 (rejected, then renewed)", len(minted), len(reqs))
	}
	if reqs[0].Header.Get("X-Auth-Token") != minted[0] || reqs[1].Header.Get("X-Auth-Token") != minted[1] {
		t.Fatal("the retry did not carry the renewed token")
	}
	// The renewed token is cached in turn.
	if _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil || len(f.MintedTokens()) != 2 {
		t.Fatalf("renewed token not reused: %v, %d logins", err, len(f.MintedTokens()))
	}
}

func TestPasswordAuth_doesNotRenewTwice(t *testing.T) {
	f, url := newIAMFake(t)
	f.ExpireNextMintedTokens(5) // IAM keeps handing out tokens the API rejects
	c, _ := newPasswordClient(t, url)
	_, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
	var e *osm.Error
	if !errors.As(err, &e) || e.Kind != osm.KindAuth || e.AuthScheme != osm.SchemePassword || e.Code != "APIGW.0301" {
		t.Fatalf("got %#v", err)
	}
	if e.Attempts != 2 {
		t.Fatalf("attempts %d, want 2", e.Attempts)
	}
	if n, m := len(f.Logins()), f.RequestCount("CS-1"); n != 2 || m != 2 {
		t.Fatalf("%d logins and %d status calls, want exactly one renewal (2 and 2)", n, m)
	}
}

// TestPasswordAuth_concurrent401sRenewOnce: when many requests are rejected
// with the same expired token, one login renews it for all of them.
func TestPasswordAuth_concurrent401sRenewOnce(t *testing.T) {
	f, url := newIAMFake(t)
	c, _ := newPasswordClient(t, url)
	if _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	f.ExpireMintedTokens()
	f.SetLatency(5 * time.Millisecond) // keep the requests in flight together
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(f.Logins()); n != 2 {
		t.Fatalf("%d logins, want 2: the first and one renewal shared by all", n)
	}
}

func TestPasswordAuth_reportsIAMErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		resp fakeosm.Response
		want []string
	}{
		"keystone shape": {fakeosm.Response{HTTPStatus: 401, Body: `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`},
			[]string{"HTTP 401", "error code 401", `"The username or password is wrong."`, "(Unauthorized)"}},
		"error_code shape": {fakeosm.Response{HTTPStatus: 403, Body: `{"error_code":"IAM.0102","error_msg":"The user is locked."}`},
			[]string{"HTTP 403", "error code IAM.0102", `"The user is locked."`}},
		"nested error_code": {fakeosm.Response{HTTPStatus: 400, Body: `{"error":{"error_code":"IAM.0011","error_msg":"Request parameter error."}}`},
			[]string{"HTTP 400", "IAM.0011", "Request parameter error."}},
		"not JSON": {fakeosm.Response{HTTPStatus: 502, Body: "<html>bad gateway</html>"},
			[]string{"HTTP 502", "body starts", "bad gateway"}},
		"201 without token": {fakeosm.Response{HTTPStatus: 201, Body: `{}`},
			[]string{"HTTP 201", "no X-Subject-Token header"}},
		"token with a tab": {fakeosm.Response{HTTPStatus: 201, Header: map[string]string{"X-Subject-Token": "a\tb"}},
			[]string{"X-Subject-Token header must not contain control characters"}},
		"redirect": {fakeosm.Response{HTTPStatus: 307, Header: map[string]string{"Location": "http://127.0.0.1:1/steal"}},
			[]string{"HTTP 307", "redirect, which is not followed"}},
		"echoes the password": {fakeosm.Response{HTTPStatus: 400, Body: `{"error":{"code":400,"message":"bad password ` + iamPassword + `"}}`},
			[]string{"bad password (redacted)"}},
	} {
		t.Run(name, func(t *testing.T) {
			f, url := newIAMFake(t)
			f.SetIAMResponses(tc.resp)
			c, _ := newPasswordClient(t, url)
			_, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
			var le *osm.LoginError
			if !errors.As(err, &le) {
				t.Fatalf("got %#v, want a *LoginError", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "IAM password login at 127.0.0.1:") {
				t.Fatalf("error %q does not say what failed where", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Fatalf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, iamPassword) {
				t.Fatalf("the error quotes the password: %q", msg)
			}
			if f.RequestCount("") != 0 {
				t.Fatal("a failed login must not reach the API")
			}
		})
	}
}

// TestPasswordAuth_refusedLoginIsNotRepeated: a password IAM refused is not
// sent again for every ticket (IAM locks users after repeated failures);
// a server error is retried by the next call.
func TestPasswordAuth_refusedLoginIsNotRepeated(t *testing.T) {
	f, url := newIAMFake(t)
	c, _ := newPasswordClient(t, url, func(cfg *osm.PasswordConfig) { cfg.Password = "wrong password" })
	for i := 0; i < 3; i++ {
		_, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
		if !strings.Contains(fmtErr(err), "The username or password is wrong.") {
			t.Fatalf("got %v", err)
		}
	}
	if n := len(f.Logins()); n != 1 {
		t.Fatalf("%d logins with a refused password, want 1", n)
	}

	f2, url2 := newIAMFake(t)
	f2.SetIAMResponses(fakeosm.Response{HTTPStatus: 503, Body: `{"error_code":"IAM.0005","error_msg":"busy"}`})
	c2, _ := newPasswordClient(t, url2)
	if _, err := c2.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); !strings.Contains(fmtErr(err), "IAM.0005") {
		t.Fatalf("got %v", err)
	}
	f2.SetIAMResponses() // no canned answers: logins succeed again
	if s, err := c2.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("after a 503 the next call must log in again: %d, %v", s, err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestPasswordAuth_connectionFailureAndCancel(t *testing.T) {
	dead := httptest.NewServer(nil)
	deadURL := dead.URL
	dead.Close()
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: deadURL + "/v3", UserName: "u", Password: iamPassword, DomainName: "d"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = auth.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(deadURL, "http://")) || strings.Contains(err.Error(), iamPassword) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "/auth/tokens") {
		t.Fatalf("the error repeats the URL: %v", err)
	}

	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer hang.Close()
	defer close(stop)
	auth, _ = osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: hang.URL + "/v3", UserName: "u", Password: "p", DomainName: "d"})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	if _, err := auth.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// A canceled login is not remembered: the next caller logs in itself.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if _, err := auth.Token(ctx2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

func TestNewPasswordAuth_refusesBadSettings(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg  osm.PasswordConfig
		want string
	}{
		"http auth URL":         {osm.PasswordConfig{AuthURL: "http://iam.example.com/v3", UserName: "u", Password: iamPassword, DomainName: "d"}, `must start with "https://"`},
		"auth URL with query":   {osm.PasswordConfig{AuthURL: "https://iam.example.com/v3?x=1", UserName: "u", Password: iamPassword, DomainName: "d"}, "query"},
		"no user":               {osm.PasswordConfig{Password: iamPassword, DomainName: "d"}, "user name must not be empty"},
		"no password":           {osm.PasswordConfig{UserName: "u", DomainName: "d"}, "password must not be empty"},
		"password with newline": {osm.PasswordConfig{UserName: "u", Password: iamPassword + "\n", DomainName: "d"}, "password must not contain control"},
		"no domain":             {osm.PasswordConfig{UserName: "u", Password: iamPassword}, "domain name must not be empty"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := osm.NewPasswordAuth(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), iamPassword) {
				t.Fatalf("the error quotes the password: %v", err)
			}
		})
	}
	for _, ok := range []string{"", "https://iam.eu-west-101.myhuaweicloud.eu/v3", "http://127.0.0.1:8080/v3", "http://localhost/v3", "http://[::1]:1/v3"} {
		if _, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: ok, UserName: "u", Password: " spaces are fine ", DomainName: "d"}); err != nil {
			t.Fatalf("%q refused: %v", ok, err)
		}
	}
}

// TestPasswordAuth_redirectIsNotFollowed: the password is never re-posted
// to wherever a redirect points.
func TestPasswordAuth_redirectIsNotFollowed(t *testing.T) {
	var stolen atomic.Int32
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), iamPassword) {
			stolen.Add(1)
		}
		w.Header().Set("X-Subject-Token", "x")
		w.WriteHeader(201)
	}))
	defer thief.Close()
	iam := httptest.NewServer(http.RedirectHandler(thief.URL+"/v3/auth/tokens", http.StatusTemporaryRedirect))
	defer iam.Close()
	auth, _ := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: iamPassword, DomainName: "d",
		HTTPClient: &http.Client{}})
	if _, err := auth.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("got %v", err)
	}
	if stolen.Load() != 0 {
		t.Fatal("the password followed the redirect")
	}
}
