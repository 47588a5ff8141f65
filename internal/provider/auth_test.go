package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

const (
	testAK        = "AKTESTEXAMPLE0000001"
	testSK        = "sk-SECRET-test-0123456789abcdef"
	testSTS       = "sts-SECRET-temporary-token"
	testDomainID  = "0970dd7a1300f5672ff2c003c60ae115" // the one in examples/provider/auth_aksk.tf
	testUser      = "ticket-reader"                    // the one in examples/provider/auth_password.tf
	testDomain    = "example-account"                  // the one in examples/provider/auth_password.tf
	testPassword  = "pw-SECRET with spaces"
	tempAK        = "AKTEMPORARY000000001"
	tempSK        = "sk-SECRET-temporary"
	authURLSuffix = "/v3"
)

// newAuthFake is newFake plus an access key, a temporary access key and an
// IAM user, and an environment with HW_OSM_ENDPOINT pointing at it.
func newAuthFake(t *testing.T) (*fakeosm.Server, string, map[string]string) {
	t.Helper()
	f, url := newFake(t)
	f.AddAccessKey(fakeosm.AccessKey{ID: testAK, Secret: testSK, DomainID: testDomainID})
	f.AddAccessKey(fakeosm.AccessKey{ID: tempAK, Secret: tempSK, SecurityToken: testSTS})
	f.AddUser(testDomain, testUser, testPassword)
	return f, url, map[string]string{provider.EnvEndpoint: url}
}

// readCase is a data source block reading one ticket.
func readCase(name, id string) string {
	return fmt.Sprintf("\ndata \"servicerequest_case_status\" %q {\n  case_id = %q\n}\n", name, id)
}

// checkRequests runs check on every request the fake saw.
func checkRequests(f *fakeosm.Server, check func(fakeosm.Request) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := f.Requests()
		if len(reqs) == 0 {
			return fmt.Errorf("the fake saw no request")
		}
		for _, r := range reqs {
			if err := check(r); err != nil {
				return fmt.Errorf("request %s: %w", r.Path, err)
			}
		}
		return nil
	}
}

var authorizationRe = regexp.MustCompile(`^SDK-HMAC-SHA256 Access=(\S+), SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`)

// signedBy checks that a request is AK/SK-signed by ak, with the signed
// headers the provider sends, and carries no token.
func signedBy(ak, signedHeaders string, extra map[string]string) func(fakeosm.Request) error {
	return func(r fakeosm.Request) error {
		m := authorizationRe.FindStringSubmatch(r.Header.Get("Authorization"))
		if m == nil || m[1] != ak || m[2] != signedHeaders {
			return fmt.Errorf("Authorization %q, want access key %s and signed headers %s", r.Header.Get("Authorization"), ak, signedHeaders)
		}
		date, err := time.Parse("20060102T150405Z", r.Header.Get("X-Sdk-Date"))
		if err != nil || time.Since(date).Abs() > time.Hour {
			return fmt.Errorf("X-Sdk-Date %q is not the current UTC time as YYYYMMDDTHHMMSSZ", r.Header.Get("X-Sdk-Date"))
		}
		if r.Header.Get("X-Auth-Token") != "" {
			return fmt.Errorf("a signed request also carries X-Auth-Token")
		}
		for h, want := range extra {
			if got := r.Header.Get(h); got != want {
				return fmt.Errorf("%s %q, want %q", h, got, want)
			}
		}
		return nil
	}
}

func TestProviderAuth_tokenExample(t *testing.T) {
	t.Parallel()
	f, _, env := newAuthFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            readExample(t, "provider/auth_token.tf") + readCase("t", "CS-DONE"),
			ConfigVariables:   config.Variables{"iam_token": config.StringVariable(testToken)},
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
			Check: checkRequests(f, func(r fakeosm.Request) error {
				if r.Header.Get("X-Auth-Token") != testToken || r.Header.Get("Authorization") != "" {
					return fmt.Errorf("want the token and no signature")
				}
				return nil
			}),
		}},
	})
	if n := len(f.Logins()); n != 0 {
		t.Fatalf("a token configuration logged in to IAM %d times", n)
	}
}

