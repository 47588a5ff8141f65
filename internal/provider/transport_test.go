package provider_test

import (
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// Fault injection through real Terraform: the provider's retry, timeout
// and TLS settings reach the client, and the diagnostics say what happened.

// Every successful UnitTest step below reads the data source several times
// (plan, apply, refresh ...); the faults are queued before the first read
// and the ticket then answers normally, so the count is the faults plus the
// number of reads.
func readsIn(t *testing.T, f *fakeosm.Server, id, config string) int {
	t.Helper()
	f.SetResponses(id)
	before := f.RequestCount(id)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps:                    []resource.TestStep{{Config: config}},
	})
	return f.RequestCount(id) - before
}

func TestAccProvider_retriesTransientFailuresThenReads(t *testing.T) {
	f, url := newFake(t)
	f.SetStatus("CS-RETRY", 3)
	reads := readsIn(t, f, "CS-RETRY", providerBlock(url)+readCase("t", "CS-RETRY"))
	for name, tc := range map[string]struct {
		extra  []string
		faults []fakeosm.Response
	}{
		"5xx burst": {nil, []fakeosm.Response{{HTTPStatus: 503}, {HTTPStatus: 502}, {HTTPStatus: 500}, {HTTPStatus: 504}}},
		"429 with Retry-After capped by retry_max_delay": {
			[]string{`retry_min_delay = "1ms"`, `retry_max_delay = "10ms"`},
			[]fakeosm.Response{{HTTPStatus: 429, Header: map[string]string{"Retry-After": "3600"}}}},
		"connection reset": {nil, []fakeosm.Response{{Fault: fakeosm.FaultReset}}},
		"hanging server":   {[]string{`request_timeout = "100ms"`}, []fakeosm.Response{{Fault: fakeosm.FaultHang}}},
		"truncated body":   {nil, []fakeosm.Response{{Fault: fakeosm.FaultTruncate, Body: `{"status":3}`}}},
	} {
		t.Run(name, func(t *testing.T) {
			f.SetResponses("CS-RETRY", append(tc.faults, fakeosm.Response{Body: `{"status":3}`})...)
			before := f.RequestCount("CS-RETRY")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:            providerBlock(url, tc.extra...) + readCase("t", "CS-RETRY"),
					ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
				}},
			})
			if got, want := f.RequestCount("CS-RETRY")-before, len(tc.faults)+reads; got != want {
				t.Fatalf("the fake saw %d requests, want %d faults + %d reads", got, len(tc.faults), reads)
			}
		})
	}
}

