package provider_test

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

const statusesAddr = "data.servicerequest_case_statuses.t"

func statusObject(status int64, name string, closed bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"status":      knownvalue.Int64Exact(status),
		"status_name": knownvalue.StringExact(name),
		"closed":      knownvalue.Bool(closed),
	})
}

// countsWith is the expected counts map: every status name at 0 but the given ones.
func countsWith(nonZero map[string]int64) knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for _, name := range []string{"To be processed", "Processing", "To be confirmed", "Completed", "Canceled",
		"Paused", "Invalid", "Deleted", "Pending feedback", "Unknown"} {
		m[name] = knownvalue.Int64Exact(nonZero[name])
	}
	return knownvalue.MapExact(m)
}

func hashOf(ids ...string) string {
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	return fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(sorted, "\n")+"\n")))
}

func statusesConfig(url, body string, providerExtra ...string) string {
	return providerBlock(url, providerExtra...) + "data \"servicerequest_case_statuses\" \"t\" {\n" + body + "\n}\n"
}

func TestCaseStatusesDataSource_readsEveryTicketOnce(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	ids := []string{"CS-TODO", "CS-DONE", "CS-FEEDBACK", "CS-ODD", "CS-CANCELED"}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("statuses"), knownvalue.MapExact(map[string]knownvalue.Check{
			"CS-TODO":     statusObject(0, "To be processed", false),
			"CS-DONE":     statusObject(3, "Completed", true),
			"CS-FEEDBACK": statusObject(17, "Pending feedback", false),
			"CS-ODD":      statusObject(9, "Unknown", false),
			"CS-CANCELED": statusObject(4, "Canceled", true),
		})),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("counts"), countsWith(map[string]int64{
			"To be processed": 1, "Completed": 1, "Pending feedback": 1, "Unknown": 1, "Canceled": 1,
		})),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("all_closed"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("id"), knownvalue.StringExact(hashOf(ids...))),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("missing"), knownvalue.ListExact([]knownvalue.Check{})),
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				// Duplicates are read once and do not change the id.
				Config:            statusesConfig(url, `  case_ids = ["CS-TODO", "CS-DONE", "CS-FEEDBACK", "CS-DONE", "CS-ODD", "CS-CANCELED", "CS-TODO"]`),
				ConfigStateChecks: checks,
				Check: func(*terraform.State) error {
					once := f.RequestCount("CS-FEEDBACK")
					for _, id := range []string{"CS-TODO", "CS-DONE"} {
						if n := f.RequestCount(id); n != once {
							return fmt.Errorf("%s, listed twice, was requested %d times; CS-FEEDBACK, listed once, %d times", id, n, once)
						}
					}
					return nil
				},
			},
			{
				// A set is accepted, in another order: same id.
				Config:            statusesConfig(url, `  case_ids = toset(["CS-CANCELED", "CS-ODD", "CS-FEEDBACK", "CS-DONE", "CS-TODO"])`),
				ConfigStateChecks: checks,
			},
		},
	})
}

func TestCaseStatusesDataSource_allClosed(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: statusesConfig(url, `  case_ids = ["CS-DONE", "CS-CANCELED", "CS-INVALID", "CS-DELETED"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("all_closed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("counts"), countsWith(map[string]int64{
					"Completed": 1, "Canceled": 1, "Invalid": 1, "Deleted": 1,
				})),
			},
		}},
	})
}

func TestCaseStatusesDataSource_oneDiagnosticNamesEveryFailure(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetResponses("X-500", fakeosm.Response{HTTPStatus: 500, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`})
	f.SetResponses("X-403", fakeosm.Response{HTTPStatus: 403, Body: `{"error_code":"OSM.0003","error_msg":"forbidden"}`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: statusesConfig(url, `  case_ids = ["CS-DONE", "X-GONE", "X-500", "CS-TODO", "X-403"]`),
			ExpectError: errRe(`(?s)Cannot read 3 of 5 service tickets.*` +
				`"X-GONE": case not found: HTTP 200, error_code OSM.01010015.*` +
				`"X-500": server error: HTTP 500, error_code OSM.0004.*` +
				`"X-403": forbidden: HTTP 403, error_code OSM.0003.*` +
				`ticket belongs.*temporary.*Set ignore_missing = true`),
		}},
	})
}

