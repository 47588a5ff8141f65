package provider_test

// Runs every example of the gating guide (examples/guides/gating) and of the
// provider functions (examples/functions) against the fake service, as they
// are written: the tests add only a provider block pointing at the fake.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// exampleConfig returns example files prefixed with a provider block for
// the fake. Examples carry no provider block of their own.
func exampleConfig(t *testing.T, url string, rels ...string) string {
	t.Helper()
	cfg := providerBlock(url)
	for _, rel := range rels {
		hcl := readExample(t, rel)
		if strings.Contains(hcl, `provider "servicerequest"`) {
			t.Fatalf("%s has a provider block; examples must not configure the endpoint or token", rel)
		}
		cfg += "\n" + hcl
	}
	return cfg
}

// setStatus changes a ticket before a step.
func setStatus(f *fakeosm.Server, id string, status int) func() {
	return func() { f.SetStatus(id, status) }
}

// expectCheckBlock asserts the result of a check block in the state: its
// status and, for a failure, a fragment of its message.
type expectCheckBlock struct {
	name    string
	status  tfjson.CheckStatus
	message string
}

func (e expectCheckBlock) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, c := range req.State.Checks {
		if c.Address.Kind != tfjson.CheckKindCheckBlock || c.Address.Name != e.name {
			continue
		}
		if c.Status != e.status {
			resp.Error = fmt.Errorf("check %q is %s, want %s", e.name, c.Status, e.status)
			return
		}
		if e.message == "" {
			return
		}
		for _, in := range c.Instances {
			for _, p := range in.Problems {
				if strings.Contains(p.Message, e.message) {
					return
				}
			}
		}
		resp.Error = fmt.Errorf("check %q has no problem mentioning %q: %+v", e.name, e.message, c.Instances)
		return
	}
	resp.Error = fmt.Errorf("no result for check %q in the state", e.name)
}

func TestExampleGating_precondition(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS20261130000010"
	cfg := exampleConfig(t, url, "guides/gating/precondition.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   setStatus(f, id, 1),
				Config:      cfg,
				ExpectError: errRe(`(?s)Resource precondition failed.*Change ticket CS20261130000010 is Processing; the cut-over waits until it is Completed`),
			},
			{
				PreConfig:   setStatus(f, id, 2),
				Config:      cfg,
				ExpectError: errRe(`(?s)is To be confirmed; the cut-over waits until it is Completed`),
			},
			{
				PreConfig: setStatus(f, id, 3),
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.cutover", tfjsonpath.New("input"), knownvalue.StringExact("release-2026-12")),
				},
			},
		},
	})
}

func TestExampleGating_postcondition(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS20261130000011"
	cfg := exampleConfig(t, url, "guides/gating/postcondition.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   setStatus(f, id, 0),
				Config:      cfg,
				ExpectError: errRe(`(?s)Resource postcondition failed.*Maintenance ticket CS20261130000011 is still To be processed; plan again once it is closed`),
			},
			{
				PreConfig:   setStatus(f, id, 4),
				Config:      cfg,
				ExpectError: errRe(`(?s)Maintenance ticket CS20261130000011 ended as Canceled, not Completed`),
			},
			{
				PreConfig:         setStatus(f, id, 3),
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("maintenance_window", knownvalue.StringExact("Completed"))},
			},
		},
	})
}

func TestExampleGating_checkWarnsWithoutFailing(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS20261130000012"
	cfg := exampleConfig(t, url, "guides/gating/check.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				// The ticket is open: apply succeeds and the check records a failure (a warning).
				// Terraform always plans to read a check block's data source again at
				// apply, so the plan after apply is never empty.
				PreConfig:          setStatus(f, id, 17),
				Config:             cfg,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					expectCheckBlock{name: "vendor_follow_up", status: tfjson.CheckStatusFail,
						message: "Vendor ticket CS20261130000012 is still Pending feedback."},
				},
			},
			{
				PreConfig:          setStatus(f, id, 3),
				Config:             cfg,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks:  []statecheck.StateCheck{expectCheckBlock{name: "vendor_follow_up", status: tfjson.CheckStatusPass}},
			},
			{
				// A failed read inside a check block is a warning too.
				PreConfig: func() {
					f.SetResponses(id, fakeosm.Response{HTTPStatus: 401, Body: `{"error_code":"APIGW.0301","error_msg":"token expired"}`})
				},
				Config:             cfg,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestExampleGating_wait(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS20261130000013"
	cfg := exampleConfig(t, url, "guides/gating/wait.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				// Canceled is terminal and not waited for: the two-hour wait stops at once.
				PreConfig: setStatus(f, id, 4),
				Config:    cfg,
				ExpectError: errRe(`(?s)Service ticket reached a terminal status.*CS20261130000013" reached 4 \(Canceled\).*` +
					`while waiting for 2 \(To be confirmed\) or 3 \(Completed\).*waiting longer cannot help`),
			},
			{
				// To be confirmed is waited for: the first poll ends the wait.
				PreConfig: setStatus(f, id, 2),
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("quota_increase", knownvalue.StringExact("CS20261130000013 is To be confirmed")),
				},
			},
		},
	})
}

func TestExampleGating_functions(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	cfg := exampleConfig(t, url, "guides/gating/functions.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("release_ticket_labels", knownvalue.MapExact(map[string]knownvalue.Check{
						"CS20261130000014": knownvalue.StringExact("Completed"),
						"CS20261130000015": knownvalue.StringExact("Pending feedback"),
					})),
					expectCheckBlock{name: "release_tickets_closed", status: tfjson.CheckStatusFail,
						message: "Release tickets still open: CS20261130000015 (Pending feedback)."},
				},
			},
			{
				Config: cfg,
				ConfigVariables: config.Variables{"release_tickets": config.MapVariable(map[string]config.Variable{
					"CS20261130000014": config.IntegerVariable(3),
					"CS20261130000016": config.IntegerVariable(12),
				})},
				ConfigStateChecks: []statecheck.StateCheck{
					expectCheckBlock{name: "release_tickets_closed", status: tfjson.CheckStatusPass},
				},
			},
		},
	})
}

func TestExampleFunctions(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, url, "functions/status_name/function.tf", "functions/is_closed/function.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("status_label", knownvalue.StringExact("Pending feedback")),
				statecheck.ExpectKnownOutputValue("ticket_closed", knownvalue.Bool(true)),
			},
		}},
	})
}