func TestAccProvider_exhaustedRetriesReportTheLastAnswer(t *testing.T) {
	f, url := newFake(t)
	for name, tc := range map[string]struct {
		extra    string
		env      string
		resp     fakeosm.Response
		attempts int
		want     string
	}{
		"max_retries = 2": {`max_retries = 2`, "", fakeosm.Response{HTTPStatus: 502, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`}, 3,
			`(?s)Service Ticket API server error.*HTTP 502, error_code OSM.0004, error_msg "internal error" \(request id fake-\d+\) after 3 attempts.*All 3 attempts failed.*max_retries`},
		"default max_retries": {``, "", fakeosm.Response{HTTPStatus: 503}, 5, `(?s)HTTP 503.*after 5 attempts`},
		"HW_MAX_RETRIES":      {``, "1", fakeosm.Response{HTTPStatus: 500}, 2, `(?s)HTTP 500.*after 2 attempts`},
		"attribute wins over HW_MAX_RETRIES": {`max_retries = 0`, "3", fakeosm.Response{HTTPStatus: 500}, 1,
			`(?s)Service Ticket API server error.*HTTP 500 \(request id fake-\d+\)\.`},
		"hanging server": {`request_timeout = "50ms"` + "\n  max_retries = 1", "", fakeosm.Response{Fault: fakeosm.FaultHang}, 2,
			`(?s)Cannot reach the Service Ticket API.*no complete answer within 50ms.*after 2 attempts.*raise request_timeout`},
		"not retried: 200 with error_code": {``, "", fakeosm.Response{Body: `{"error_code":"OSM.01010014","error_msg":"operation failed"}`}, 1,
			`(?s)Service Ticket API returned an error.*OSM.01010014`},
		"not retried: 501": {``, "", fakeosm.Response{HTTPStatus: 501}, 1, `(?s)HTTP 501`},
		"not retried: body over 1 MiB": {``, "", fakeosm.Response{Body: `{"status":1,"x":"` + strings.Repeat("a", 1<<20) + `"}`}, 1,
			`(?s)larger than 1048576 bytes`},
		"not retried: invalid UTF-8": {``, "", fakeosm.Response{Body: "\xff\xfe"}, 1, `(?s)Unexpected response.*not JSON`},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("HW_MAX_RETRIES", tc.env)
			}
			id := "CS-EXHAUST-" + strings.NewReplacer(" ", "-", "=", "", ":", "").Replace(name)
			f.SetResponses(id, tc.resp)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url, tc.extra) + readCase("t", id),
					ExpectError: errRe(tc.want),
				}},
			})
			if got := f.RequestCount(id); got != tc.attempts {
				t.Fatalf("the fake saw %d requests, want %d", got, tc.attempts)
			}
		})
	}
}

func TestAccProvider_invalidTransportSettings(t *testing.T) {
	f, url := newFake(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		extra string
		env   map[string]string
		want  string
	}{
		"max_retries too high":    {`max_retries = 21`, nil, `(?s)max_retries.*between 0 and 20`},
		"max_retries negative":    {`max_retries = -1`, nil, `(?s)max_retries.*between 0 and 20`},
		"HW_MAX_RETRIES not int":  {``, map[string]string{"HW_MAX_RETRIES": "many"}, `(?s)HW_MAX_RETRIES environment variable, used for max_retries, must be a whole number from 0 to 20, got "many"`},
		"HW_MAX_RETRIES too high": {``, map[string]string{"HW_MAX_RETRIES": "99"}, `(?s)HW_MAX_RETRIES environment variable.*0 to 20`},
		"retry_min_delay not a duration": {`retry_min_delay = "fast"`, nil,
			`(?s)Invalid retry_min_delay value.*not a duration.*"500ms"`},
		"retry_max_delay negative":  {`retry_max_delay = "-1s"`, nil, `(?s)retry_max_delay.*out of range`},
		"retry_max_delay too long":  {`retry_max_delay = "2h"`, nil, `(?s)retry_max_delay.*out of range`},
		"min over max":              {"retry_min_delay = \"2s\"\n  retry_max_delay = \"1s\"", nil, `(?s)retry_min_delay \(2s\) is longer than retry_max_delay \(1s\)`},
		"request_timeout zero":      {`request_timeout = "0s"`, nil, `(?s)request_timeout.*out of range.*10ms`},
		"request_timeout no unit":   {`request_timeout = "30"`, nil, `(?s)request_timeout is not a duration`},
		"ca_cert_pem garbage":       {`ca_cert_pem = "hello"`, nil, `(?s)Invalid ca_cert_pem value.*contains no PEM certificate`},
		"ca_cert_file missing":      {fmt.Sprintf(`ca_cert_file = %q`, filepath.Join(dir, "missing.pem")), nil, `(?s)Cannot read ca_cert_file.*missing.pem.*no such file`},
		"ca_cert_file not PEM":      {fmt.Sprintf(`ca_cert_file = %q`, notPEM), nil, `(?s)Invalid ca_cert_file value.*not.pem.*no PEM certificate`},
		"both CA attributes":        {fmt.Sprintf("ca_cert_file = %q\n  ca_cert_pem = \"x\"", notPEM), nil, `(?s)Invalid Attribute Combination`},
		"HW_INSECURE not a boolean": {``, map[string]string{"HW_INSECURE": "maybe"}, `(?s)HW_INSECURE environment variable, used for insecure, must be "true" or "false"`},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url, tc.extra) + readCase("t", "CS-DONE"),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("invalid settings must stop before any request; the fake saw %d", n)
	}
}

// tlsFake serves the fake over TLS with httptest's certificate.
func tlsFake(t *testing.T) (*fakeosm.Server, *httptest.Server, string) {
	t.Helper()
	clearEnv(t)
	f := fakeosm.New(testToken)
	f.SetStatus("CS-DONE", 3)
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return f, srv, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

func TestAccProvider_tls(t *testing.T) {
	f, srv, caPEM := tlsFake(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte(caPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("unknown CA is refused and not retried", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories,
			Steps: []resource.TestStep{{
				Config: providerBlock(srv.URL) + readCase("t", "CS-DONE"),
				ExpectError: errRe(`(?s)Cannot reach the Service Ticket API.*certificate.*` +
					`could not be verified.*set ca_cert_file or ca_cert_pem`),
			}},
		})
		if n := f.RequestCount(""); n != 0 {
			t.Fatalf("a request passed an unverified handshake: %d", n)
		}
	})
	for name, extra := range map[string]string{
		"ca_cert_pem":  fmt.Sprintf("ca_cert_pem = %q", caPEM),
		"ca_cert_file": fmt.Sprintf("ca_cert_file = %q", caFile),
		"insecure":     "insecure = true",
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:            providerBlock(srv.URL, extra) + readCase("t", "CS-DONE"),
					ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
				}},
			})
		})
	}
	t.Run("HW_INSECURE", func(t *testing.T) {
		t.Setenv("HW_INSECURE", "true")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories,
			Steps: []resource.TestStep{{
				Config:            providerBlock(srv.URL) + readCase("t", "CS-DONE"),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
			}},
		})
	})
	t.Run("insecure = false wins over HW_INSECURE", func(t *testing.T) {
		t.Setenv("HW_INSECURE", "true")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories,
			Steps: []resource.TestStep{{
				Config:      providerBlock(srv.URL, "insecure = false") + readCase("t", "CS-DONE"),
				ExpectError: errRe(`(?s)Cannot reach the Service Ticket API.*certificate`),
			}},
		})
	})
}

func TestAccProvider_honoursHTTPProxy(t *testing.T) {
	f, url := newFake(t)
	// osm.test is not a loopback name, so the proxy is used; through the
	// proxy no DNS lookup happens. The fake serves proxy requests as is.
	t.Setenv("HTTP_PROXY", url)
	t.Setenv("http_proxy", url)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:            providerBlock("http://osm.test") + readCase("t", "CS-DONE"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
		}},
	})
	reqs := f.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request went through the proxy")
	}
	for _, r := range reqs {
		if r.Host != "osm.test" {
			t.Fatalf("request for host %q, want osm.test through the proxy", r.Host)
		}
	}
}

// TestAccProvider_sharesOneKeepAliveClient: reads of one configured
// provider reuse connections; a data source that depends on another reads
// after it, on the same connection.
func TestAccProvider_sharesOneKeepAliveClient(t *testing.T) {
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "servicerequest_case_status" "first" {
  case_id = "CS-TODO"
}
data "servicerequest_case_status" "second" {
  case_id    = "CS-DONE"
  depends_on = [data.servicerequest_case_status.first]
}
`,
		}},
	})
	reqs := f.Requests()
	pairs := 0
	for i, r := range reqs {
		if r.CaseID != "CS-DONE" {
			continue
		}
		if i == 0 || reqs[i-1].CaseID != "CS-TODO" {
			t.Fatalf("request %d for CS-DONE does not follow one for CS-TODO", i)
		}
		if reqs[i-1].RemoteAddr != r.RemoteAddr {
			t.Fatalf("the second read opened a new connection (%s, then %s)", reqs[i-1].RemoteAddr, r.RemoteAddr)
		}
		pairs++
	}
	if pairs == 0 {
		t.Fatal("no reads")
	}
}

// TestAccExample_reliabilityGuide runs the guide's example against the
// fake: its settings are valid and a throttled first answer is retried.
func TestAccExample_reliabilityGuide(t *testing.T) {
	f, url := newFake(t)
	f.SetStatus("CS20261130000001", 3)
	f.SetResponses("CS20261130000001",
		fakeosm.Response{HTTPStatus: 429, Header: map[string]string{"Retry-After": "0"}}, fakeosm.Response{Body: `{"status":3}`})
	t.Setenv("HW_OSM_ENDPOINT", url)
	t.Setenv("HW_AUTH_TOKEN", testToken)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:            readExample(t, "guides/reliability/main.tf"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.change", 3, "Completed", true),
		}},
	})
	if reqs := f.Requests(); len(reqs) < 2 || reqs[0].CaseID != "CS20261130000001" {
		t.Fatalf("the fake saw %d requests", len(reqs))
	}
}
