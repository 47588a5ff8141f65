package provider_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// exercisedExamples lists every file under examples/ and the test that runs
// it, so the docs cannot show HCL that does not work.
// TestExamples_allExercised fails when a new example is not listed here.
var exercisedExamples = map[string]string{
	"provider/provider.tf":                                        "TestExamples_dataSource, internal/tfrun TestExamples_planWithRequiredProviders",
	"provider/auth_token.tf":                                      "TestProviderAuth_tokenExample",
	"provider/auth_aksk.tf":                                       "TestProviderAuth_akskExample",
	"provider/auth_password.tf":                                   "TestProviderAuth_passwordExample",
	"provider/auth_shared_config.tf":                              "TestSharedConfig_example",
	"provider/assume_role.tf":                                     "TestAssumeRole_example",
	"data-sources/servicerequest_case_status/data-source.tf":      "TestExamples_dataSource",
	"data-sources/servicerequest_case_status/postcondition.tf":    "TestExamples_postcondition",
	"data-sources/servicerequest_case_status/check.tf":            "TestExamples_check",
	"guides/gating/precondition.tf":                               "TestExampleGating_precondition",
	"guides/gating/postcondition.tf":                              "TestExampleGating_postcondition",
	"guides/gating/check.tf":                                      "TestExampleGating_checkWarnsWithoutFailing",
	"guides/gating/wait.tf":                                       "TestExampleGating_wait",
	"guides/gating/functions.tf":                                  "TestExampleGating_functions",
	"functions/status_name/function.tf":                           "TestExampleFunctions",
	"functions/is_closed/function.tf":                             "TestExampleFunctions",
	"guides/reliability/main.tf":                                  "TestExample_reliabilityGuide",
	"data-sources/servicerequest_case_statuses/data-source.tf":    "TestCaseStatusesDataSource_examples",
	"data-sources/servicerequest_case_statuses/ignore-missing.tf": "TestCaseStatusesDataSource_examples",
	"demo/main.tf":                                                "internal/cmd/demo TestRun",
	"actions/servicerequest_wait_for_case_status/action.tf":       "TestExampleAction_gate",
	"actions/servicerequest_wait_for_case_status/action-wait.tf":  "TestExampleAction_invoke",
	"guides/apply_time_gate/main.tf":                              "TestExampleGating_savedPlan",
	"demo/versions.tf":                                            "internal/cmd/demo TestRun",
}

func TestExamples_allExercised(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".tf") {
			if _, ok := exercisedExamples[rel]; !ok {
				t.Errorf("examples/%s is not exercised by any test: add a test and list it in exercisedExamples", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// withoutTerraformBlock drops the example's top-level terraform block: the
// in-process provider of these tests is served as hashicorp/servicerequest,
// while the example declares the registry source osm-tools/servicerequest.
// internal/tfrun's TestExamples_planWithRequiredProviders plans the
// examples with that block, through dev_overrides.
func withoutTerraformBlock(t *testing.T, hcl string) string {
	t.Helper()
	start := strings.Index(hcl, "terraform {\n")
	if start < 0 {
		return hcl
	}
	end := strings.Index(hcl[start:], "\n}\n")
	if end < 0 {
		t.Fatalf("unterminated terraform block:\n%s", hcl)
	}
	return hcl[:start] + hcl[start+end+3:]
}

// fakeFromEnv serves a provider pointed at the fake through its
// environment, the way the examples expect a user to pass the token.
func fakeFromEnv(url string) map[string]func() (tfprotov6.ProviderServer, error) {
	return factoriesWithEnv(map[string]string{"HW_OSM_ENDPOINT": url, "HW_AUTH_TOKEN": testToken})
}

func TestExamples_dataSource(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	f.SetStatus("CS20261130000001", 3)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeFromEnv(url),
		Steps: []resource.TestStep{{
			Config: withoutTerraformBlock(t, readExample(t, "provider/provider.tf")) + readExample(t, "data-sources/servicerequest_case_status/data-source.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("upgrade_ticket", knownvalue.StringExact("CS20261130000001 is Completed")),
			},
			Check: expectHeaders(f, "CS20261130000001", "en-us", "GMT+8"),
		}},
	})
}

func TestExamples_postcondition(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	cfg := readExample(t, "data-sources/servicerequest_case_status/postcondition.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeFromEnv(url),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { f.SetStatus("CS20261130000002", 1) },
				Config:      cfg,
				ExpectError: errRe(`Ticket CS20261130000002 is Processing; the cut-over waits until it is Completed`),
			},
			{
				PreConfig: func() { f.SetStatus("CS20261130000002", 3) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.servicerequest_case_status.change_approval", tfjsonpath.New("status_name"), knownvalue.StringExact("Completed")),
				},
			},
		},
	})
}

func TestExamples_check(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	cfg := readExample(t, "data-sources/servicerequest_case_status/check.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fakeFromEnv(url),
		Steps: []resource.TestStep{
			{
				// An open ticket only warns: the plan and apply succeed.
				PreConfig: func() { f.SetStatus("CS20261130000003", 17) },
				Config:    cfg,
				// A data source scoped to a check block is read again at
				// every apply, so the plan is never empty.
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:          func() { f.SetStatus("CS20261130000003", 3) },
				Config:             cfg,
				ExpectNonEmptyPlan: true,
			},
		},
	})
	if f.RequestCount("CS20261130000003") == 0 {
		t.Fatal("the check block's data source never reached the fake")
	}
}
