package provider_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// echoedToken is as long as the token the security review saw leak.
const echoedToken = "MIIQtoken-echo-Zx81KqP0vW3nR7yB5tLm9cF2hJ6dGs4aUe0oYi7wXk3qNp8vB1rT5mC9zH2jL6fD4gS0aE7uQ1xW3yR8tN5mKp-ECHO"

// wafBlockPage is a proxy's block page that reflects a request header,
// pad bytes into the body.
func wafBlockPage(pad int, header string) string {
	return "<html><head><title>400 Bad Request</title></head><body>" + strings.Repeat("-", pad) +
		"<pre>Offending header " + header + ": " + fakeosm.EchoHeader(header) + "</pre></body></html>"
}

// expectNoFragment fails when text holds any 16-byte run of any of the
// secrets (so the secret itself, and every prefix the quoting may cut).
func expectNoFragment(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	const n = 16
	grams := map[string]int{}
	for k, s := range secrets {
		if len(s) < n {
			t.Fatalf("secret %d is shorter than %d bytes: the check would prove nothing", k, n)
		}
		for i := 0; i+n <= len(s); i++ {
			grams[s[i:i+n]] = k
		}
	}
	for i := 0; i+n <= len(text); i++ {
		if k, ok := grams[text[i:i+n]]; ok {
			t.Fatalf("%s holds 16 bytes of secret %d:\n...%s...", what, k, text[max(0, i-300):min(len(text), i+100)])
		}
	}
}

// TestTerraform_echoedSecretsAreRedacted runs terraform plan with
// TF_LOG=TRACE against a proxy that answers with a block page quoting the
// request's credentials header, and searches the whole output for every
// secret the provider was configured with or minted, and for any 16-byte
// run of one.
func TestTerraform_echoedSecretsAreRedacted(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := providerBinary(t)
	f, url := newFake(t)
	f.AddToken(echoedToken)
	const (
		password = "pw-ECHO-horse-battery-staple-7"
		sk       = "sk-ECHO-0123456789abcdefghijklmnop"
		sts      = "sts-ECHO-temporary-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	)
	f.AddUser("acct", "reader", password)
	f.AddAccessKey(fakeosm.AccessKey{ID: "AKECHO00000000000001", Secret: sk, SecurityToken: sts})
	// The quote of an unexpected body is its first 200 bytes: the cut
	// page puts 40 bytes of the header's value at the end of the quote.
	cutPad := 200 - 40 - len(wafBlockPage(0, "X-Auth-Token")) + len(fakeosm.EchoHeader("X-Auth-Token")) + len("</pre></body></html>")
	f.SetResponses("CS-WAF", fakeosm.Response{HTTPStatus: 400, Body: wafBlockPage(0, "X-Auth-Token"), Header: map[string]string{"Content-Type": "text/html"}})
	f.SetResponses("CS-CUT", fakeosm.Response{HTTPStatus: 400, Body: wafBlockPage(cutPad, "X-Auth-Token"), Header: map[string]string{"Content-Type": "text/html"}})
	f.SetResponses("CS-STS", fakeosm.Response{HTTPStatus: 503, Body: wafBlockPage(0, "X-Security-Token")})
	reads := readCase("waf", "CS-WAF") + readCase("cut", "CS-CUT")

	for _, tc := range []struct {
		name, block string
		reads       string
		secrets     func() []string
	}{{
		name:    "token in the provider block",
		block:   fmt.Sprintf("endpoint = %q\n  token = %q", url, echoedToken),
		reads:   reads,
		secrets: func() []string { return []string{echoedToken} },
	}, {
		name: "token minted by the password login",
		block: fmt.Sprintf("endpoint = %q\n  auth_url = %q\n  user_name = \"reader\"\n  domain_name = \"acct\"\n  password = %q",
			url, url+"/v3", password),
		reads:   reads,
		secrets: func() []string { return append([]string{password}, f.MintedTokens()...) },
	}, {
		name: "security token of temporary access keys",
		block: fmt.Sprintf("endpoint = %q\n  access_key = \"AKECHO00000000000001\"\n  secret_key = %q\n  security_token = %q\n  max_retries = 1",
			url, sk, sts),
		reads:   readCase("sts", "CS-STS"),
		secrets: func() []string { return []string{sk, sts} },
	}} {
		t.Run(tc.name, func(t *testing.T) {
			w, r := newWorkspace(t, bin, "provider \"servicerequest\" {\n  "+tc.block+"\n  retry_min_delay = \"100ms\"\n  retry_max_delay = \"200ms\"\n}\n"+tc.reads)
			err := r.Run(ctx, "plan", "-input=false", "-no-color")
			out := w.out.String()
			if err == nil || !strings.Contains(out, "Offending header") || !strings.Contains(out, "(redacted)") {
				t.Fatalf("want the plan to fail quoting the block page with the secret redacted, got %v:\n%s", err, tail(out))
			}
			if !strings.Contains(out, "[TRACE]") || !strings.Contains(out, "OSM API request") {
				t.Fatalf("the TRACE log was not captured, so the check proves nothing:\n%s", tail(out))
			}
			secrets := tc.secrets()
			if len(secrets) == 1 && tc.name == "token minted by the password login" {
				t.Fatal("IAM minted no token")
			}
			expectNoFragment(t, "terraform plan with TF_LOG=TRACE", out, secrets...)
		})
	}
}