func TestProviderAuth_akskExample(t *testing.T) {
	t.Parallel()
	f, _, env := newAuthFake(t)
	env["HW_ACCESS_KEY"] = testAK
	env["HW_SECRET_KEY"] = testSK
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            readExample(t, "provider/auth_aksk.tf") + readCase("a", "CS-DONE") + readCase("b", "CS-PROCESSING"),
			ConfigStateChecks: append(expectStatus("data.servicerequest_case_status.a", 3, "Completed", true), expectStatus("data.servicerequest_case_status.b", 1, "Processing", false)...),
			Check: checkRequests(f, signedBy(testAK, "host;x-domain-id;x-language;x-sdk-date;x-time-zone",
				map[string]string{"X-Domain-Id": testDomainID, "X-Security-Token": ""})),
		}},
	})
}

func TestProviderAuth_akskTemporaryKeys(t *testing.T) {
	t.Parallel()
	f, _, env := newAuthFake(t)
	env["HW_SECURITY_TOKEN"] = testSTS
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"servicerequest\" {\n  access_key = %q\n  secret_key = %q\n}\n", tempAK, tempSK) +
				readCase("t", "CS-FEEDBACK"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 17, "Pending feedback", false),
			Check: checkRequests(f, signedBy(tempAK, "host;x-language;x-sdk-date;x-security-token;x-time-zone",
				map[string]string{"X-Security-Token": testSTS, "X-Domain-Id": ""})),
		}},
	})
}

func TestProviderAuth_akskRejected(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env   map[string]string
		clock time.Duration
		want  string
	}{
		"wrong secret": {map[string]string{"HW_ACCESS_KEY": testAK, "HW_SECRET_KEY": "not-the-secret", "HW_DOMAIN_ID": testDomainID}, 0,
			`verify aksk signature fail`},
		"clock 20 minutes off": {map[string]string{"HW_ACCESS_KEY": testAK, "HW_SECRET_KEY": testSK, "HW_DOMAIN_ID": testDomainID}, 20 * time.Minute,
			`X-Sdk-Date is more than 15 minutes away`},
		"temporary key without its security token": {map[string]string{"HW_ACCESS_KEY": tempAK, "HW_SECRET_KEY": tempSK}, 0,
			`security token`},
	} {
		t.Run(name, func(t *testing.T) {
			f, _, env := newAuthFake(t)
			for k, v := range tc.env {
				env[k] = v
			}
			if tc.clock != 0 {
				f.SetClock(func() time.Time { return time.Now().Add(tc.clock) })
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config: "provider \"servicerequest\" {}\n" + readCase("t", "CS-DONE"),
					ExpectError: errRe(`(?s)Service Ticket API rejected the credentials.*HTTP 401, error_code APIGW.0301.*` + tc.want +
						`.*refused the AK/SK signature.*HW_ACCESS_KEY.*within 15 minutes of UTC.*not re-sent`),
				}},
			})
		})
	}
}

func TestProviderAuth_passwordExample(t *testing.T) {
	t.Parallel()
	f, url, env := newAuthFake(t)
	env["HW_AUTH_URL"] = url + authURLSuffix
	ids := []string{"CS-TODO", "CS-DONE", "CS-PAUSED"}
	cfg := readExample(t, "provider/auth_password.tf")
	for i, id := range ids {
		cfg += readCase(fmt.Sprintf("t%d", i), id)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            cfg,
			ConfigVariables:   config.Variables{"iam_password": config.StringVariable(testPassword)},
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.t1", 3, "Completed", true),
		}},
	})
	logins := f.Logins()
	if len(logins) == 0 {
		t.Fatal("no IAM login")
	}
	used := map[string]int{}
	for _, r := range f.Requests() {
		used[r.Header.Get("X-Auth-Token")]++
		for h, vs := range r.Header {
			if strings.Contains(strings.Join(vs, " "), testPassword) {
				t.Fatalf("the password reached the API in header %s", h)
			}
		}
	}
	minted := map[string]bool{}
	for _, l := range logins {
		if l.UserName != testUser || l.DomainName != testDomain || l.ScopeDomain != testDomain || l.Token == "" {
			t.Fatalf("login %+v", l)
		}
		minted[l.Token] = true
		// One login per configured provider, shared by all its data sources
		// (Terraform configures the provider once to plan and once to apply;
		// only the plan reads data sources).
		if n := used[l.Token]; n != 0 && n != len(ids) {
			t.Fatalf("a minted token was used by %d reads, want 0 or %d: one login per provider", n, len(ids))
		}
	}
	for tok := range used {
		if !minted[tok] {
			t.Fatal("a status call carried a token IAM did not mint")
		}
	}
}

