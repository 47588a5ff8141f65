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

func TestProvider_retriesTransientFailuresThenReads(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetStatus("CS-RETRY", 3)
	reads := readsIn(t, f, "CS-RETRY", providerBlock(url)+readCase("t", "CS-RETRY"))
	for name, tc := range map[string]struct {
		extra  []string
		faults []fakeosm.Response
	}{
		"5xx burst": {nil, []fakeosm.Response{{HTTPStatus: 503}, {HTTPStatus: 502}, {HTTPStatus: 500}, {HTTPStatus: 504}}},
		"429 with Retry-After capped by retry_max_delay": {
			[]string{`retry_min_delay = "100ms"`, `retry_max_delay = "150ms"`},
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

func TestProvider_exhaustedRetriesReportTheLastAnswer(t *testing.T) {
	t.Parallel()
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
			t.Parallel()
			env := map[string]string{}
			if tc.env != "" {
				env["HW_MAX_RETRIES"] = tc.env
			}
			id := "CS-EXHAUST-" + strings.NewReplacer(" ", "-", "=", "", ":", "").Replace(name)
			f.SetResponses(id, tc.resp)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
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

func TestProvider_invalidTransportSettings(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The subtests run in parallel; the group ends when they all have.
	t.Run("group", func(t *testing.T) {
		for name, tc := range map[string]struct {
			extra string
			env   map[string]string
			want  string
		}{
			"max_retries too high":    {`max_retries = 21`, nil, `(?s)max_retries.*between 0 and 20`},
			"max_retries negative":    {`max_retries = -1`, nil, `(?s)max_retries.*between 0 and 20`},
			"HW_MAX_RETRIES not int":  {``, map[string]string{"HW_MAX_RETRIES": "many"}, `(?s)HW_MAX_RETRIES environment variable, used for max_retries, is not a whole number.*\(got "many"\)\. Expected a whole number from 0 to 20`},
			"HW_MAX_RETRIES too high": {``, map[string]string{"HW_MAX_RETRIES": "99"}, `(?s)HW_MAX_RETRIES environment variable.*0 to 20`},
			"retry_min_delay not a duration": {`retry_min_delay = "fast"`, nil,
				`(?s)Invalid retry_min_delay value.*not a duration.*"500ms"`},
			"retry_max_delay negative":  {`retry_max_delay = "-1s"`, nil, `(?s)retry_max_delay.*out of range`},
			"retry_max_delay too long":  {`retry_max_delay = "2h"`, nil, `(?s)retry_max_delay.*out of range`},
			"retry_min_delay 0s":        {`retry_min_delay = "0s"`, nil, `(?s)retry_min_delay, 0s, is out of range.*from 100ms to 1h`},
			"min over max":              {"retry_min_delay = \"2s\"\n  retry_max_delay = \"1s\"", nil, `(?s)retry_min_delay \(2s\) is longer than retry_max_delay \(1s\)`},
			"request_timeout zero":      {`request_timeout = "0s"`, nil, `(?s)request_timeout.*out of range.*10ms`},
			"request_timeout no unit":   {`request_timeout = "30"`, nil, `(?s)request_timeout, "30", is not a duration`},
			"ca_cert_pem garbage":       {`ca_cert_pem = "hello"`, nil, `(?s)Invalid ca_cert_pem value.*contains no PEM certificate`},
			"ca_cert_file missing":      {fmt.Sprintf(`ca_cert_file = %q`, filepath.Join(dir, "missing.pem")), nil, `(?s)Cannot read ca_cert_file.*missing.pem.*no such file`},
			"ca_cert_file not PEM":      {fmt.Sprintf(`ca_cert_file = %q`, notPEM), nil, `(?s)Invalid ca_cert_file value.*not.pem.*no PEM certificate`},
			"both CA attributes":        {fmt.Sprintf("ca_cert_file = %q\n  ca_cert_pem = \"x\"", notPEM), nil, `(?s)Invalid Attribute Combination`},
			"HW_INSECURE not a boolean": {``, map[string]string{"HW_INSECURE": "maybe"}, `(?s)HW_INSECURE environment variable, used for insecure, is not a boolean \(got "maybe"\)\. Expected "true" or "false"`},
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: factoriesWithEnv(tc.env),
					Steps: []resource.TestStep{{
						Config:      providerBlock(url, tc.extra) + readCase("t", "CS-DONE"),
						ExpectError: errRe(tc.want),
					}},
				})
			})
		}
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("invalid settings must stop before any request; the fake saw %d", n)
	}
}

// tlsFake serves the fake over TLS with httptest's certificate.
func tlsFake(t *testing.T) (*fakeosm.Server, *httptest.Server, string) {
	t.Helper()
	f := fakeosm.New(testToken)
	f.SetStatus("CS-DONE", 3)
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return f, srv, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

func TestProvider_tls(t *testing.T) {
	t.Parallel()
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
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{"HW_INSECURE": "true"}),
			Steps: []resource.TestStep{{
				Config:            providerBlock(srv.URL) + readCase("t", "CS-DONE"),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.t", 3, "Completed", true),
			}},
		})
	})
	t.Run("insecure = false wins over HW_INSECURE", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{"HW_INSECURE": "true"}),
			Steps: []resource.TestStep{{
				Config:      providerBlock(srv.URL, "insecure = false") + readCase("t", "CS-DONE"),
				ExpectError: errRe(`(?s)Cannot reach the Service Ticket API.*certificate`),
			}},
		})
	})
}

// TestProvider_refusesPlainHTTPToARemoteEndpoint: every request carries
// the credentials, so http:// is accepted only for a loopback address, and
// the refusal comes before any connection (192.0.2.2 is TEST-NET-1: nothing
// is sent off the machine). An environment value is refused the same way.
func TestProvider_refusesPlainHTTPToARemoteEndpoint(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		block string
		env   map[string]string
		want  string
	}{
		"attribute": {fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = \"http://192.0.2.2:8080\"\n  token = %q\n}\n", testToken), nil,
			`(?s)Invalid endpoint value.*must start with "https://".*cleartext.*loopback`},
		"HW_OSM_ENDPOINT": {fmt.Sprintf("provider \"servicerequest\" {\n  token = %q\n}\n", testToken),
			map[string]string{"HW_OSM_ENDPOINT": "http://192.0.2.2:8080/osm"},
			`(?s)HW_OSM_ENDPOINT environment variable, used for endpoint, must start with "https://".*\(got "http://192.0.2.2:8080/osm"\)`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(tc.env),
				Steps: []resource.TestStep{{
					Config:      tc.block + readCase("t", "CS-DONE"),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
}

// TestProvider_sharesOneKeepAliveClient: reads of one configured
// provider reuse connections; a data source that depends on another reads
// after it, on the same connection.
func TestProvider_sharesOneKeepAliveClient(t *testing.T) {
	t.Parallel()
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

// TestExample_reliabilityGuide runs the guide's example against the
// fake: its settings are valid and a throttled first answer is retried.
func TestExample_reliabilityGuide(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetStatus("CS20261130000001", 3)
	f.SetResponses("CS20261130000001",
		fakeosm.Response{HTTPStatus: 429, Header: map[string]string{"Retry-After": "0"}}, fakeosm.Response{Body: `{"status":3}`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeFromEnv(url),
		Steps: []resource.TestStep{{
			Config:            readExample(t, "guides/reliability/main.tf"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.change", 3, "Completed", true),
		}},
	})
	if reqs := f.Requests(); len(reqs) < 2 || reqs[0].CaseID != "CS20261130000001" {
		t.Fatalf("the fake saw %d requests", len(reqs))
	}
}
