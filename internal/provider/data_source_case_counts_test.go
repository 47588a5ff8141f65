package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

func TestCaseCountsDataSource_countsOpenTotal(t *testing.T) {
	t.Parallel()
	f, url := newFake(t) // one ticket in each documented status, and one in 9
	f.SetStatus("CS-PROCESSING-2", 1)
	other := fullTicket("CS-OTHER-MEMBER")
	other.GroupID = "grp-1" // another member's ticket: not the account's to count
	f.SetTicket(other)
	addr := "data.servicerequest_case_counts.c"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: caseConfig(url, `
data "servicerequest_case_counts" "c" {}

output "anything_open" {
  value = data.servicerequest_case_counts.c.open > 0
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts"), knownvalue.MapExact(map[string]knownvalue.Check{
					"To be processed": knownvalue.Int64Exact(1), "Processing": knownvalue.Int64Exact(2), "To be confirmed": knownvalue.Int64Exact(1),
					"Completed": knownvalue.Int64Exact(1), "Canceled": knownvalue.Int64Exact(1), "Paused": knownvalue.Int64Exact(1),
					"Invalid": knownvalue.Int64Exact(1), "Deleted": knownvalue.Int64Exact(1), "Pending feedback": knownvalue.Int64Exact(1),
					"Unknown": knownvalue.Int64Exact(1),
				})),
				// Open: 0, 1 (twice), 2, 5, 17 and the undocumented 9.
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("open"), knownvalue.Int64Exact(7)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total"), knownvalue.Int64Exact(11)),
				statecheck.ExpectKnownOutputValue("anything_open", knownvalue.Bool(true)),
			},
		}},
	})
	for _, r := range f.Requests() {
		if r.Call != fakeosm.CallCount {
			t.Fatalf("counting made a %s request", r.Call)
		}
	}
}

func TestCaseCountsDataSource_errors(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	cfg := caseConfig(url, "data \"servicerequest_case_counts\" \"c\" {}\n")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{PreConfig: func() {
				f.SetResponses(fakeosm.CountKey, fakeosm.Response{Body: `{"error_code":"OSM.01010002","error_msg":"No operation permission"}`})
			}, Config: cfg, PlanOnly: true, ExpectError: errRe(`Access to the service ticket is forbidden.*Counting the service tickets failed.*OSM.01010002`)},
			{PreConfig: func() {
				f.SetResponses(fakeosm.CountKey, fakeosm.Response{Body: `{"incident_status_counts":[{"status":42,"count":1}]}`})
			}, Config: cfg, PlanOnly: true, ExpectError: errRe(`Unexpected response.*status 42 is outside the documented range`)},
			{PreConfig: func() {
				f.SetResponses(fakeosm.CountKey, fakeosm.Response{Body: `{"incident_status_counts":[]}`})
			}, Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.servicerequest_case_counts.c", tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue("data.servicerequest_case_counts.c", tfjsonpath.New("open"), knownvalue.Int64Exact(0)),
			}},
		},
	})
}
