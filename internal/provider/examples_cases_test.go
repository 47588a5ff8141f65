package provider_test

import (
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// The examples of the ticket reads, and the tests that run them
// (TestExamples_allExercised checks that every example is listed).
func init() {
	for rel, test := range map[string]string{
		"data-sources/servicerequest_case/data-source.tf":        "TestExampleCase_dataSource",
		"data-sources/servicerequest_case/postcondition.tf":      "TestExampleCase_auditPostcondition",
		"data-sources/servicerequest_cases/data-source.tf":       "TestExampleCases_dataSource",
		"data-sources/servicerequest_cases/precondition.tf":      "TestExampleCases_severityPrecondition",
		"data-sources/servicerequest_cases/check.tf":             "TestExampleCases_pendingFeedbackCheck",
		"data-sources/servicerequest_case_counts/data-source.tf": "TestExampleCaseCounts",
		"data-sources/servicerequest_case_counts/check.tf":       "TestExampleCaseCounts",
		"guides/reading/times.tf":                                "TestExampleReading_times",
	} {
		exercisedExamples[rel] = test
	}
}

func TestExampleCase_dataSource(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	tk := fullTicket("CS20261130000010")
	tk.Created = time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	f.SetTicket(tk)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, url, "data-sources/servicerequest_case/data-source.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("incident", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"summary":          knownvalue.StringExact("CS20261130000010 (Severity 1): ECS i-123 cannot boot"),
					"status":           knownvalue.StringExact("Processing"),
					"opened":           knownvalue.StringExact(tk.Created.In(time.FixedZone("", 8*3600)).Format(time.RFC3339)),
					"messages":         knownvalue.Int64Exact(2),
					"older_than_a_day": knownvalue.Bool(true),
				})),
			},
		}},
	})
}

func TestExampleCase_auditPostcondition(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS20261130000011"
	history := func(closer string) func() {
		return func() {
			tk := fullTicket(id)
			tk.Status = 3
			tk.History = []fakeosm.LogEntry{
				{OperateType: 0, OperatorName: "alice", Description: "created", Time: created10GMT8},
				{OperateType: 3, OperatorName: closer, Description: "closed", Time: created10GMT8.Add(time.Hour)},
			}
			f.SetTicket(tk)
		}
	}
	cfg := exampleConfig(t, url, "data-sources/servicerequest_case/postcondition.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   history("alice"), // closed by its own author
				Config:      cfg,
				ExpectError: errRe(`Ticket CS20261130000011 is Completed and was not closed by anyone but its author alice: 2026-11-30T10:00:00\+08:00 Created by alice; 2026-11-30T11:00:00\+08:00 Closed by alice`),
			},
			{
				PreConfig: history("Huawei engineer"),
				Config:    cfg,
			},
		},
	})
}

func TestExampleCases_dataSource(t *testing.T) {
	t.Parallel()
	f, url := emptyFake(t)
	now := time.Now().Truncate(time.Second)
	f.SetTicket(fakeosm.Ticket{ID: "CS-ECS-NEW", Status: 1, Description: "ECS cannot boot", Created: now.Add(-time.Hour)})
	f.SetTicket(fakeosm.Ticket{ID: "CS-ECS-WAIT", Status: 17, Description: "ECS disk", Created: now.Add(-2 * time.Hour)})
	f.SetTicket(fakeosm.Ticket{ID: "CS-ECS-OLD", Status: 1, Description: "ECS old", Created: now.Add(-30 * 24 * time.Hour)})
	f.SetTicket(fakeosm.Ticket{ID: "CS-ECS-DONE", Status: 3, Description: "ECS done", Created: now.Add(-time.Hour)})
	f.SetTicket(fakeosm.Ticket{ID: "CS-RDS", Status: 1, Description: "RDS", Created: now.Add(-time.Hour)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, url, "data-sources/servicerequest_cases/data-source.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("open_ecs_tickets", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"ids": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("CS-ECS-NEW"), knownvalue.StringExact("CS-ECS-WAIT")}),
					"by_status": knownvalue.MapExact(map[string]knownvalue.Check{
						"Processing": knownvalue.Int64Exact(1), "Pending feedback": knownvalue.Int64Exact(1),
					}),
					"complete": knownvalue.Bool(true),
				})),
			},
		}},
	})
}