func TestCaseStatusesDataSource_capsTheListOfFailures(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: statusesConfig(url, `  case_ids = [for i in range(35) : format("NOPE-%02d", i)]`),
			ExpectError: errRe(`(?s)Service ticket not found \(35 of 35 tickets\).*"NOPE-00".*"NOPE-19".*` +
				`and 15 more failed tickets.*ignore_missing`),
		}},
	})
}

func TestCaseStatusesDataSource_stopsOnRejectedCredentials(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  token = \"wrong\"\n  max_concurrency = 2\n}\n", url) +
				"data \"servicerequest_case_statuses\" \"t\" {\n  case_ids = [for i in range(300) : \"T-${i}\"]\n}\n",
			ExpectError: errRe(`(?s)rejected the credentials.*of 300 tickets.*tickets were not read.*batch stopped.*HW_AUTH_TOKEN`),
		}},
	})
	if n := f.RequestCount(""); n > 2 {
		t.Fatalf("%d requests with a rejected token: the batch must stop at the first answers", n)
	}
}

func TestCaseStatusesDataSource_ignoreMissing(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: statusesConfig(url, "  case_ids = [\"CS-DONE\", \"GONE-2\", \"CS-PROCESSING\", \"GONE-1\"]\n  ignore_missing = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("statuses"), knownvalue.MapExact(map[string]knownvalue.Check{
						"CS-DONE":       statusObject(3, "Completed", true),
						"CS-PROCESSING": statusObject(1, "Processing", false),
					})),
					statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("missing"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("GONE-2"), knownvalue.StringExact("GONE-1"),
					})),
					statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("counts"), countsWith(map[string]int64{"Completed": 1, "Processing": 1})),
					statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("id"),
						knownvalue.StringExact(hashOf("CS-DONE", "GONE-2", "CS-PROCESSING", "GONE-1"))),
				},
			},
			{
				// Nothing left: all_closed must not pass a gate on nothing.
				Config: statusesConfig(url, "  case_ids = [\"GONE-1\"]\n  ignore_missing = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("all_closed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("statuses"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
		},
	})
}

// TestCaseStatusesDataSource_emptyList plans a batch over no tickets, as
// written and as a `for` that filters every ticket out: no request, empty
// statuses and missing, every count 0 and all_closed true (alltrue([])), so
// the gate on it passes.
func TestCaseStatusesDataSource_emptyList(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	empty := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("statuses"), knownvalue.MapExact(map[string]knownvalue.Check{})),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("missing"), knownvalue.ListExact([]knownvalue.Check{})),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("counts"), countsWith(nil)),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("all_closed"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%x", sha256.Sum256(nil)))),
		statecheck.ExpectKnownOutputValue("alltrue", knownvalue.Bool(true)),
	}
	gate := `
  lifecycle {
    postcondition {
      condition     = self.all_closed
      error_message = "open tickets"
    }
  }
`
	out := "output \"alltrue\" {\n  value = alltrue([for t in values(data.servicerequest_case_statuses.t.statuses) : t.closed])\n}\n"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config:            statusesConfig(url, "  case_ids = []"+gate) + out,
				ConfigStateChecks: empty,
			},
			{
				Config: statusesConfig(url, "  case_ids = [for id in [\"CS-DONE\", \"CS-TODO\"] : id if startswith(id, \"NEW-\")]\n"+
					"  ignore_missing = true"+gate) + out,
				ConfigStateChecks: empty,
			},
		},
	})
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("an empty case_ids must send no request; the fake saw %d", n)
	}
}

