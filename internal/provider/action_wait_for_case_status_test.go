package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// Provider-defined actions need Terraform 1.14; older versions and OpenTofu
// 1.10 skip these tests. make test-matrix runs them on a Terraform 1.14
// built from source (TF_ACC_TERRAFORM_PATH).
var actionVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// gatedChange is a terraform_data resource guarded by the action: the
// action runs before it is created or updated.
func gatedChange(caseID, statuses, extra, input string) string {
	return fmt.Sprintf(`
action "servicerequest_wait_for_case_status" "gate" {
  config {
    case_id  = %q
    statuses = %s
    %s
  }
}

resource "terraform_data" "change" {
  input = %q

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.servicerequest_wait_for_case_status.gate]
    }
  }
}
`, caseID, statuses, extra, input)
}

func TestWaitForCaseStatusAction_letsTheChangeThroughInStatus(t *testing.T) {
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{{
			PreConfig: func() { f.SetStatus("CS-GATE", 3) },
			Config:    providerBlock(url) + gatedChange("CS-GATE", "[2, 3]", "", "v1"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.change", tfjsonpath.New("input"), knownvalue.StringExact("v1")),
				expectRequests(f, "CS-GATE", 1),
			},
		}},
	})
}

func TestWaitForCaseStatusAction_refusesCreationOutOfStatus(t *testing.T) {
	f, url := newFake(t)
	config := providerBlock(url) + gatedChange("CS-GATE", "[3]", "", "v1")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { f.SetStatus("CS-GATE", 1) },
				Config:    config,
				ExpectError: errRe(`Service ticket is not in the required status.*` +
					`Case "CS-GATE" is 1 \(Processing\), not 3 \(Completed\) \(checked once: timeout is unset\)` +
					`.*Any create or update that triggered this action is not made`),
			},
			{
				// The refused apply left nothing behind: once the ticket is
				// Completed, the next plan creates the resource again.
				PreConfig: func() { f.SetStatus("CS-GATE", 3) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.change", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.change", tfjsonpath.New("input"), knownvalue.StringExact("v1")),
				},
			},
		},
	})
}

func TestWaitForCaseStatusAction_refusesAnUpdateOutOfStatus(t *testing.T) {
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { f.SetStatus("CS-GATE", 3) },
				Config:    providerBlock(url) + gatedChange("CS-GATE", "[3]", "", "v1"),
			},
			{
				// A ticket put back to Processing after the first change.
				PreConfig:   func() { f.SetStatus("CS-GATE", 1) },
				Config:      providerBlock(url) + gatedChange("CS-GATE", "[3]", "", "v2"),
				ExpectError: errRe(`Service ticket is not in the required status.*Case "CS-GATE" is 1 \(Processing\)`),
			},
			{
				// The refused update was not applied: it is planned again.
				PreConfig: func() { f.SetStatus("CS-GATE", 3) },
				Config:    providerBlock(url) + gatedChange("CS-GATE", "[3]", "", "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.change", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.change", tfjsonpath.New("input"), knownvalue.StringExact("v2")),
				},
			},
		},
	})
}

func TestWaitForCaseStatusAction_waitsUntilTheTicketArrives(t *testing.T) {
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{{
			// Processing for two polls, then Completed.
			PreConfig: func() { f.SetStatus("CS-FLIP", 1); f.SetStatusSequence("CS-FLIP", 1, 1, 3) },
			Config: providerBlock(url) + gatedChange("CS-FLIP", "[3]", `timeout = "2m"
    poll_interval = "1s"`, "v1"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.change", tfjsonpath.New("input"), knownvalue.StringExact("v1")),
				expectRequests(f, "CS-FLIP", 3),
			},
		}},
	})
}

