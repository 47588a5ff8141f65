package provider_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// Provider functions need Terraform 1.8; older versions skip these tests.
var functionVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

// wantLabels is every status 0..20 with its label and whether it is
// closed, written out rather than derived from the code under test.
var wantLabels = []struct {
	name   string
	closed bool
}{
	0: {"To be processed", false}, 1: {"Processing", false}, 2: {"To be confirmed", false},
	3: {"Completed", true}, 4: {"Canceled", true}, 5: {"Paused", false},
	6: {"Unknown", false}, 7: {"Unknown", false}, 8: {"Unknown", false}, 9: {"Unknown", false},
	10: {"Unknown", false}, 11: {"Unknown", false}, 12: {"Invalid", true}, 13: {"Deleted", true},
	14: {"Unknown", false}, 15: {"Unknown", false}, 16: {"Unknown", false}, 17: {"Pending feedback", false},
	18: {"Unknown", false}, 19: {"Unknown", false}, 20: {"Unknown", false},
}

// providerForOpenTofu returns a provider block for the fake when the CLI
// under test is OpenTofu, and "" on Terraform. Terraform calls provider
// functions without configuring the provider, so there the test proves
// that functions need no credentials; OpenTofu configures the provider
// first, so its users (and this test) need a configured provider block.
func providerForOpenTofu(t *testing.T) string {
	t.Helper()
	cli, err := tfrun.Version(context.Background(), tfrun.Terraform())
	if err != nil {
		t.Fatal(err)
	}
	if !cli.OpenTofu {
		return ""
	}
	_, url := newFake(t)
	return providerBlock(url)
}

func TestFunctions_everyStatus(t *testing.T) {
	t.Parallel()
	var names, closed []knownvalue.Check
	for _, w := range wantLabels {
		names = append(names, knownvalue.StringExact(w.name))
		closed = append(closed, knownvalue.Bool(w.closed))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{{
			Config: providerForOpenTofu(t) + `
output "names" {
  value = [for s in range(21) : provider::servicerequest::status_name(s)]
}
output "closed" {
  value = [for s in range(21) : provider::servicerequest::is_closed(s)]
}
output "from_a_string" {
  value = provider::servicerequest::status_name("17")
}
output "whole_float" {
  value = provider::servicerequest::is_closed(4.0)
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("names", knownvalue.ListExact(names)),
				statecheck.ExpectKnownOutputValue("closed", knownvalue.ListExact(closed)),
				statecheck.ExpectKnownOutputValue("from_a_string", knownvalue.StringExact("Pending feedback")),
				statecheck.ExpectKnownOutputValue("whole_float", knownvalue.Bool(true)),
			},
		}},
	})
}

func TestFunctions_sameAnswerAsTheDataSource(t *testing.T) {
	t.Parallel()
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
locals {
  ids = ["CS-TODO", "CS-PROCESSING", "CS-CONFIRM", "CS-DONE", "CS-CANCELED", "CS-PAUSED", "CS-INVALID", "CS-DELETED", "CS-FEEDBACK", "CS-ODD"]
}
data "servicerequest_case_status" "t" {
  count   = length(local.ids)
  case_id = local.ids[count.index]
}
output "agree" {
  value = alltrue([for d in data.servicerequest_case_status.t :
    provider::servicerequest::status_name(d.status) == d.status_name && provider::servicerequest::is_closed(d.status) == d.closed])
}
`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("agree", knownvalue.Bool(true))},
		}},
	})
}

func TestFunctions_outOfRangeIsAnError(t *testing.T) {
	t.Parallel()
	for _, fn := range []string{"status_name", "is_closed"} {
		for arg, got := range map[string]string{"-1": "-1", "21": "21", "2.5": "2.5", "1e30": "1e\\+30", "100000000000000000000": "1e\\+20"} {
			t.Run(fn+"("+arg+")", func(t *testing.T) {
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: providerFactories,
					TerraformVersionChecks:   functionVersionChecks,
					Steps: []resource.TestStep{{
						Config: fmt.Sprintf("output \"x\" {\n  value = provider::servicerequest::%s(%s)\n}\n", fn, arg),
						ExpectError: errRe(`(?s)Invalid value for "status" parameter: a service ticket status must be a whole number from 0 to 20, got ` +
							got),
					}},
				})
			})
		}
	}
	t.Run("null", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: providerFactories,
			TerraformVersionChecks:   functionVersionChecks,
			Steps: []resource.TestStep{{
				Config:      "output \"x\" {\n  value = provider::servicerequest::status_name(null)\n}\n",
				ExpectError: errRe(`(?s)Invalid function argument.*status.*must not be null`),
			}},
		})
	})
}

// runFunction calls a function's Run directly, as Terraform would.
func runFunction(t *testing.T, f function.Function, arg attr.Value, result attr.Value) function.RunResponse {
	t.Helper()
	resp := function.RunResponse{Result: function.NewResultData(result)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{arg})}, &resp)
	return resp
}

func TestStatusNameFunction_run(t *testing.T) {
	for n, w := range wantLabels {
		resp := runFunction(t, provider.NewStatusNameFunction(), types.NumberValue(big.NewFloat(float64(n))), types.StringUnknown())
		if resp.Error != nil {
			t.Fatalf("status_name(%d): %v", n, resp.Error)
		}
		if got := resp.Result.Value(); !got.Equal(types.StringValue(w.name)) {
			t.Fatalf("status_name(%d) = %v, want %q", n, got, w.name)
		}
	}
	for _, bad := range []*big.Float{big.NewFloat(-1), big.NewFloat(21), big.NewFloat(0.5), new(big.Float).SetInf(false), nil} {
		arg := types.NumberValue(bad)
		if bad == nil {
			arg = types.NumberNull()
		}
		resp := runFunction(t, provider.NewStatusNameFunction(), arg, types.StringUnknown())
		if resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 ||
			!strings.Contains(resp.Error.Text, "a service ticket status must be a whole number from 0 to 20") {
			t.Fatalf("status_name(%v): error %v, want an argument error", bad, resp.Error)
		}
	}
}

func TestIsClosedFunction_run(t *testing.T) {
	for n, w := range wantLabels {
		resp := runFunction(t, provider.NewIsClosedFunction(), types.NumberValue(big.NewFloat(float64(n))), types.BoolUnknown())
		if resp.Error != nil {
			t.Fatalf("is_closed(%d): %v", n, resp.Error)
		}
		if got := resp.Result.Value(); !got.Equal(types.BoolValue(w.closed)) {
			t.Fatalf("is_closed(%d) = %v, want %v", n, got, w.closed)
		}
	}
	resp := runFunction(t, provider.NewIsClosedFunction(), types.NumberValue(big.NewFloat(3.25)), types.BoolUnknown())
	if resp.Error == nil || !strings.Contains(resp.Error.Text, "got 3.25") {
		t.Fatalf("is_closed(3.25): error %v", resp.Error)
	}
}
