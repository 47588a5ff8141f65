package provider_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// created10GMT8 is 2026-11-30 10:00 in GMT+8: 02:00 UTC.
var created10GMT8 = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)

// fullTicket has every field the detail call answers with.
func fullTicket(id string) fakeosm.Ticket {
	owner := 2
	return fakeosm.Ticket{
		ID: id, Status: 1, Description: "ECS i-123 cannot boot", TypeName: "Technical issue", BusinessTypeName: "ECS",
		SeverityName: "Severity 1", SourceName: "Console", RegionName: "CN South-Guangzhou", CustomerID: "acct-1",
		SubUserID: "u-1", SubUserName: "alice", BusinessOwnership: &owner, Judgement: "quick and clear",
		ProductCategory: "Compute", ServiceType: "Fault", RootCause: "Huawei Cloud", Resolution: "Rebooted the host",
		Created: created10GMT8, Resolved: created10GMT8.Add(90 * time.Minute), Confirmed: created10GMT8.Add(2 * time.Hour),
		Labels: []fakeosm.Label{{ID: 7, Name: "prod", Color: "red"}},
		Messages: []fakeosm.Message{
			{ID: "m1", AuthorID: "u-1", AuthorName: "alice", Content: "root password is hunter2", Created: created10GMT8, Attachments: []string{"console.log", "dmesg.txt"}},
			{ID: "m2", FromEngineer: true, AuthorID: "eng-9", AuthorName: "Huawei engineer", Content: "Rebooting the host now", Created: created10GMT8.Add(5 * time.Minute)},
		},
		Satisfaction: []fakeosm.Satisfaction{{ID: 1, Value: 4, Name: "Timeliness", DimensionID: "dim-1", DimensionName: "Speed"}},
	}
}

func caseConfig(url, body string, extra ...string) string {
	return providerBlock(url, append([]string{"max_retries = 0"}, extra...)...) + body
}

