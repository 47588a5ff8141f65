package provider_test

import (
	"fmt"
	"regexp"
	"slices"
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

// searchFake holds a few distinct tickets, each created an hour after the
// one before (F-1 at 10:00 GMT+8), for the filter tests.
func searchFake(t *testing.T) (*fakeosm.Server, string) {
	f, url := emptyFake(t)
	tickets := []fakeosm.Ticket{
		{ID: "F-1", Status: 1, Description: "ECS disk full", Labels: []fakeosm.Label{{ID: 1, Name: "prod"}}, SubUserID: "u-1", SubUserName: "alice"},
		{ID: "F-2", Status: 17, Description: "ECS network slow", Labels: []fakeosm.Label{{ID: 2, Name: "test"}}, SubUserID: "u-2", SubUserName: "bob"},
		{ID: "F-3", Status: 3, Description: "RDS backup failed", Labels: []fakeosm.Label{{ID: 1, Name: "prod"}, {ID: 3, Name: "db"}}, SubUserID: "u-1", SubUserName: "alice"},
		{ID: "F-4", Status: 17, Description: "OBS bucket policy", SubUserID: "u-3", SubUserName: "carol"},
		{ID: "F-5", Status: 1, Description: "ECS disk slow", GroupID: "grp-9", SubUserID: "u-9", SubUserName: "dave"},
	}
	for i, tk := range tickets {
		tk.Created = created10GMT8.Add(time.Duration(i) * time.Hour)
		f.SetTicket(tk)
	}
	return f, url
}

// emptyFake is newFake without its status-only tickets.
func emptyFake(t *testing.T) (*fakeosm.Server, string) {
	f, url := newFake(t)
	for _, id := range []string{"CS-TODO", "CS-PROCESSING", "CS-CONFIRM", "CS-DONE", "CS-CANCELED", "CS-PAUSED", "CS-INVALID", "CS-DELETED", "CS-FEEDBACK", "CS-ODD"} {
		f.DeleteTicket(id)
	}
	return f, url
}

// idsOutput lists the ids a search found, and its counts.
const idsOutput = `
output "ids" {
  value = [for c in data.servicerequest_cases.s.cases : c.id]
}
`

func searchStep(url, filters string, want ...string) resource.TestStep {
	checks := make([]knownvalue.Check, 0, len(want))
	for _, id := range want {
		checks = append(checks, knownvalue.StringExact(id))
	}
	return resource.TestStep{
		Config: caseConfig(url, "data \"servicerequest_cases\" \"s\" {\n  "+filters+"\n}\n"+idsOutput),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("ids", knownvalue.ListExact(checks)),
			statecheck.ExpectKnownValue("data.servicerequest_cases.s", tfjsonpath.New("total_count"), knownvalue.Int64Exact(int64(len(want)))),
			statecheck.ExpectKnownValue("data.servicerequest_cases.s", tfjsonpath.New("truncated"), knownvalue.Bool(false)),
		},
	}
}