func TestProviderAuth_passwordTokenRenewedOnce(t *testing.T) {
	t.Parallel()
	f, url, env := newAuthFake(t)
	env["HW_AUTH_URL"] = url + authURLSuffix
	env["HW_USER_NAME"] = testUser
	env["HW_USER_PASSWORD"] = testPassword
	env["HW_DOMAIN_NAME"] = testDomain
	f.ExpireNextMintedTokens(1) // the first token the provider gets is already expired
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            "provider \"servicerequest\" {}\n" + readCase("t", "CS-DONE"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
		}},
	})
	minted, reqs := f.MintedTokens(), f.Requests()
	if len(minted) < 2 || len(reqs) < 2 {
		t.Fatalf("%d logins, %d reads", len(minted), len(reqs))
	}
	if reqs[0].Header.Get("X-Auth-Token") != minted[0] || reqs[1].Header.Get("X-Auth-Token") != minted[1] {
		t.Fatal("the read rejected with the expired token was not repeated with a renewed one")
	}
	for _, r := range reqs[1:] {
		if r.Header.Get("X-Auth-Token") == minted[0] {
			t.Fatal("the expired token was used again")
		}
	}
}

func TestProviderAuth_passwordTokenNotRenewedTwice(t *testing.T) {
	t.Parallel()
	f, url, env := newAuthFake(t)
	env["HW_AUTH_URL"] = url + authURLSuffix
	env["HW_USER_PASSWORD"] = testPassword
	// The first two tokens are dead, the third would work: the read must
	// fail after one renewal instead of reaching it.
	f.ExpireNextMintedTokens(2)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"servicerequest\" {\n  user_name   = %q\n  domain_name = %q\n}\n", testUser, testDomain) +
				readCase("t", "CS-DONE"),
			ExpectError: errRe(`(?s)Service Ticket API rejected the credentials.*APIGW.0301.*after 2 attempts.*password login was refused, and so was a freshly fetched one`),
		}},
	})
	minted, reqs := f.MintedTokens(), f.Requests()
	if len(reqs) < 2 || reqs[0].Header.Get("X-Auth-Token") != minted[0] || reqs[1].Header.Get("X-Auth-Token") != minted[1] {
		t.Fatal("want one read with the first token and one with the renewed token")
	}
}

func TestProviderAuth_passwordRefused(t *testing.T) {
	t.Parallel()
	f, url, env := newAuthFake(t)
	env["HW_AUTH_URL"] = url + "/v3/"
	env["HW_USER_NAME"] = testUser
	env["HW_USER_PASSWORD"] = "not the password"
	env["HW_DOMAIN_NAME"] = testDomain
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: "provider \"servicerequest\" {}\n" + readCase("a", "CS-DONE") + readCase("b", "CS-TODO") + readCase("c", "CS-FEEDBACK"),
			ExpectError: errRe(`(?s)IAM refused the password login.*IAM password login at 127.0.0.1:\d+ failed: HTTP 401, error code 401, ` +
				`message "The username or password is wrong." \(Unauthorized\).*user_name, password and domain_name.*HW_USER_PASSWORD`),
		}},
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("a refused login must stop before any read; the fake saw %d", n)
	}
	for _, l := range f.Logins() {
		if l.HTTPStatus != 401 {
			t.Fatalf("login %+v", l)
		}
	}
}

func TestProviderAuth_iamUnreachable(t *testing.T) {
	t.Parallel()
	_, _, env := newAuthFake(t)
	dead := httptestDeadURL(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"servicerequest\" {\n  user_name = %q\n  password = %q\n  domain_name = %q\n  auth_url = %q\n}\n",
				testUser, testPassword, testDomain, dead+"/v3") + readCase("t", "CS-DONE"),
			ExpectError: errRe(`(?s)Cannot reach IAM for the password login.*` + regexp.QuoteMeta(strings.TrimPrefix(dead, "http://")) + `.*refused.*auth_url`),
		}},
	})
}

func TestProviderAuth_missingEverything(t *testing.T) {
	t.Parallel()
	f, _, env := newAuthFake(t)
	env["HW_DOMAIN_NAME"] = testDomain // alone, it configures nothing
	env["HW_DOMAIN_ID"] = testDomainID
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: "provider \"servicerequest\" {}\n" + readCase("t", "CS-DONE"),
			ExpectError: errRe(`(?s)Missing Service Ticket API credentials.*Use one of:` +
				`.*token attribute or the HW_AUTH_TOKEN environment variable` +
				`.*access_key and secret_key, or HW_ACCESS_KEY and HW_SECRET_KEY.*security_token` +
				`.*user_name, password and domain_name, or HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME`),
		}},
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("the fake saw %d requests", n)
	}
}

