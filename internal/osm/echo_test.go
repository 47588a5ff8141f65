package osm_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// echoToken is long, like an IAM token, and has no run that could occur in
// the text of a diagnostic by chance.
const echoToken = "MIIEchoTOKEN-7Qm2xR9vKp4LwZ8sNc3TjH6bYf1GdUa5eXo0iVrPq-WnMkJ2hS7tEyBcD4gF9aL3zX8vN1mQ6wR5uT0pKjH2sY7e"

// wafPage is the block page of a web application firewall that reflects
// the offending request header, as the reviewer met it.
func wafPage(pad int, header string) string {
	return "<html><head><title>400 Bad Request</title></head><body>" + strings.Repeat("-", pad) +
		"<pre>Offending header " + header + ": " + fakeosm.EchoHeader(header) + "</pre></body></html>"
}

// noSleep skips the wait before a retry.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// logText renders every recorded log line as one text to search.
func logText(l *logs) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, x := range l.lines {
		fmt.Fprintf(&b, "%s %v\n", x.msg, x.fields)
	}
	return b.String()
}

// expectNoSecret fails when text holds any 16-byte run of one of the
// secrets (so the whole secret too), or its first 8 bytes (a prefix the
// quoting cut).
func expectNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) < 16 {
			t.Fatalf("%s: a secret shorter than 16 bytes proves little", what)
		}
		frags := []string{s[:8]}
		for i := 0; i+16 <= len(s); i++ {
			frags = append(frags, s[i:i+16])
		}
		for _, frag := range frags {
			if j := strings.Index(text, frag); j >= 0 {
				t.Fatalf("%s holds %q of a %d-byte secret:\n%s", what, frag, len(s), text[max(0, j-200):min(len(text), j+60)])
			}
		}
	}
}