func TestCaseDataSource_everyAttribute(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetTicket(fullTicket("CS-FULL"))
	addr := "data.servicerequest_case.t"
	s := func(p string, v string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(p), knownvalue.StringExact(v))
	}
	null := func(p string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(p), knownvalue.Null())
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: caseConfig(url, `
data "servicerequest_case" "t" {
  case_id = "CS-FULL"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				s("id", "CS-FULL"),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.Int64Exact(1)),
				s("status_name", "Processing"),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("closed"), knownvalue.Bool(false)),
				s("description", "ECS i-123 cannot boot"),
				s("type_name", "Technical issue"),
				s("business_type_name", "ECS"),
				s("severity_name", "Severity 1"),
				s("source_name", "Console"),
				s("region_name", "CN South-Guangzhou"),
				s("customer_id", "acct-1"),
				s("sub_user_id", "u-1"),
				s("sub_user_name", "alice"),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("business_ownership"), knownvalue.Int64Exact(2)),
				s("business_ownership_name", "ISV"),
				s("judgement", "quick and clear"),
				s("created_at", "2026-11-30T10:00:00+08:00"),
				s("created_at_raw", ""),
				s("resolved_at", "2026-11-30T11:30:00+08:00"),
				s("resolved_at_raw", ""),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("satisfaction"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.Int64Exact(1), "name": knownvalue.StringExact("Timeliness"), "value": knownvalue.Int64Exact(4),
						"total_score": knownvalue.Int64Exact(80), "per_step": knownvalue.Int64Exact(20),
						"dimension_id": knownvalue.StringExact("dim-1"), "dimension_name": knownvalue.StringExact("Speed"),
					}),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("messages"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("m1"), "from": knownvalue.StringExact("customer"),
						"author_id": knownvalue.StringExact("u-1"), "author_name": knownvalue.StringExact("alice"),
						"content": knownvalue.StringExact("root password is hunter2"), "created_at": knownvalue.StringExact("2026-11-30T10:00:00+08:00"),
						"created_at_raw": knownvalue.StringExact(""),
						"attachments":    knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("console.log"), knownvalue.StringExact("dmesg.txt")}),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("m2"), "from": knownvalue.StringExact("engineer"),
						"author_id": knownvalue.StringExact("eng-9"), "author_name": knownvalue.StringExact("Huawei engineer"),
						"content": knownvalue.StringExact("Rebooting the host now"), "created_at": knownvalue.StringExact("2026-11-30T10:05:00+08:00"),
						"created_at_raw": knownvalue.StringExact(""), "attachments": knownvalue.ListSizeExact(0),
					}),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("message_count"), knownvalue.Int64Exact(2)),
				null("history"),
			},
			Check: func(*terraform.State) error {
				for _, r := range f.Requests() {
					if r.Call == fakeosm.CallOperateLogs {
						return fmt.Errorf("the operation log was read without include_history")
					}
				}
				return nil
			},
		}},
	})
}

// TestCaseDataSource_timeZoneArithmetic: a ticket created at 10:00 GMT+8 is
// 02:00Z in every zone the request declares and every format the service
// answers in, and Terraform's timecmp agrees.
func TestCaseDataSource_timeZoneArithmetic(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetTicket(fullTicket("CS-TZ"))
	read := func(zone string) string {
		z := ""
		if zone != "" {
			z = fmt.Sprintf("time_zone = %q", zone)
		}
		return fmt.Sprintf(`
data "servicerequest_case" "t" {
  case_id = "CS-TZ"
  %s
}
output "created" {
  value = data.servicerequest_case.t.created_at
}
output "is_0200z" {
  value = timecmp(data.servicerequest_case.t.created_at, "2026-11-30T02:00:00Z") == 0
}
`, z)
	}
	step := func(zone, want string, pre func()) resource.TestStep {
		return resource.TestStep{
			PreConfig: pre,
			Config:    caseConfig(url, read(zone)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("created", knownvalue.StringExact(want)),
				statecheck.ExpectKnownOutputValue("is_0200z", knownvalue.Bool(true)),
			},
		}
	}
	layout := func(l string) func() { return func() { f.SetTimeLayout(l) } }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			step("", "2026-11-30T10:00:00+08:00", nil), // the default GMT+8
			step("GMT-3:30", "2026-11-29T22:30:00-03:30", nil),
			step("UTC", "2026-11-30T02:00:00Z", nil),
			step("Asia/Kathmandu", "2026-11-30T07:45:00+05:45", nil),
			step("", "2026-11-30T10:00:00+08:00", layout("2006-01-02T15:04:05+08:00")), // a literal +08:00 suffix
			step("GMT-3:30", "2026-11-29T22:30:00-03:30", layout(time.RFC3339)),
			step("GMT-3:30", "2026-11-29T22:30:00-03:30", layout("2006-01-02T15:04:05")),
			// An answer with an explicit offset (here Z) is read with it,
			// and shown in the request's zone.
			step("GMT+8", "2026-11-30T10:00:00+08:00", func() { f.SetTimeLayout(time.RFC3339); f.SetAnswerZone(time.UTC) }),
		},
	})
}

func TestCaseDataSource_unparseableTimeKeptRaw(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	tk := fullTicket("CS-RAW")
	tk.RawTimes = map[string]string{"create_time": `"30.11.2026 10h00"`, "resolve_time": `"n/a"`}
	f.SetTicket(tk)
	addr := "data.servicerequest_case.t"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: caseConfig(url, `
data "servicerequest_case" "t" {
  case_id = "CS-RAW"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at_raw"), knownvalue.StringExact("30.11.2026 10h00")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("resolved_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("resolved_at_raw"), knownvalue.StringExact("n/a")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status_name"), knownvalue.StringExact("Processing")),
			},
		}},
	})
}

