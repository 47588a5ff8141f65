package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

func expectStatus(addr string, status int64, name string, closed bool) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.Int64Exact(status)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("status_name"), knownvalue.StringExact(name)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("closed"), knownvalue.Bool(closed)),
	}
}

func TestCaseStatusDataSource_everyStatus(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	cases := []struct {
		id     string
		status int64
		name   string
		closed bool
	}{
		{"CS-TODO", 0, "To be processed", false},
		{"CS-PROCESSING", 1, "Processing", false},
		{"CS-CONFIRM", 2, "To be confirmed", false},
		{"CS-DONE", 3, "Completed", true},
		{"CS-CANCELED", 4, "Canceled", true},
		{"CS-PAUSED", 5, "Paused", false},
		{"CS-INVALID", 12, "Invalid", true},
		{"CS-DELETED", 13, "Deleted", true},
		{"CS-FEEDBACK", 17, "Pending feedback", false},
		{"CS-ODD", 9, "Unknown", false},
	}
	var cfg strings.Builder
	cfg.WriteString(providerBlock(url))
	var checks []statecheck.StateCheck
	for i, c := range cases {
		fmt.Fprintf(&cfg, "data \"servicerequest_case_status\" \"t%d\" {\n  case_id = %q\n}\n", i, c.id)
		addr := fmt.Sprintf("data.servicerequest_case_status.t%d", i)
		checks = append(checks, expectStatus(addr, c.status, c.name, c.closed)...)
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(c.id)))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: checks}},
	})
}

// lastHeaders returns the headers of the last request the fake saw for id.
func lastHeaders(f *fakeosm.Server, id string) (lang, tz string, ok bool) {
	reqs := f.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].CaseID == id {
			return reqs[i].Header.Get("X-Language"), reqs[i].Header.Get("X-Time-Zone"), true
		}
	}
	return "", "", false
}

func expectHeaders(f *fakeosm.Server, id, lang, tz string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		gotLang, gotTZ, ok := lastHeaders(f, id)
		if !ok {
			return fmt.Errorf("the fake saw no request for %s", id)
		}
		if gotLang != lang || gotTZ != tz {
			return fmt.Errorf("%s: X-Language %q X-Time-Zone %q, want %q %q", id, gotLang, gotTZ, lang, tz)
		}
		return nil
	}
}

func TestCaseStatusDataSource_languageAndTimeZone(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	twoReads := `
data "servicerequest_case_status" "plain" {
  case_id = "CS-TODO"
}
data "servicerequest_case_status" "override" {
  case_id   = "CS-DONE"
  language  = "en-us"
  time_zone = "GMT-5"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				// Defaults are sent explicitly; a data source overrides them.
				Config: providerBlock(url) + twoReads,
				Check: resource.ComposeTestCheckFunc(
					expectHeaders(f, "CS-TODO", "zh-cn", "GMT+8"),
					expectHeaders(f, "CS-DONE", "en-us", "GMT-5"),
				),
			},
			{
				// Provider-level values replace the defaults but not the overrides.
				Config: providerBlock(url, `language = "en-gb"`, `time_zone = "GMT+1"`) + twoReads,
				Check: resource.ComposeTestCheckFunc(
					expectHeaders(f, "CS-TODO", "en-gb", "GMT+1"),
					expectHeaders(f, "CS-DONE", "en-us", "GMT-5"),
				),
			},
		},
	})
	// The User-Agent names the CLI's version as it reports it (OpenTofu
	// reports its own, such as 1.10.10), so each CLI of make test-matrix
	// checks its own.
	cli, err := tfrun.Version(context.Background(), tfrun.Terraform())
	if err != nil {
		t.Fatal(err)
	}
	wantUA := "terraform-provider-servicerequest/test terraform/" + cli.Version
	for _, r := range f.Requests() {
		if r.Method != "GET" || r.Header.Get("X-Auth-Token") != testToken {
			t.Fatalf("request %s %s without the documented method and token", r.Method, r.Path)
		}
		if !strings.HasPrefix(r.Header.Get("User-Agent"), wantUA) {
			t.Fatalf("User-Agent %q, want it to start with %q", r.Header.Get("User-Agent"), wantUA)
		}
	}
}

func TestCaseStatusDataSource_environment(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetPathPrefix("/prefix")
	const cfg = `
provider "servicerequest" {}

data "servicerequest_case_status" "t" {
  case_id = "CS-DONE"
}
`
	base := map[string]string{"HW_OSM_ENDPOINT": url + "/prefix/", "HW_LANGUAGE": "en-us", "HW_TIME_ZONE": "GMT+2"}
	t.Run("HW_AUTH_TOKEN", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(withEnv(base, "HW_AUTH_TOKEN", testToken, "OS_AUTH_TOKEN", "wrong-token")),
			Steps: []resource.TestStep{{
				Config:            cfg,
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
				Check:             expectHeaders(f, "CS-DONE", "en-us", "GMT+2"),
			}},
		})
	})
	t.Run("OS_AUTH_TOKEN", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(withEnv(base, "HW_AUTH_TOKEN", "", "OS_AUTH_TOKEN", testToken)),
			Steps: []resource.TestStep{{
				Config:            cfg,
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
			}},
		})
	})
	t.Run("attributes win over the environment", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(withEnv(base, "HW_AUTH_TOKEN", "wrong-token", "HW_OSM_ENDPOINT", "http://127.0.0.1:1/nowhere")),
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
provider "servicerequest" {
  endpoint  = %q
  token     = %q
  language  = "fr-fr"
}

data "servicerequest_case_status" "t" {
  case_id = "CS-DONE"
}
`, url+"/prefix", testToken),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
				Check:             expectHeaders(f, "CS-DONE", "fr-fr", "GMT+2"),
			}},
		})
	})
	for _, r := range f.Requests() {
		if !strings.HasPrefix(r.Path, "/prefix/v2/servicerequest/cases/") {
			t.Fatalf("request outside the endpoint prefix: %s", r.Path)
		}
	}
}