func TestWaitForCaseStatusAction_terminalStatusFailsFast(t *testing.T) {
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{
			{
				// A 10-minute wait that must end at the first poll.
				Config: providerBlock(url) + gatedChange("CS-CANCELED", "[3]", `timeout = "10m"
    poll_interval = "1m"`, "v1"),
				ExpectError: errRe(`Service ticket reached a terminal status.*Case "CS-CANCELED" reached 4 \(Canceled\) ` +
					`after .* and 1 poll while waiting for 3 \(Completed\).*If 4 \(Canceled\) is an acceptable outcome, add 4 to statuses`),
			},
			{
				// One request: no second poll after the terminal status.
				PreConfig: func() {
					if n := f.RequestCount("CS-CANCELED"); n != 1 {
						t.Errorf("the fake saw %d requests for CS-CANCELED; a terminal status must end the wait at the first poll", n)
					}
					f.SetStatus("CS-CANCELED", 3)
				},
				Config: providerBlock(url) + gatedChange("CS-CANCELED", "[3]", "", "v1"),
			},
		},
	})
}

func TestWaitForCaseStatusAction_timeoutNamesTicketStatusAndTime(t *testing.T) {
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + gatedChange("CS-PROCESSING", "[3]", `timeout = "2s"
    poll_interval = "1s"`, "v1"),
			ExpectError: errRe(`Timed out waiting for the service ticket status.*` +
				`Timed out after 2s and [23] polls waiting for case "CS-PROCESSING" to reach 3 \(Completed\); ` +
				`the last status seen was 1 \(Processing\) \(poll_interval 1s, timeout 2s\).*Raise timeout`),
		}},
	})
}