func TestCaseDataSource_history(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	tk := fullTicket("CS-HIST")
	for i := range 230 {
		tk.History = append(tk.History, fakeosm.LogEntry{OperateType: 2, OperatorType: 0, OperatorID: "u-1",
			OperatorName: "alice", Description: "urged " + strconv.Itoa(i), Time: created10GMT8.Add(time.Duration(i) * time.Minute)})
	}
	tk.History[0] = fakeosm.LogEntry{OperateType: 0, OperatorType: 0, OperatorID: "u-1", OperatorName: "alice", Description: "created", Time: created10GMT8}
	tk.History[229] = fakeosm.LogEntry{OperateType: 3, OperatorType: 1, OperatorID: "eng-9", OperatorName: "Huawei engineer",
		Description: "closed", Time: created10GMT8.Add(4 * time.Hour)}
	tk.History[5].OperateType = 999
	f.SetTicket(tk)
	addr := "data.servicerequest_case.t"
	entry := func(i int) tfjsonpath.Path { return tfjsonpath.New("history").AtSliceIndex(i) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: caseConfig(url, `
data "servicerequest_case" "t" {
  case_id         = "CS-HIST"
  include_history = true
  time_zone       = "UTC"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("history"), knownvalue.ListSizeExact(230)),
				statecheck.ExpectKnownValue(addr, entry(229), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": knownvalue.StringExact("CS-HIST-log-229"), "operation_type": knownvalue.Int64Exact(3),
					"operation_name": knownvalue.StringExact("Closed"), "operator_type": knownvalue.Int64Exact(1),
					"operator_id": knownvalue.StringExact("eng-9"), "operator_name": knownvalue.StringExact("Huawei engineer"),
					"description": knownvalue.StringExact("closed"), "time": knownvalue.StringExact("2026-11-30T06:00:00Z"),
					"time_raw": knownvalue.StringExact(""),
				})),
				statecheck.ExpectKnownValue(addr, entry(0).AtMapKey("operation_name"), knownvalue.StringExact("Created")),
				statecheck.ExpectKnownValue(addr, entry(1).AtMapKey("operation_name"), knownvalue.StringExact("Urged")),
				statecheck.ExpectKnownValue(addr, entry(5).AtMapKey("operation_name"), knownvalue.StringExact("Unknown")),
				statecheck.ExpectKnownValue(addr, entry(100).AtMapKey("description"), knownvalue.StringExact("urged 100")),
			},
			Check: func(*terraform.State) error {
				pages := 0
				for _, r := range f.Requests() {
					if r.Call == fakeosm.CallOperateLogs {
						pages++
					}
				}
				// 230 entries at 100 a page, read at plan and again at refresh.
				if pages == 0 || pages%3 != 0 {
					return fmt.Errorf("%d operation log pages, want a multiple of 3", pages)
				}
				return nil
			},
		}},
	})
}

func TestCaseDataSource_groupID(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	tk := fullTicket("CS-GROUP")
	tk.GroupID = "grp-42"
	f.SetTicket(tk)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: caseConfig(url, `
data "servicerequest_case" "t" {
  case_id = "CS-GROUP"
}
`),
				ExpectError: errRe(`Access to the service ticket is forbidden.*OSM.01010002.*set group_id`),
			},
			{
				Config: caseConfig(url, `
data "servicerequest_case" "t" {
  case_id  = "CS-GROUP"
  group_id = "grp-42"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.servicerequest_case.t", tfjsonpath.New("severity_name"), knownvalue.StringExact("Severity 1")),
				},
			},
		},
	})
}