func TestCaseStatusesDataSource_languageTimeZoneAndConcurrency(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetLatency(5 * time.Millisecond)
	for i := range 40 {
		f.SetStatus(fmt.Sprintf("T-%d", i), 3)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: statusesConfig(url, "  case_ids = [for i in range(40) : \"T-${i}\"]\n  language = \"en-us\"\n  time_zone = \"GMT-3\"",
				"max_concurrency = 3", "max_requests_per_second = 1000"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(statusesAddr, tfjsonpath.New("all_closed"), knownvalue.Bool(true)),
			},
			Check: resource.ComposeTestCheckFunc(
				expectHeaders(f, "T-0", "en-us", "GMT-3"),
				expectHeaders(f, "T-39", "en-us", "GMT-3"),
				func(*terraform.State) error {
					if p := f.PeakInFlight(); p > 3 {
						return fmt.Errorf("peak in flight %d above max_concurrency 3", p)
					}
					return nil
				},
			),
		}},
	})
}

func TestCaseStatusesDataSource_invalidConfiguration(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	for name, tc := range map[string]struct {
		provider []string
		body     string
		want     string
	}{
		"null element":        {nil, `  case_ids = ["CS-DONE", null]`, `(?s)case_ids.*null`},
		"element newline":     {nil, `  case_ids = ["CS-DONE", "a\nb"]`, `(?s)Invalid case_ids\[1\] value.*control characters`},
		"element too long":    {nil, `  case_ids = ["` + strings.Repeat("x", 65) + `"]`, `(?s)case_ids\[0\].*at most 64 characters`},
		"element dot dot":     {nil, `  case_ids = [".."]`, `(?s)case_ids\[0\].*must not be`},
		"over 10000":          {nil, `  case_ids = flatten([for i in range(11) : [for j in range(1000) : "T-${i}-${j}"]])`, `(?s)case_ids.*at most 10000 elements, got: 11000`},
		"language CRLF":       {nil, "  case_ids = [\"CS-DONE\"]\n  language = \"en\\r\\nX: 1\"", `(?s)Invalid language value.*control characters`},
		"max_concurrency 0":   {[]string{"max_concurrency = 0"}, `  case_ids = ["CS-DONE"]`, `(?s)max_concurrency.*between 1 and 256`},
		"max_concurrency big": {[]string{"max_concurrency = 257"}, `  case_ids = ["CS-DONE"]`, `(?s)max_concurrency.*between 1 and 256`},
		"rate zero":           {[]string{"max_requests_per_second = 0"}, `  case_ids = ["CS-DONE"]`, `(?s)Invalid max_requests_per_second value.*greater than 0`},
		"rate negative":       {[]string{"max_requests_per_second = -2.5"}, `  case_ids = ["CS-DONE"]`, `(?s)max_requests_per_second.*greater than 0`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:      statusesConfig(url, tc.body, tc.provider...),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("invalid configuration must stop before any request; the fake saw %d", n)
	}
}

func TestCaseStatusesDataSource_examples(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	for _, id := range []string{"CS20261130000001", "CS20261130000002", "CS20261130000003"} {
		f.SetStatus(id, 3)
	}
	gate := readExample(t, "data-sources/servicerequest_case_statuses/data-source.tf")
	audit := readExample(t, "data-sources/servicerequest_case_statuses/ignore-missing.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { f.SetStatus("CS20261130000002", 1) },
				Config:      providerBlock(url) + gate,
				ExpectError: errRe(`(?s)Release blocked by open tickets: CS20261130000002 \(Processing\)`),
			},
			{
				PreConfig: func() { f.SetStatus("CS20261130000002", 3) },
				Config:    providerBlock(url) + gate + audit,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("release_tickets_by_status",
						knownvalue.MapExact(map[string]knownvalue.Check{"Completed": knownvalue.Int64Exact(3)})),
					statecheck.ExpectKnownValue("data.servicerequest_case_statuses.audit", tfjsonpath.New("missing"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("CS20261130000099")})),
				},
			},
		},
	})
}