func TestWaitForCaseStatusAction_invalidConfiguration(t *testing.T) {
	_, url := newFake(t)
	for name, tc := range map[string]struct{ statuses, extra, want string }{
		"status out of range": {"[3, 21]", "", `Invalid statuses value.*whole number from 0 to 20, got 21`},
		"fraction":            {"[2.5]", "", `Invalid statuses value.*got 2.5`},
		"empty statuses":      {"[]", "", `Empty statuses.*could never succeed`},
		"short poll_interval": {"[3]", `timeout = "1m"
    poll_interval = "500ms"`, `Invalid poll_interval value.*at least 1s`},
		"timeout not a duration": {"[3]", `timeout = "soon"`, `Invalid timeout value.*"soon", is not a duration`},
		"bad case_id":            {"[3]", "", `Invalid case_id value`},
	} {
		t.Run(name, func(t *testing.T) {
			id := "CS-DONE"
			if name == "bad case_id" {
				id = ""
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				TerraformVersionChecks:   actionVersionChecks,
				Steps: []resource.TestStep{{
					Config:      providerBlock(url) + gatedChange(id, tc.statuses, tc.extra, "v1"),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
}

// expectRequests asserts how many status requests the fake answered for a
// ticket, proving the action really ran (and how often it polled).
func expectRequests(f interface{ RequestCount(string) int }, caseID string, want int) statecheck.StateCheck {
	return requestCheck{f: f, caseID: caseID, want: want}
}

type requestCheck struct {
	f      interface{ RequestCount(string) int }
	caseID string
	want   int
}

func (c requestCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if n := c.f.RequestCount(c.caseID); n != c.want {
		resp.Error = fmt.Errorf("the fake answered %d requests for %s, want %d", n, c.caseID, c.want)
	}
}

// TestProvider_servesItsActionToEveryCLI runs on every CLI of make
// test-matrix, including those without actions (Terraform 1.5 to 1.13,
// OpenTofu): the provider announces the action in its schema and a plain
// data source read must still work there.
func TestProvider_servesItsActionToEveryCLI(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := schemas.ActionSchemas["servicerequest_wait_for_case_status"]; !ok {
		t.Fatalf("the provider schema has no servicerequest_wait_for_case_status action: the check below would prove nothing")
	}
	_, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(url) + `
data "servicerequest_case_status" "t" {
  case_id = "CS-DONE"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.servicerequest_case_status.t", tfjsonpath.New("status_name"), knownvalue.StringExact("Completed")),
			},
		}},
	})
}

// requireActions skips a test that drives the CLI directly when it has no
// actions, and returns its version.
func requireActions(t *testing.T) tfrun.CLIVersion {
	t.Helper()
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
	}
	v, err := tfrun.Version(context.Background(), tfrun.Terraform())
	if err != nil {
		t.Fatal(err)
	}
	if v.OpenTofu || !v.AtLeast(1, 14) {
		t.Skipf("provider-defined actions need Terraform 1.14 or later; %s is %s", tfrun.Terraform(), v.Version)
	}
	return v
}

// gateWorkspace builds the provider and writes a workspace whose action
// gate checks caseID, configured with leakToken.
func gateWorkspace(t *testing.T, ctx context.Context, url, caseID, extra string) (*tfWorkspace, *tfrun.Runner) {
	t.Helper()
	bin := providerBinary(t)
	block := fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  token    = %q\n}\n", url, leakToken)
	return newWorkspace(t, bin, block+gatedChange(caseID, "[3]", extra, "v1"))
}

// TestWaitForCaseStatusAction_invokeShowsProgressAndLeaksNothing runs
// `terraform apply -invoke` (which terraform-plugin-testing cannot drive)
// on the built provider under TF_LOG=TRACE: the action waits through two
// polls with a progress line each, the guarded resource is not created,
// and neither the output nor the log carries the token.
func TestWaitForCaseStatusAction_invokeShowsProgressAndLeaksNothing(t *testing.T) {
	requireActions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f, url := newFake(t)
	f.AddToken(leakToken)
	f.SetStatus("CS-FLIP", 1)
	f.SetStatusSequence("CS-FLIP", 1, 1, 3)
	w, r := gateWorkspace(t, ctx, url, "CS-FLIP", `timeout = "2m"
    poll_interval = "1s"`)
	if err := r.Run(ctx, "apply", "-auto-approve", "-no-color", "-invoke=action.servicerequest_wait_for_case_status.gate"); err != nil {
		t.Fatalf("%v\n%s", err, tail(w.out.String()))
	}
	out := w.out.String()
	for _, want := range []string{
		"Ticket CS-FLIP is Processing (1); waiting for Completed; ",
		"Ticket CS-FLIP is Completed (3); proceeding; ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks the progress message %q:\n%s", want, grepLines(out, "CS-FLIP"))
		}
	}
	if n := f.RequestCount("CS-FLIP"); n != 3 {
		t.Errorf("the fake answered %d requests, want 3 (two Processing, then Completed)", n)
	}
	expectNoToken(t, "terraform apply -invoke with TF_LOG=TRACE", out)
	expectFakeSawToken(t, f)
	if _, err := os.Stat(w.dir + "/terraform.tfstate"); err == nil {
		b, _ := os.ReadFile(w.dir + "/terraform.tfstate")
		if strings.Contains(string(b), "terraform_data") {
			t.Errorf("-invoke runs only the action, but the state holds the resource:\n%s", b)
		}
		expectNoToken(t, "the state", string(b))
	}

	t.Run("refused", func(t *testing.T) {
		f.SetStatus("CS-FLIP", 4)
		w.out.Reset()
		err := r.Run(ctx, "apply", "-auto-approve", "-no-color", "-invoke=action.servicerequest_wait_for_case_status.gate")
		out := w.out.String()
		if err == nil || !strings.Contains(out, "Service ticket reached a terminal status") {
			t.Fatalf("an -invoke on a canceled ticket must fail with the action's error: %v\n%s", err, tail(out))
		}
		expectNoToken(t, "a failed terraform apply -invoke with TF_LOG=TRACE", out)
	})
}

// TestWaitForCaseStatusAction_interruptStopsTheWait sends Ctrl-C to a real
// terraform apply whose gate is waiting (a 10-minute timeout): the apply
// must stop at once and the resource must not be created.
func TestWaitForCaseStatusAction_interruptStopsTheWait(t *testing.T) {
	requireActions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f, url := newFake(t)
	f.AddToken(leakToken)
	w, _ := gateWorkspace(t, ctx, url, "CS-PROCESSING", `timeout = "10m"
    poll_interval = "1s"`)
	cmd := exec.Command(tfrun.Terraform(), "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for f.RequestCount("CS-PROCESSING") < 2 {
		select {
		case err := <-done:
			t.Fatalf("terraform ended before the wait: %v\n%s", err, w.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("an interrupted apply must fail:\n%s", w.out.String())
		}
	case <-time.After(2 * time.Minute): // a guard against a hang, far below the 10m timeout
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not stop after Ctrl-C:\n%s", w.out.String())
	}
	took := time.Since(start)
	t.Logf("terraform stopped %s after Ctrl-C", took.Round(time.Millisecond))
	out := w.out.String()
	// Terraform 1.14.0 reports the interrupted action as "execution
	// halted", or at times crashes while stopping its graph walk ("range
	// function continued iteration"), a Terraform bug after the provider
	// has stopped: what matters here is that it stops at once and creates
	// nothing. TestWaitForCaseStatusAction_stopProviderEndsTheWait checks
	// the provider's side of Ctrl-C (StopProvider) in process.
	if !strings.Contains(out, "Interrupt received") {
		t.Errorf("the output should say the apply was interrupted:\n%s", tail(out))
	}
	if strings.Contains(out, "TERRAFORM CRASH") {
		t.Logf("terraform crashed while stopping (a Terraform 1.14.0 bug, not the provider's):\n%s", grepLines(out, "panic:"))
	}
	if took > 30*time.Second {
		t.Errorf("terraform took %s to stop after Ctrl-C", took)
	}
	b, err := os.ReadFile(w.dir + "/terraform.tfstate")
	if err != nil {
		return // nothing was written, so nothing was created
	}
	var state struct {
		Resources []struct {
			Type      string            `json:"type"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if len(r.Instances) > 0 {
			t.Errorf("the interrupted gate must not let %s be created:\n%s", r.Type, b)
		}
	}
}

// objectOf builds a configuration value for a schema block: the given
// attributes set, every other attribute null, nested blocks empty.
func objectOf(b *tfprotov6.SchemaBlock, set map[string]tftypes.Value) tftypes.Value {
	typ := b.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
			continue
		}
		switch at.(type) {
		case tftypes.List, tftypes.Set:
			if isBlock(b, name) {
				vals[name] = tftypes.NewValue(at, []tftypes.Value{})
				continue
			}
		}
		vals[name] = tftypes.NewValue(at, nil)
	}
	return tftypes.NewValue(typ, vals)
}

func isBlock(b *tfprotov6.SchemaBlock, name string) bool {
	for _, nb := range b.BlockTypes {
		if nb.TypeName == name {
			return true
		}
	}
	return false
}

func dynamicValue(t *testing.T, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// TestWaitForCaseStatusAction_stopProviderEndsTheWait is what Ctrl-C does
// to a running action, in process: Terraform calls StopProvider, and the
// action must end its wait at once with a canceled error, not at the next
// poll nor at the timeout.
func TestWaitForCaseStatusAction_stopProviderEndsTheWait(t *testing.T) {
	f, url := newFake(t)
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	cfg := objectOf(schemas.Provider.Block, map[string]tftypes.Value{"endpoint": str(url), "token": str(testToken)})
	presp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: dynamicValue(t, cfg)})
	if err != nil || len(presp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %+v", err, presp.Diagnostics)
	}
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatal("the provider server has no actions")
	}
	block := schemas.ActionSchemas["servicerequest_wait_for_case_status"].Schema.Block
	acfg := objectOf(block, map[string]tftypes.Value{
		"case_id":       str("CS-PROCESSING"),
		"statuses":      tftypes.NewValue(tftypes.Set{ElementType: tftypes.Number}, []tftypes.Value{tftypes.NewValue(tftypes.Number, 3)}),
		"timeout":       str("10m"),
		"poll_interval": str("1m"),
	})
	stream, err := actions.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{
		ActionType: "servicerequest_wait_for_case_status", Config: dynamicValue(t, acfg),
	})
	if err != nil {
		t.Fatal(err)
	}
	var progress []string
	var stopped time.Time
	var completed *tfprotov6.CompletedInvokeActionEventType
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
			// The first poll is done and the wait pauses for a minute:
			// stop it there.
			stopped = time.Now()
			if _, err := server.StopProvider(ctx, &tfprotov6.StopProviderRequest{}); err != nil {
				t.Fatal(err)
			}
		case tfprotov6.CompletedInvokeActionEventType:
			completed = &e
		}
	}
	took := time.Since(stopped)
	if len(progress) != 1 || !strings.HasPrefix(progress[0], "Ticket CS-PROCESSING is Processing (1); waiting for Completed; ") {
		t.Fatalf("progress %q, want one message for the first poll", progress)
	}
	if completed == nil || len(completed.Diagnostics) == 0 {
		t.Fatalf("the action ended without an error: %+v", completed)
	}
	d := completed.Diagnostics[0]
	if d.Summary != "Waiting for the service ticket status was canceled" || !strings.Contains(d.Detail, `Canceled after`) {
		t.Fatalf("diagnostic %q: %q", d.Summary, d.Detail)
	}
	if took > 5*time.Second {
		t.Fatalf("the action took %s to stop", took)
	}
	if n := f.RequestCount("CS-PROCESSING"); n != 1 {
		t.Fatalf("the fake saw %d requests, want 1", n)
	}
}