// TestCasesDataSource_eachFilter runs every filter alone, then combined;
// the fake filters as the service documents, so the ids prove what was sent.
func TestCasesDataSource_eachFilter(t *testing.T) {
	t.Parallel()
	f, url := searchFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			searchStep(url, ``, "F-4", "F-3", "F-2", "F-1"), // newest first; another member's F-5 not without group_id
			searchStep(url, `statuses = [17]`, "F-4", "F-2"),
			searchStep(url, `statuses = [1, 3]`, "F-3", "F-1"), // two searches, merged newest first
			searchStep(url, `search = ["ECS"]`, "F-2", "F-1"),
			searchStep(url, `search = ["ecs", "disk"]`, "F-1"),
			searchStep(url, `case_id = "F-3"`, "F-3"),
			searchStep(url, `label_ids = [1]`, "F-3", "F-1"),
			searchStep(url, `label_ids = [2, 3]`, "F-3", "F-2"),
			searchStep(url, `created_after = "2026-11-30T03:00:00Z"`, "F-4", "F-3", "F-2"),
			searchStep(url, `created_before = "2026-11-30T11:00:00+08:00"`, "F-2", "F-1"),
			searchStep(url, `created_after = "2026-11-30T02:30:00Z"`+"\n  created_before = \"2026-11-30T04:00:00Z\"\n  time_zone = \"GMT-3:30\"", "F-3", "F-2"),
			searchStep(url, `group_id = "grp-9"`, "F-5"),
			searchStep(url, `sub_user_id = "u-1"`, "F-3", "F-1"),
			searchStep(url, `sub_user_name = "bob"`, "F-2"),
			// Combined: every filter applies.
			searchStep(url, `statuses = [1, 3, 17]`+"\n  search = [\"ECS\"]\n  label_ids = [1]\n  sub_user_name = \"alice\"\n  created_after = \"2026-11-30T01:00:00Z\"", "F-1"),
			searchStep(url, `statuses = [0]`),
		},
	})
	// The creation window went out in the request's zone, in the
	// service's format.
	var windows []string
	for _, r := range f.Requests() {
		if r.Call == fakeosm.CallSearch && r.Header.Get("X-Time-Zone") == "GMT-3:30" {
			windows = append(windows, r.Query.Get("query_start_time")+" / "+r.Query.Get("query_end_time"))
		}
	}
	if len(windows) == 0 || windows[0] != "2026-11-29 23:00:00 / 2026-11-30 00:30:00" {
		t.Errorf("windows sent %v", windows)
	}
}