// TestCaseDataSource_errorClasses: every class of failure becomes an error
// that names it, quotes the service and says what to do.
func TestCaseDataSource_errorClasses(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetTicket(fullTicket("CS-LOGFAIL"))
	canned := map[string]fakeosm.Response{
		"CS-401":   {HTTPStatus: 401, Body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`},
		"CS-403":   {HTTPStatus: 403, Body: `{"error_code":"OSM.0003","error_msg":"Forbidden"}`},
		"CS-429":   {HTTPStatus: 429, Body: `{"error_code":"APIGW.0308","error_msg":"throttled"}`},
		"CS-500":   {HTTPStatus: 500, Body: `{"error_code":"OSM.0004","error_msg":"Internal Server Error"}`},
		"CS-400":   {HTTPStatus: 400, Body: `{"error_code":"OSM.0001","error_msg":"Failed"}`},
		"CS-200E":  {Body: `{"error_code":"OSM.01010014","error_msg":"Operation fail"}`},
		"CS-SHAPE": {Body: `{"incident_detail_info":{"status":"open"}}`},
		"CS-HTML":  {Body: `<html>login</html>`, Header: map[string]string{"Content-Type": "text/html"}},
		"CS-RESET": {Fault: fakeosm.FaultReset},
	}
	for id, r := range canned {
		f.SetResponses(fakeosm.DetailKey(id), r)
	}
	f.SetResponses(fakeosm.OperateLogsKey("CS-LOGFAIL"), fakeosm.Response{Body: `{"error_code":"OSM.01010001","error_msg":"Param validation fail"}`})
	one := func(id string, extra string) string {
		return caseConfig(url, fmt.Sprintf("data \"servicerequest_case\" \"t\" {\n  case_id = %q\n  %s\n}\n", id, extra))
	}
	steps := []resource.TestStep{
		{Config: one("CS-NONE", ""), ExpectError: errRe(`Service ticket not found.*Reading the details of case "CS-NONE" failed.*OSM.01010015.*This case does not exist.*Check case_id`)},
		{Config: one("CS-401", ""), ExpectError: errRe(`Service Ticket API rejected the credentials.*HTTP 401.*APIGW.0301`)},
		{Config: one("CS-403", ""), ExpectError: errRe(`Access to the service ticket is forbidden.*HTTP 403.*set group_id`)},
		{Config: one("CS-429", ""), ExpectError: errRe(`Service Ticket API throttled the request.*HTTP 429`)},
		{Config: one("CS-500", ""), ExpectError: errRe(`Service Ticket API server error.*HTTP 500.*OSM.0004`)},
		{Config: one("CS-400", ""), ExpectError: errRe(`Service Ticket API rejected the request.*HTTP 400.*OSM.0001`)},
		{Config: one("CS-200E", ""), ExpectError: errRe(`Service Ticket API returned an error.*HTTP 200.*OSM.01010014.*Operation fail`)},
		{Config: one("CS-SHAPE", ""), ExpectError: errRe(`Unexpected response from the Service Ticket API.*documented shape`)},
		{Config: one("CS-HTML", ""), ExpectError: errRe(`Unexpected response.*not JSON.*text/html`)},
		{Config: one("CS-RESET", ""), ExpectError: errRe(`Cannot reach the Service Ticket API.*Reading the details of case "CS-RESET"`)},
		{Config: one("CS-LOGFAIL", "include_history = true"), ExpectError: errRe(`Service Ticket API returned an error.*Reading the operation log of case "CS-LOGFAIL".*OSM.01010001`)},
		{Config: providerBlock(httptestDeadURL(t), "max_retries = 0") + "data \"servicerequest_case\" \"t\" {\n  case_id = \"CS-FULL\"\n}\n",
			ExpectError: errRe(`Cannot reach the Service Ticket API.*connection refused`)},
		// Configuration errors never reach the service.
		{Config: one("..", ""), ExpectError: errRe(`Invalid case_id value`)},
		{Config: one("CS-FULL", `group_id = "a\nb"`), ExpectError: errRe(`Invalid group_id value.*control characters`)},
		{Config: one("CS-FULL", `time_zone = ""`), ExpectError: errRe(`Invalid time_zone value.*must not be empty`)},
	}
	for i := range steps {
		steps[i].PlanOnly = true
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories, Steps: steps})
	for _, r := range f.Requests() {
		if r.CaseID == ".." {
			t.Fatal("an invalid case id reached the service")
		}
	}
}