func TestProviderAuth_partialAndInvalidSettings(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		provider string
		env      map[string]string
		want     string
	}{
		"access_key without secret_key": {`access_key = "` + testAK + `"`, nil,
			`(?s)Missing secret_key.*access_key is set in the provider block, but secret_key is not.*HW_SECRET_KEY`},
		"HW_SECRET_KEY without an access key": {``, map[string]string{"HW_SECRET_KEY": testSK},
			`(?s)Missing access_key.*secret_key is set by the HW_SECRET_KEY environment variable, but access_key is not.*HW_ACCESS_KEY`},
		"security_token alone": {`security_token = "x"`, nil, `(?s)Missing access_key.*security token only accompanies`},
		"user_name without password": {`user_name = "u"` + "\n" + `domain_name = "d"`, nil,
			`(?s)Missing password.*user_name is set in the provider block.*HW_USER_PASSWORD`},
		"user_name without domain": {`user_name = "u"`, map[string]string{"HW_USER_PASSWORD": testPassword},
			`(?s)Missing domain_name.*HW_DOMAIN_NAME`},
		"password without user": {``, map[string]string{"HW_USER_PASSWORD": testPassword, "HW_DOMAIN_NAME": "d"},
			`(?s)Missing user_name.*password is set by the HW_USER_PASSWORD environment variable`},
		"partial access key next to a token in the block": {`token = "` + testToken + `"` + "\n" + `access_key = "` + testAK + `"`, nil,
			`(?s)Missing secret_key`},
		"secret key from env with newline": {``, map[string]string{"HW_ACCESS_KEY": testAK, "HW_SECRET_KEY": "a\nb"},
			`(?s)HW_SECRET_KEY environment variable, used for secret_key, must not contain control characters`},
		"access key with a comma": {`access_key = "a,b"` + "\n" + `secret_key = "s"`, nil, `(?s)Invalid access_key value.*must not contain spaces`},
		"auth_url over http": {``, map[string]string{"HW_USER_NAME": "u", "HW_USER_PASSWORD": testPassword, "HW_DOMAIN_NAME": "d",
			"HW_AUTH_URL": "http://iam.example.com/v3"},
			`(?s)HW_AUTH_URL environment variable, used for auth_url, must start with "https://"`},
		"auth_url not a URL":                {`auth_url = "iam.example.com"`, nil, `(?s)Invalid auth_url value.*absolute URL`},
		"password with a control character": {`password = "p\u0007"`, nil, `(?s)Invalid password value.*control characters`},
	} {
		t.Run(name, func(t *testing.T) {
			f, _, env := newAuthFake(t)
			for k, v := range tc.env {
				env[k] = v
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config:      "provider \"servicerequest\" {\n" + tc.provider + "\n}\n" + readCase("t", "CS-DONE"),
					ExpectError: errRe(tc.want),
				}},
			})
			if n, m := f.RequestCount(""), len(f.Logins()); n != 0 || m != 0 {
				t.Fatalf("invalid settings must stop before any request; the fake saw %d reads and %d logins", n, m)
			}
		})
	}
}

// TestProviderAuth_precedence: token, then AK/SK, then password; an
// incomplete method left in the environment next to a working one of
// higher precedence is only a warning.
func TestProviderAuth_precedence(t *testing.T) {
	t.Parallel()
	everything := map[string]string{
		"HW_ACCESS_KEY": testAK, "HW_SECRET_KEY": testSK, "HW_DOMAIN_ID": testDomainID,
		"HW_USER_NAME": testUser, "HW_USER_PASSWORD": testPassword, "HW_DOMAIN_NAME": testDomain,
	}
	for name, tc := range map[string]struct {
		env   map[string]string
		unset []string
		check func(fakeosm.Request) error
	}{
		"token over AK/SK and password": {everything, nil, func(r fakeosm.Request) error {
			if r.Header.Get("X-Auth-Token") != testToken || r.Header.Get("Authorization") != "" || r.Header.Get("X-Sdk-Date") != "" {
				return fmt.Errorf("want only the token")
			}
			return nil
		}},
		"AK/SK over password": {everything, []string{"HW_AUTH_TOKEN"},
			signedBy(testAK, "host;x-domain-id;x-language;x-sdk-date;x-time-zone", nil)},
		"token with a stray HW_SECRET_KEY": {map[string]string{"HW_SECRET_KEY": testSK, "HW_USER_NAME": testUser}, nil,
			func(r fakeosm.Request) error {
				if r.Header.Get("X-Auth-Token") != testToken {
					return fmt.Errorf("want the token")
				}
				return nil
			}},
	} {
		t.Run(name, func(t *testing.T) {
			f, url, env := newAuthFake(t)
			env["HW_AUTH_URL"] = url + authURLSuffix
			env["HW_AUTH_TOKEN"] = testToken
			for k, v := range tc.env {
				env[k] = v
			}
			for _, k := range tc.unset {
				delete(env, k)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config:            "provider \"servicerequest\" {}\n" + readCase("t", "CS-DONE"),
					ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
					Check:             checkRequests(f, tc.check),
				}},
			})
			if n := len(f.Logins()); n != 0 {
				t.Fatalf("a method of higher precedence was configured, yet the provider logged in to IAM %d times", n)
			}
		})
	}
}