func TestCaseStatusDataSource_missingToken(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "servicerequest" {
  endpoint = %q
}

data "servicerequest_case_status" "t" {
  case_id = "CS-DONE"
}
`, url),
			ExpectError: errRe(`(?s)Missing Service Ticket API credentials.*token attribute.*HW_AUTH_TOKEN`),
		}},
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("a missing token must stop before any request; the fake saw %d", n)
	}
}

func TestCaseStatusDataSource_invalidConfiguration(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	// The subtests run in parallel; the group ends when they all have.
	t.Run("group", func(t *testing.T) {
		for name, tc := range map[string]struct {
			provider string
			data     string
			env      map[string]string
			want     string
		}{
			"case_id with newline": {providerBlock(url), `case_id = "a\nb"`, nil, `(?s)Invalid case_id value.*control characters`},
			"case_id too long":     {providerBlock(url), `case_id = "` + strings.Repeat("x", 65) + `"`, nil, `(?s)case_id.*at most 64 characters`},
			"case_id empty":        {providerBlock(url), `case_id = ""`, nil, `(?s)case_id.*must not be empty`},
			"case_id dot dot":      {providerBlock(url), `case_id = ".."`, nil, `(?s)case_id.*must not be`},
			"language CRLF":        {providerBlock(url, `language = "en\r\nX-Evil: 1"`), `case_id = "CS-DONE"`, nil, `(?s)Invalid language value.*control characters`},
			"override time_zone NUL": {providerBlock(url), "case_id = \"CS-DONE\"\n  time_zone = \"GMT\\u0000\"", nil,
				`(?s)Invalid time_zone value.*control characters`},
			"time_zone too long": {providerBlock(url, `time_zone = "`+strings.Repeat("z", 33)+`"`), `case_id = "CS-DONE"`, nil, `(?s)time_zone.*at most 32`},
			"endpoint not a URL": {`provider "servicerequest" {
	  endpoint = "osm.example.com"
	  token    = "x"
	}`, `case_id = "CS-DONE"`, nil, `(?s)Invalid endpoint value.*absolute URL`},
			"endpoint with password": {`provider "servicerequest" {
	  endpoint = "https://me:hunter2@osm.example.com"
	  token    = "x"
	}`, `case_id = "CS-DONE"`, nil, `(?s)endpoint.*user information`},
			"site and endpoint": {providerBlock(url, `site = "europe"`), `case_id = "CS-DONE"`, nil, `(?s)Invalid Attribute Combination`},
			"unknown site":      {providerBlock(url, `site = "mars"`), `case_id = "CS-DONE"`, nil, `(?s)site.*value must be one of`},
			"token from env with newline": {fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n}\n", url), `case_id = "CS-DONE"`,
				map[string]string{"HW_AUTH_TOKEN": "abc\ndef"}, `(?s)HW_AUTH_TOKEN environment variable, used for token,\s+must not contain control`},
			"language from env too long": {providerBlock(url), `case_id = "CS-DONE"`,
				map[string]string{"HW_LANGUAGE": strings.Repeat("l", 40)}, `(?s)HW_LANGUAGE environment variable.*at most 32`},
			"endpoint from env": {fmt.Sprintf("provider \"servicerequest\" {\n  token = %q\n}\n", testToken), `case_id = "CS-DONE"`,
				map[string]string{"HW_OSM_ENDPOINT": "ftp://x"}, `(?s)HW_OSM_ENDPOINT environment variable.*absolute URL`},
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: factoriesWithEnv(tc.env),
					Steps: []resource.TestStep{{
						Config:      tc.provider + "\ndata \"servicerequest_case_status\" \"t\" {\n  " + tc.data + "\n}\n",
						ExpectError: errRe(tc.want),
					}},
				})
			})
		}
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("invalid configuration must stop before any request; the fake saw %d", n)
	}
}

func TestCaseStatusDataSource_errors(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	for name, tc := range map[string]struct {
		resp fakeosm.Response
		want string
	}{
		"case does not exist (HTTP 200)": {fakeosm.Response{Body: `{"error_code":"OSM.01010015","error_msg":"This case does not exist"}`},
			`(?s)Service ticket not found.*HTTP 200, error_code OSM.01010015, error_msg "This case does not exist"`},
		"other 200 error": {fakeosm.Response{Body: `{"error_code":"OSM.01010014","error_msg":"operation failed"}`},
			`(?s)Service Ticket API returned an error.*OSM.01010014.*operation failed`},
		"401": {fakeosm.Response{HTTPStatus: 401, Body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`},
			`(?s)rejected the credentials.*HTTP 401.*APIGW.0301.*missing, expired or invalid.*HW_AUTH_TOKEN`},
		"OSM.0002": {fakeosm.Response{HTTPStatus: 401, Body: `{"error_code":"OSM.0002","error_msg":"token expired"}`},
			`(?s)rejected the credentials.*OSM.0002.*token expired.*X-Subject-Token`},
		"403": {fakeosm.Response{HTTPStatus: 403, Body: `{"error_code":"OSM.0003","error_msg":"forbidden"}`},
			`(?s)forbidden.*HTTP 403.*OSM.0003.*permission`},
		"404": {fakeosm.Response{HTTPStatus: 404, Body: `{"error_code":"APIGW.0101","error_msg":"The API does not exist"}`},
			`(?s)API not found at the endpoint.*HTTP 404.*APIGW.0101.*endpoint`},
		"429": {fakeosm.Response{HTTPStatus: 429, Body: `{"error_code":"APIGW.0308","error_msg":"throttled"}`},
			`(?s)throttled the request.*HTTP 429.*APIGW.0308`},
		"500": {fakeosm.Response{HTTPStatus: 500, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`},
			`(?s)server error.*HTTP 500.*OSM.0004.*internal error.*request id fake-`},
		"503 html": {fakeosm.Response{HTTPStatus: 503, Body: `<html>down</html>`, Header: map[string]string{"Content-Type": "text/html"}},
			`(?s)server error.*HTTP 503.*down`},
		"no status":           {fakeosm.Response{Body: `{}`}, `(?s)Unexpected response.*no status`},
		"status out of range": {fakeosm.Response{Body: `{"status":42}`}, `(?s)Unexpected response.*status 42 is outside`},
		"not JSON": {fakeosm.Response{Body: `<html>login page</html>`, Header: map[string]string{"Content-Type": "text/html"}},
			`(?s)Unexpected response.*not JSON.*text/html.*login page`},
		"body over 1 MiB": {fakeosm.Response{Body: `{"status":1,"x":"` + strings.Repeat("a", osm.MaxBodyBytes) + `"}`},
			`(?s)Unexpected response.*larger than 1048576 bytes`},
	} {
		t.Run(name, func(t *testing.T) {
			id := "CS-ERR-" + strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(name)
			f.SetResponses(id, tc.resp)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url) + fmt.Sprintf("data \"servicerequest_case_status\" \"t\" {\n  case_id = %q\n}\n", id),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
	t.Run("wrong token", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  token = \"not-the-token\"\n}\n", url) +
					"data \"servicerequest_case_status\" \"t\" {\n  case_id = \"CS-DONE\"\n}\n",
				ExpectError: errRe(`(?s)rejected the credentials.*APIGW.0301`),
			}},
		})
	})
	t.Run("connection refused", func(t *testing.T) {
		dead := httptestDeadURL(t)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories,
			Steps: []resource.TestStep{{
				Config:      providerBlock(dead) + "data \"servicerequest_case_status\" \"t\" {\n  case_id = \"CS-DONE\"\n}\n",
				ExpectError: errRe(`(?s)Cannot reach the Service Ticket API.*` + regexp.QuoteMeta(strings.TrimPrefix(dead, "http://")) + `.*refused`),
			}},
		})
	})
}

func TestCaseStatusDataSource_postconditionGatesPlan(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	gate := func(id string) string {
		return providerBlock(url) + fmt.Sprintf(`
data "servicerequest_case_status" "gate" {
  case_id = %q

  lifecycle {
    postcondition {
      condition     = self.closed
      error_message = "Ticket ${self.case_id} is ${self.status_name}; wait until it is closed."
    }
  }
}
`, id)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: gate("CS-PROCESSING"), ExpectError: errRe(`(?s)Ticket CS-PROCESSING is Processing; wait until\s+it\s+is\s+closed`)},
			{Config: gate("CS-DONE"), ConfigStateChecks: expectStatus("data.servicerequest_case_status.gate", 3, "Completed", true)},
		},
	})
}

func TestCaseStatusDataSource_oddCaseIDsStayOneSegment(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	ids := []string{"a/b", "../../x", "q?x=1", "h#f", "100%", "sp ace", "工单-1"}
	var cfg strings.Builder
	cfg.WriteString(providerBlock(url))
	var checks []statecheck.StateCheck
	for i, id := range ids {
		f.SetStatus(id, 1)
		fmt.Fprintf(&cfg, "data \"servicerequest_case_status\" \"t%d\" {\n  case_id = %q\n}\n", i, id)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.servicerequest_case_status.t%d", i),
			tfjsonpath.New("id"), knownvalue.StringExact(id)))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: checks}},
	})
	for _, r := range f.Requests() {
		if !r.Matched {
			t.Fatalf("request path %q is not a single-segment status path", r.Path)
		}
	}
	for _, id := range ids {
		if f.RequestCount(id) == 0 {
			t.Fatalf("no request reached the fake for %q", id)
		}
	}
}

// TestAccCaseStatusDataSource_live reads a real ticket. It runs only with
// TF_ACC=1, HW_AUTH_TOKEN and SERVICEREQUEST_TEST_CASE_ID set.
func TestAccCaseStatusDataSource_live(t *testing.T) {
	id := getenvOrSkip(t, "SERVICEREQUEST_TEST_CASE_ID")
	getenvOrSkip(t, "HW_AUTH_TOKEN")
	resource.Test(t, resource.TestCase{
		// The real environment: the token comes from HW_AUTH_TOKEN.
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"servicerequest": providerserver.NewProtocol6WithError(provider.New("test")()),
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("data \"servicerequest_case_status\" \"live\" {\n  case_id = %q\n}\n", id),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.servicerequest_case_status.live", tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue("data.servicerequest_case_status.live", tfjsonpath.New("status"),
					knownvalue.Int64Func(func(v int64) error {
						if v < osm.MinStatus || v > osm.MaxStatus {
							return fmt.Errorf("status %d outside 0..20", v)
						}
						return nil
					})),
			},
		}},
	})
}

func TestCaseStatusDataSource_unknownProviderConfiguration(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "token" {
  input = "from-a-resource"
}

provider "servicerequest" {
  endpoint = %q
  token    = terraform_data.token.output
}

data "servicerequest_case_status" "t" {
  case_id = "CS-DONE"
}
`, url),
			ExpectError: errRe(`Unknown token value.*only known after apply`),
		}},
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("the fake saw %d requests", n)
	}
}