func TestCasesDataSource_everyAttribute(t *testing.T) {
	t.Parallel()
	f, url := searchFake(t)
	f.SetTicket(fullTicket("F-FULL"))
	c := tfjsonpath.New("cases").AtSliceIndex(0)
	addr := "data.servicerequest_cases.s"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: caseConfig(url, `
data "servicerequest_cases" "s" {
  case_id = "F-FULL"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, c, knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": knownvalue.StringExact("F-FULL"), "status": knownvalue.Int64Exact(1),
					"status_name": knownvalue.StringExact("Processing"), "closed": knownvalue.Bool(false),
					"description": knownvalue.StringExact("ECS i-123 cannot boot"), "type_name": knownvalue.StringExact("Technical issue"),
					"business_type_name": knownvalue.StringExact("ECS"), "product_category": knownvalue.StringExact("Compute"),
					"service_type": knownvalue.StringExact("Fault"), "root_cause": knownvalue.StringExact("Huawei Cloud"),
					"resolution": knownvalue.StringExact("Rebooted the host"), "customer_id": knownvalue.StringExact("acct-1"),
					"sub_user_id": knownvalue.StringExact("u-1"), "sub_user_name": knownvalue.StringExact("alice"),
					"region_name": knownvalue.StringExact("CN South-Guangzhou"),
					"created_at":  knownvalue.StringExact("2026-11-30T10:00:00+08:00"), "created_at_raw": knownvalue.StringExact(""),
					"confirmed_at": knownvalue.StringExact("2026-11-30T12:00:00+08:00"), "confirmed_at_raw": knownvalue.StringExact(""),
					"labels": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.Int64Exact(7), "name": knownvalue.StringExact("prod"), "color": knownvalue.StringExact("red"),
					})}),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncated"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts"), knownvalue.MapExact(map[string]knownvalue.Check{
					"To be processed": knownvalue.Int64Exact(0), "Processing": knownvalue.Int64Exact(1), "To be confirmed": knownvalue.Int64Exact(0),
					"Completed": knownvalue.Int64Exact(0), "Canceled": knownvalue.Int64Exact(0), "Paused": knownvalue.Int64Exact(0),
					"Invalid": knownvalue.Int64Exact(0), "Deleted": knownvalue.Int64Exact(0), "Pending feedback": knownvalue.Int64Exact(0),
					"Unknown": knownvalue.Int64Exact(0),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
			},
		}},
	})
}

// manySearchTickets stores n tickets P-0000.., statuses cycling 1, 17, 3, 0.
func manySearchTickets(f *fakeosm.Server, n int) {
	for i := range n {
		f.SetTicket(fakeosm.Ticket{ID: fmt.Sprintf("P-%04d", i), Status: []int{1, 17, 3, 0}[i%4],
			Description: "paged", Created: created10GMT8.Add(time.Duration(i) * time.Second)})
	}
}

// pagesSeen returns the offset/limit of every search request, sorted.
func pagesSeen(f *fakeosm.Server) []string {
	var out []string
	for _, r := range f.Requests() {
		if r.Call == fakeosm.CallSearch {
			out = append(out, r.Query.Get("status")+":"+r.Query.Get("offset")+"/"+r.Query.Get("limit"))
		}
	}
	slices.Sort(out)
	return out
}

func TestCasesDataSource_pagingAndTruncation(t *testing.T) {
	t.Parallel()
	f, url := emptyFake(t)
	manySearchTickets(f, 350)
	addr := "data.servicerequest_cases.s"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				// Four pages, all 350 tickets, each once, newest first.
				PreConfig: f.Reset,
				Config:    caseConfig(url, "data \"servicerequest_cases\" \"s\" {\n  search = [\"paged\"]\n}\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases"), knownvalue.ListSizeExact(350)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact("P-0349")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases").AtSliceIndex(349).AtMapKey("id"), knownvalue.StringExact("P-0000")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(350)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncated"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts").AtMapKey("Processing"), knownvalue.Int64Exact(88)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts").AtMapKey("To be processed"), knownvalue.Int64Exact(87)),
				},
				Check: expectPages(f, ":0/100", ":100/100", ":200/100", ":300/50"),
			},
			{
				// max_results cuts: 150 of 350, two pages, the second short.
				PreConfig: f.Reset,
				Config:    caseConfig(url, "data \"servicerequest_cases\" \"s\" {\n  max_results = 150\n}\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases"), knownvalue.ListSizeExact(150)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(350)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncated"), knownvalue.Bool(true)),
				},
				Check: expectPages(f, ":0/100", ":100/50"),
			},
			{
				// Several statuses: one paged search each, merged, cut to max_results.
				PreConfig: f.Reset,
				Config:    caseConfig(url, "data \"servicerequest_cases\" \"s\" {\n  statuses = [1, 17]\n  max_results = 120\n}\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases"), knownvalue.ListSizeExact(120)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(176)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncated"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact("P-0349")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases").AtSliceIndex(1).AtMapKey("id"), knownvalue.StringExact("P-0348")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts").AtMapKey("Completed"), knownvalue.Int64Exact(0)),
				},
				Check: expectPages(f, "1:0/100", "17:0/100"), // 88 tickets each: one page
			},
			{
				// max_results exactly the number of matches: not truncated.
				PreConfig: f.Reset,
				Config:    caseConfig(url, "data \"servicerequest_cases\" \"s\" {\n  max_results = 350\n}\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncated"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cases"), knownvalue.ListSizeExact(350)),
				},
			},
		},
	})
}

// expectPages checks the pages of the last read: every read of the step
// (plan, refresh) asks for the same pages, so the set repeats.
func expectPages(f *fakeosm.Server, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := pagesSeen(f)
		w := slices.Clone(want)
		slices.Sort(w)
		if len(got) == 0 || len(got)%len(w) != 0 {
			return fmt.Errorf("pages %v, want repetitions of %v", got, w)
		}
		seen := slices.Compact(slices.Clone(got))
		if strings.Join(seen, " ") != strings.Join(w, " ") {
			return fmt.Errorf("pages %v, want %v", seen, w)
		}
		for _, r := range f.Requests() {
			if r.Call == fakeosm.CallSearch && r.Query.Has("incident_status") {
				return fmt.Errorf("incident_status sent")
			}
		}
		return nil
	}
}

func TestCasesDataSource_errorsAndValidation(t *testing.T) {
	t.Parallel()
	f, url := searchFake(t)
	search := func(body string) string {
		return caseConfig(url, "data \"servicerequest_cases\" \"s\" {\n  "+body+"\n}\n")
	}
	steps := []resource.TestStep{
		{PreConfig: func() {
			f.SetResponses(fakeosm.SearchKey, fakeosm.Response{Body: `{"error_code":"OSM.01010011","error_msg":"Can't get customer info from token"}`})
		}, Config: search(""), ExpectError: errRe(`Service Ticket API returned an error.*Searching the service tickets failed.*OSM.01010011`)},
		{PreConfig: func() {
			f.SetResponses(fakeosm.SearchKey, fakeosm.Response{HTTPStatus: 401, Body: `{"error_code":"APIGW.0301","error_msg":"bad token"}`})
		}, Config: search(""), ExpectError: errRe(`Service Ticket API rejected the credentials.*HTTP 401`)},
		{PreConfig: func() {
			f.SetResponses(fakeosm.SearchKey, fakeosm.Response{HTTPStatus: 502, Body: `bad gateway`})
		}, Config: search(""), ExpectError: errRe(`Service Ticket API server error.*HTTP 502`)},
		{PreConfig: func() {
			f.SetResponses(fakeosm.SearchKey, fakeosm.Response{Body: `{"total_count":1,"incident_info_list":[{"incident_id":"X"}]}`})
		}, Config: search(""), ExpectError: errRe(`Unexpected response.*has no status`)},
		{PreConfig: func() { f.SetResponses(fakeosm.SearchKey) },
			Config: search(`search = ["a", "b", "c", "d"]`), ExpectError: errRe(`Invalid Attribute Value.*search.*at most 3`)},
		{Config: search(`search = ["` + strings.Repeat("x", 65) + `"]`), ExpectError: errRe(`Invalid search\[0\] value.*at most 64 characters`)},
		{Config: search(`label_ids = [1, 2, 3, 4, 5, 6]`), ExpectError: errRe(`label_ids.*at most 5`)},
		{Config: search(`statuses = [21]`), ExpectError: errRe(`statuses.*between 0 and 20`)},
		{Config: search(`max_results = 0`), ExpectError: errRe(`max_results.*between 1 and 10000`)},
		{Config: search(`created_after = "2026-11-30 10:00:00"`), ExpectError: errRe(`Invalid created_after value.*not an RFC 3339 time`)},
		{Config: search(`created_after = "2026-11-30T10:00:00Z"` + "\n  created_before = \"2026-11-30T09:00:00Z\""),
			ExpectError: errRe(`Invalid creation window.*created_before.*is before created_after`)},
		{Config: search(`created_after = "2026-11-30T10:00:00Z"` + "\n  time_zone = \"Mars/Olympus\""),
			ExpectError: errRe(`Invalid request.*time zone.*Mars/Olympus`)},
	}
	for i := range steps {
		steps[i].PlanOnly = true
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories, Steps: steps})
}

func TestCasesDataSource_unparseableTimeKeptRaw(t *testing.T) {
	t.Parallel()
	f, url := emptyFake(t)
	tk := fullTicket("F-RAW")
	tk.RawTimes = map[string]string{"create_time": `"yesterday"`, "confirmed_time": `12345678901234567890`}
	f.SetTicket(tk)
	c := tfjsonpath.New("cases").AtSliceIndex(0)
	addr := "data.servicerequest_cases.s"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: caseConfig(url, "data \"servicerequest_cases\" \"s\" {}\n"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, c.AtMapKey("created_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, c.AtMapKey("created_at_raw"), knownvalue.StringExact("yesterday")),
				statecheck.ExpectKnownValue(addr, c.AtMapKey("confirmed_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, c.AtMapKey("confirmed_at_raw"), knownvalue.StringExact("12345678901234567890")),
				statecheck.ExpectKnownValue(addr, c.AtMapKey("id"), knownvalue.StringExact("F-RAW")),
			},
		}},
	})
}