// TestProviderAuth_secretsStayOutOfLogs runs every method with provider
// logs at TRACE and looks for the secrets in them.
func TestProviderAuth_secretsStayOutOfLogs(t *testing.T) {
	f, url, _ := newAuthFake(t)
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	authURL := url + authURLSuffix
	f.ExpireNextMintedTokens(1) // exercise the renewal too
	// The secrets come from the environment: the test harness logs the
	// configuration it writes, which is not the provider's doing.
	for _, creds := range []map[string]string{
		{"HW_AUTH_TOKEN": testToken},
		{"HW_ACCESS_KEY": testAK, "HW_SECRET_KEY": testSK, "HW_DOMAIN_ID": testDomainID},
		{"HW_ACCESS_KEY": tempAK, "HW_SECRET_KEY": tempSK, "HW_SECURITY_TOKEN": testSTS},
		{"HW_USER_NAME": testUser, "HW_USER_PASSWORD": testPassword, "HW_DOMAIN_NAME": testDomain},
	} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(withEnv(creds, provider.EnvEndpoint, url, "HW_AUTH_URL", authURL)),
			Steps: []resource.TestStep{{
				Config:            "provider \"servicerequest\" {}\n" + readCase("t", "CS-DONE"),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
			}},
		})
	}
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	logs := string(b)
	if !strings.Contains(logs, "OSM API request") || !strings.Contains(logs, "IAM password login") {
		t.Fatalf("the provider's logs were not captured (%d bytes)", len(logs))
	}
	secrets := append([]string{testToken, testSK, tempSK, testSTS, testPassword}, f.MintedTokens()...)
	for _, r := range f.Requests() {
		if m := authorizationRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			secrets = append(secrets, r.Header.Get("Authorization")[strings.LastIndex(r.Header.Get("Authorization"), "=")+1:])
		}
	}
	for _, s := range secrets {
		if i := strings.Index(logs, s); i >= 0 {
			t.Logf("context: %q", logs[max(0, i-600):min(len(logs), i+100)])
			t.Fatalf("a secret (%d characters, starting %.4q) reached the logs", len(s), s)
		}
	}
}

// TestAuthenticationDocs_embedTheExamples: the Authentication section of
// the generated docs shows each example file exactly as tests run it.
func TestAuthenticationDocs_embedTheExamples(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, ex := range []string{"auth_token.tf", "auth_aksk.tf", "auth_password.tf"} {
		if !strings.Contains(doc, "```terraform\n"+readExample(t, "provider/"+ex)+"```\n") {
			t.Fatalf("docs/index.md does not show examples/provider/%s verbatim; run make docs", ex)
		}
	}
	for _, env := range []string{"HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_DOMAIN_ID",
		"HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_AUTH_URL"} {
		if !strings.Contains(doc, "`"+env+"`") {
			t.Fatalf("the environment variable table lacks %s", env)
		}
	}
}

func TestProviderAuth_unknownValue(t *testing.T) {
	t.Parallel()
	f, _, env := newAuthFake(t)
	env["HW_SECRET_KEY"] = testSK
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "key" {
  input = "` + testAK + `"
}

provider "servicerequest" {
  access_key = terraform_data.key.output
}
` + readCase("t", "CS-DONE"),
			ExpectError: errRe(`(?s)Unknown access_key value.*only known after apply`),
		}},
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("the fake saw %d requests", n)
	}
}