// TestWaitForCaseStatusAction_replacementOrder pins what the action's page
// says about replacements: Terraform 1.14 runs before_create after it has
// destroyed the old object in the default order, and before anything with
// create_before_destroy.
func TestWaitForCaseStatusAction_replacementOrder(t *testing.T) {
	replaced := func(rev string, cbd bool) string {
		return fmt.Sprintf(`
action "servicerequest_wait_for_case_status" "gate" {
  config {
    case_id  = "CS-GATE"
    statuses = [3]
  }
}

resource "terraform_data" "change" {
  triggers_replace = %q

  lifecycle {
    create_before_destroy = %t
    action_trigger {
      events  = [before_create]
      actions = [action.servicerequest_wait_for_case_status.gate]
    }
  }
}
`, rev, cbd)
	}
	for _, tc := range []struct {
		cbd bool
		// what the next plan proposes after the refused replacement
		next plancheck.ResourceActionType
	}{
		{false, plancheck.ResourceActionCreate},             // the old object was destroyed
		{true, plancheck.ResourceActionCreateBeforeDestroy}, // the old object is still there
	} {
		t.Run(fmt.Sprintf("create_before_destroy=%t", tc.cbd), func(t *testing.T) {
			f, url := newFake(t)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				TerraformVersionChecks:   actionVersionChecks,
				Steps: []resource.TestStep{
					{PreConfig: func() { f.SetStatus("CS-GATE", 3) }, Config: providerBlock(url) + replaced("1", tc.cbd)},
					{
						PreConfig:   func() { f.SetStatus("CS-GATE", 1) },
						Config:      providerBlock(url) + replaced("2", tc.cbd),
						ExpectError: errRe(`Service ticket is not in the required status`),
					},
					{
						PreConfig: func() { f.SetStatus("CS-GATE", 3) },
						Config:    providerBlock(url) + replaced("2", tc.cbd),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("terraform_data.change", tc.next),
						}},
					},
				},
			})
		})
	}
}