func TestExampleCases_severityPrecondition(t *testing.T) {
	t.Parallel()
	f, url := emptyFake(t)
	sev1 := fullTicket("CS-ECS-SEV1") // open, "Severity 1", "ECS i-123 cannot boot"
	sev3 := fullTicket("CS-ECS-SEV3")
	sev3.SeverityName = "Severity 3"
	f.SetTicket(sev3)
	other := fullTicket("CS-RDS-SEV1")
	other.Description = "RDS failover"
	f.SetTicket(other)
	cfg := exampleConfig(t, url, "data-sources/servicerequest_cases/precondition.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { f.SetTicket(sev1) },
				Config:      cfg,
				ExpectError: errRe(`The ECS cut-over waits for open severity-1 tickets: CS-ECS-SEV1 \(Severity 1, Processing\)\.`),
			},
			{
				// Once the severity-1 ticket is closed, the cut-over proceeds.
				PreConfig: func() { f.SetStatus("CS-ECS-SEV1", 3) },
				Config:    cfg,
			},
		},
	})
}

func TestExampleCases_pendingFeedbackCheck(t *testing.T) {
	t.Parallel()
	f, url := emptyFake(t)
	cfg := exampleConfig(t, url, "data-sources/servicerequest_cases/check.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					f.SetTicket(fakeosm.Ticket{ID: "CS-WAIT-1", Status: 17, Description: "need logs", Created: created10GMT8})
					f.SetTicket(fakeosm.Ticket{ID: "CS-DONE-1", Status: 3, Description: "fine", Created: created10GMT8})
				},
				Config:             cfg,
				ExpectNonEmptyPlan: true, // a check block's data source is read again at every apply
				ConfigStateChecks: []statecheck.StateCheck{
					expectCheckBlock{name: "no_ticket_waits_for_us", status: tfjson.CheckStatusFail,
						message: "1 ticket(s) wait for our feedback: CS-WAIT-1 (need logs)."},
				},
			},
			{
				PreConfig:          func() { f.SetStatus("CS-WAIT-1", 1) },
				Config:             cfg,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks:  []statecheck.StateCheck{expectCheckBlock{name: "no_ticket_waits_for_us", status: tfjson.CheckStatusPass}},
			},
		},
	})
}

func TestExampleCaseCounts(t *testing.T) {
	t.Parallel()
	f, url := newFake(t) // one ticket in each status; CS-FEEDBACK pends feedback
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: exampleConfig(t, url, "data-sources/servicerequest_case_counts/data-source.tf", "data-sources/servicerequest_case_counts/check.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tickets", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"open": knownvalue.Int64Exact(6), "total": knownvalue.Int64Exact(10), "pending_feedback": knownvalue.Int64Exact(1),
					})),
					expectCheckBlock{name: "feedback_owed", status: tfjson.CheckStatusFail, message: "1 ticket(s) are pending our feedback."},
				},
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:          func() { f.SetStatus("CS-FEEDBACK", 3) },
				Config:             exampleConfig(t, url, "data-sources/servicerequest_case_counts/check.tf"),
				ExpectNonEmptyPlan: true,
				ConfigStateChecks:  []statecheck.StateCheck{expectCheckBlock{name: "feedback_owed", status: tfjson.CheckStatusPass}},
			},
		},
	})
}

func TestExampleReading_times(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetTicket(fullTicket("CS20261130000010")) // created 10:00 GMT+8
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, url, "guides/reading/times.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("created", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"utc":       knownvalue.StringExact("2026-11-30T02:00:00Z"),
					"shanghai":  knownvalue.StringExact("2026-11-30T10:00:00+08:00"),
					"same_time": knownvalue.Bool(true),
				})),
			},
		}},
	})
}
