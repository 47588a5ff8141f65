package osm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

func TestSecrets_redactsByTheRule(t *testing.T) {
	const token = "MIIZRQYJKoZIhvcNAQcCoIIZNjCCGTICAQExDTALBglghkgBZQMEAgEwghdXBgkqhkiG9w0BBwGgghdI"
	s := osm.NewSecrets(token, "pw", "password123", "")
	for _, tc := range []struct{ name, in, want string }{
		{"whole token", "X-Auth-Token: " + token + "</pre>", "X-Auth-Token: (redacted)</pre>"},
		{"whole short secret", "a pw b", "a (redacted) b"},
		{"token wrapped onto two lines", "Token: " + token[:40] + "\n" + token[40:] + "\n", "Token: (redacted)\n(redacted)\n"},
		{"16-byte run from the middle", "x" + token[30:46] + "x", "x(redacted)x"},
		{"8-byte prefix cut by a quote", `body starts "Token: ` + token[:8] + `..."`, `body starts "Token: (redacted)..."`},
		{"15-byte prefix at the end", "Token: " + token[:15], "Token: (redacted)"},
		{"prefix before an ellipsis", "Token: " + token[:10] + "… (truncated)", "Token: (redacted)… (truncated)"},
		{"7-byte prefix is kept", "Token: " + token[:7] + "...", "Token: " + token[:7] + "..."},
		{"prefix in the middle is kept", "The username or password is wrong.", "The username or password is wrong."},
		{"15-byte run from the middle is kept", "x" + token[30:45] + "x", "x" + token[30:45] + "x"},
		{"no secret", "nothing here", "nothing here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Redact(tc.in); got != tc.want {
				t.Fatalf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSecrets_escapedFormsAndUTF8(t *testing.T) {
	const pw = `p\a"ss wörd ünïcödé 0123456789`
	s := osm.NewSecrets(pw)
	quoted := fmt.Sprintf("message %q", "bad "+pw)
	if got := s.Redact(quoted); strings.Contains(got, `ss w`) || !strings.Contains(got, Redacted) {
		t.Fatalf("a %%q-quoted secret was not redacted: %q", got)
	}
	// A quote cut inside a multi-byte character of the secret.
	cut := "start " + pw[:len(`p\a"ss wö`)-1]
	got := s.Redact(cut + "...")
	if !utf8.ValidString(got) || got != "start (redacted)..." {
		t.Fatalf("Redact(%q) = %q", cut, got)
	}
	html := "<pre>" + strings.ReplaceAll(pw, `"`, "&#34;") + "</pre>"
	if got := s.Redact(html); got != "<pre>(redacted)</pre>" {
		t.Fatalf("an HTML-escaped secret: %q", got)
	}
}

const Redacted = osm.Redacted

func TestSecrets_nilAndEmptyAreSafe(t *testing.T) {
	var nilSet *osm.Secrets
	nilSet.Add("x")
	if nilSet.Redact("abc") != "abc" || nilSet.RedactError(nil) != nil {
		t.Fatal("a nil set changed text")
	}
	var zero osm.Secrets
	if zero.Redact("abc") != "abc" {
		t.Fatal("an empty set changed text")
	}
	zero.Add("secret-value-0123456789")
	if zero.Redact("a secret-value-0123456789") != "a (redacted)" {
		t.Fatal("the zero value does not work after Add")
	}
}

func TestSecrets_redactError(t *testing.T) {
	const tok = "tok-0123456789abcdefghijklmnopqrstuvwxyz"
	s := osm.NewSecrets(tok)
	orig := &osm.Error{Kind: osm.KindBadRequest, HTTPStatus: 400, Snippet: "Token: " + tok[:20] + "...",
		Err: fmt.Errorf("malformed %q: %w", tok, context.Canceled)}
	got := s.RedactError(orig)
	var e *osm.Error
	if !errors.As(got, &e) || e == orig || strings.Contains(got.Error(), tok[:16]) || !strings.Contains(e.Snippet, Redacted) {
		t.Fatalf("got %v", got)
	}
	if !errors.Is(got, context.Canceled) {
		t.Fatal("the redacted cause no longer unwraps")
	}
	if !strings.Contains(orig.Snippet, tok[:20]) {
		t.Fatal("the original, which other callers may share, was changed")
	}
	clean := &osm.Error{Kind: osm.KindServer, HTTPStatus: 503}
	if s.RedactError(clean) != error(clean) {
		t.Fatal("an error without a secret should be returned as it is")
	}
	le := s.RedactError(&osm.LoginError{IAMFailure: osm.IAMFailure{Host: "iam", HTTPStatus: 400, Message: "bad " + tok}})
	if strings.Contains(le.Error(), tok[:16]) {
		t.Fatalf("login error: %v", le)
	}
	plain := s.RedactError(errors.New("x " + tok))
	if plain.Error() != "x (redacted)" {
		t.Fatalf("plain error: %v", plain)
	}
}

func TestSecrets_loggerRedactsMessageAndFields(t *testing.T) {
	const tok = "tok-0123456789abcdefghijklmnopqrstuvwxyz"
	s := osm.NewSecrets(tok)
	var l logs
	s.Logger(&l).Log(context.Background(), osm.LevelWarn, "saw "+tok, map[string]any{
		"reason": "Token: " + tok, "err": errors.New(tok), "n": 3,
	})
	line := l.lines[0]
	if line.msg != "saw (redacted)" || line.fields["reason"] != "Token: (redacted)" || line.fields["err"] != Redacted || line.fields["n"] != 3 {
		t.Fatalf("%+v", line)
	}
}

// TestSecrets_concurrentAddAndRedact: a login adds a minted token while
// other requests redact (run with -race).
func TestSecrets_concurrentAddAndRedact(t *testing.T) {
	s := osm.NewSecrets("first-secret-0123456789")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); s.Add(fmt.Sprintf("minted-token-%02d-0123456789", i)) }()
		go func() { defer wg.Done(); _ = s.Redact("x first-secret-0123456789 minted-token-03-0123456789") }()
	}
	wg.Wait()
	if got := s.Redact("minted-token-07-0123456789"); got != Redacted {
		t.Fatalf("got %q", got)
	}
}

// TestClient_redactsConfigSecretsToo: Config.Secrets adds secrets that the
// Authenticator does not hold (a provider's other configured secrets),
// and its later additions count.
func TestClient_redactsConfigSecretsToo(t *testing.T) {
	const other = "other-secret-0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, "echo: "+other)
	}))
	defer srv.Close()
	set := osm.NewSecrets()
	auth, _ := osm.NewTokenAuth("token-0123456789abcdefghij")
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, Secrets: set})
	if err != nil {
		t.Fatal(err)
	}
	set.Add(other)
	_, err = c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
	if err == nil || !strings.Contains(err.Error(), "echo: (redacted)") {
		t.Fatalf("got %v", err)
	}
}

// BenchmarkSecrets_redactSnippet: the cost of redacting one quoted body
// (200 bytes) with a real-sized IAM token (5000 bytes) and a password in
// the set.
func BenchmarkSecrets_redactSnippet(b *testing.B) {
	token := strings.Repeat("MIIZRQYJKoZIhvcNAQcCoIIZNjCCGTICAQExDTALBglghkgBZQMEAgEwghdXBgkqhkiG9w0BBwGgghdI", 63)[:5000]
	s := osm.NewSecrets(token, "a password of mine")
	snippet := osm.Sanitize(`{"error_code":"OSM.0001","error_msg":"bad request"}`+strings.Repeat(" ", 200), 200)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Redact(snippet)
	}
}