// TestClient_redactsAnEchoedToken: a proxy answers 503 and then 400 with a
// page that quotes X-Auth-Token. The error, the retry's WARN line and the
// attempt's DEBUG lines quote the page without the token.
func TestClient_redactsAnEchoedToken(t *testing.T) {
	f := fakeosm.New(echoToken)
	f.SetResponses("CS-WAF",
		fakeosm.Response{HTTPStatus: 503, Body: wafPage(0, "X-Auth-Token"), Header: map[string]string{"Content-Type": "text/html"}},
		fakeosm.Response{HTTPStatus: 400, Body: wafPage(0, "X-Auth-Token"), Header: map[string]string{"Content-Type": "text/html"}})
	srv := httptest.NewServer(f)
	defer srv.Close()
	auth, err := osm.NewTokenAuth(echoToken)
	if err != nil {
		t.Fatal(err)
	}
	var l logs
	c, err := osm.NewWithKnobs(osm.Config{Endpoint: srv.URL, Auth: auth, Logger: &l, MaxRetries: 1}, osm.Knobs{Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CaseStatus(context.Background(), "CS-WAF", osm.RequestOptions{})
	if err == nil || !strings.Contains(err.Error(), "Offending header X-Auth-Token: (redacted)") {
		t.Fatalf("want the quoted page with the token redacted, got %v", err)
	}
	expectNoSecret(t, "the error", err.Error(), echoToken)
	logged := logText(&l)
	if !strings.Contains(logged, "OSM API request failed, retrying") || !strings.Contains(logged, "Offending header X-Auth-Token") {
		t.Fatalf("the retry line does not quote the page, so the check proves nothing:\n%s", logged)
	}
	expectNoSecret(t, "the log", logged, echoToken)
	if got := f.Requests()[0].Header.Get("X-Auth-Token"); got != echoToken {
		t.Fatalf("the fake saw token %q", got)
	}
}

// TestClient_redactsATokenPrefixTheQuoteCut: the page puts the token where
// the 200-byte quote ends, so only its first bytes are quoted.
func TestClient_redactsATokenPrefixTheQuoteCut(t *testing.T) {
	for _, quoted := range []int{8, 12, 30, 100} {
		t.Run(fmt.Sprintf("%d bytes quoted", quoted), func(t *testing.T) {
			f := fakeosm.New(echoToken)
			page := wafPage(0, "X-Auth-Token")
			before := strings.Index(page, fakeosm.EchoHeader("X-Auth-Token"))
			f.SetResponses("CS-WAF", fakeosm.Response{HTTPStatus: 400, Body: wafPage(200-quoted-before, "X-Auth-Token")})
			srv := httptest.NewServer(f)
			defer srv.Close()
			auth, _ := osm.NewTokenAuth(echoToken)
			c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CaseStatus(context.Background(), "CS-WAF", osm.RequestOptions{})
			if err == nil || !strings.Contains(err.Error(), "X-Auth-Token: (redacted)...") {
				t.Fatalf("want the quote to end with the redacted prefix, got %v", err)
			}
			expectNoSecret(t, "the error", err.Error(), echoToken)
		})
	}
}

// TestPasswordAuth_redactsAnEchoedMintedToken: the token the password login
// minted is echoed by a proxy in front of the API.
func TestPasswordAuth_redactsAnEchoedMintedToken(t *testing.T) {
	f, url := newIAMFake(t)
	f.SetResponses("CS-WAF", fakeosm.Response{HTTPStatus: 503, Body: wafPage(0, "X-Auth-Token")})
	var l logs
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: url + "/v3", UserName: iamUser, Password: iamPassword, DomainName: iamDomain, Logger: &l})
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.NewWithKnobs(osm.Config{Endpoint: url, Auth: auth, Logger: &l, MaxRetries: 1}, osm.Knobs{Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CaseStatus(context.Background(), "CS-WAF", osm.RequestOptions{})
	minted := f.MintedTokens()
	if err == nil || len(minted) != 1 || !strings.Contains(err.Error(), "X-Auth-Token: (redacted)") {
		t.Fatalf("want the page quoted with the minted token redacted, got %v (%d logins)", err, len(minted))
	}
	expectNoSecret(t, "the error", err.Error(), minted[0], iamPassword)
	expectNoSecret(t, "the log", logText(&l), minted[0], iamPassword)
}

// TestClient_redactsAnEchoedSecurityToken: AK/SK requests carry the
// security token of temporary keys in a header, which a proxy can echo.
func TestClient_redactsAnEchoedSecurityToken(t *testing.T) {
	const sts = "STS-echo-9f8e7d6c5b4a39281706f5e4d3c2b1a0-temporary-security-token"
	f := fakeosm.New()
	f.AddAccessKey(fakeosm.AccessKey{ID: "AK-TEMP", Secret: "sk-temp-0123456789", SecurityToken: sts})
	f.SetResponses("CS-WAF", fakeosm.Response{HTTPStatus: 400, Body: wafPage(0, "X-Security-Token")})
	srv := httptest.NewServer(f)
	defer srv.Close()
	auth, err := osm.NewAKSKAuth(osm.AKSKConfig{AccessKey: "AK-TEMP", SecretKey: "sk-temp-0123456789", SecurityToken: sts})
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CaseStatus(context.Background(), "CS-WAF", osm.RequestOptions{})
	if err == nil || !strings.Contains(err.Error(), "X-Security-Token: (redacted)") {
		t.Fatalf("want the page quoted with the security token redacted, got %v", err)
	}
	expectNoSecret(t, "the error", err.Error(), sts)
}

// TestClient_redactsATokenEchoedInAMalformedAnswer: a server that is not
// HTTP echoes the header back; the transport's own error quotes the line.
func TestClient_redactsATokenEchoedInAMalformedAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				_, _ = io.WriteString(conn, "HTTP/1.1 400 Bad Request\r\nX-Offending: \x01"+req.Header.Get("X-Auth-Token")+"\r\n\r\n")
			}
			_ = conn.Close()
		}
	}()
	auth, _ := osm.NewTokenAuth(echoToken)
	var l logs
	c, err := osm.New(osm.Config{Endpoint: "http://" + ln.Addr().String(), Auth: auth, Logger: &l})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("want the transport's error, got %v", err)
	}
	expectNoSecret(t, "the error", err.Error(), echoToken)
	expectNoSecret(t, "the log", logText(&l), echoToken)
}

// TestPasswordAuth_redactsAPasswordPrefixTheQuoteCut: IAM (or a proxy in
// front of it) answers with a page that quotes the login body.
func TestPasswordAuth_redactsAPasswordPrefixTheQuoteCut(t *testing.T) {
	const password = "correct-horse-battery-staple-0123456789"
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		i := strings.Index(string(body), password)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(400)
		// The quote of an answer that is not an IAM error is 200 bytes:
		// put 20 bytes of the password at its end.
		_, _ = io.WriteString(w, strings.Repeat(".", 180-i)+string(body))
	}))
	defer iam.Close()
	var l logs
	auth, err := osm.NewPasswordAuth(osm.PasswordConfig{AuthURL: iam.URL + "/v3", UserName: "u", Password: password, DomainName: "d", Logger: &l})
	if err != nil {
		t.Fatal(err)
	}
	_, err = auth.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "body starts") {
		t.Fatalf("want the quoted body, got %v", err)
	}
	expectNoSecret(t, "the login error", err.Error(), password)
	expectNoSecret(t, "the log", logText(&l), password)
}
