package provider_test

// Runs the action examples (examples/actions) and the apply-time gate of
// the gating guide (examples/guides/apply_time_gate) against the fake, as
// they are written.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

const exampleChangeTicket = "CS20261130000010"

func TestExampleAction_gate(t *testing.T) {
	f, url := newFake(t)
	config := exampleConfig(t, url, "actions/servicerequest_wait_for_case_status/action.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   actionVersionChecks,
		Steps: []resource.TestStep{
			{
				PreConfig:   setStatus(f, exampleChangeTicket, 2),
				Config:      config,
				ExpectError: errRe(`Case "` + exampleChangeTicket + `" is 2 \(To be confirmed\), not 3 \(Completed\)`),
			},
			{
				PreConfig: setStatus(f, exampleChangeTicket, 3),
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.cutover", tfjsonpath.New("input"), knownvalue.StringExact("release-2026-12")),
				},
			},
		},
	})
}

// exampleWorkspace writes example files, with a provider block for the
// fake, into a workspace for the built provider.
func exampleWorkspace(t *testing.T, ctx context.Context, url string, rels ...string) (*tfWorkspace, *tfrun.Runner) {
	t.Helper()
	bin := providerBinary(t)
	config := fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  token    = %q\n}\n", url, leakToken)
	for _, rel := range rels {
		config += "\n" + readExample(t, rel)
	}
	return newWorkspace(t, bin, config)
}

// TestExampleAction_invoke runs the standalone example with
// `terraform apply -invoke`, as its comment says to.
func TestExampleAction_invoke(t *testing.T) {
	requireActions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f, url := newFake(t)
	f.AddToken(leakToken)
	w, r := exampleWorkspace(t, ctx, url, "actions/servicerequest_wait_for_case_status/action-wait.tf")
	invoke := []string{"apply", "-auto-approve", "-no-color", "-invoke=action.servicerequest_wait_for_case_status.quota_granted"}

	f.SetStatus("CS20261130000013", 2)
	if err := r.Run(ctx, invoke...); err != nil {
		t.Fatalf("%v\n%s", err, tail(w.out.String()))
	}
	if !strings.Contains(w.out.String(), "Ticket CS20261130000013 is To be confirmed (2); proceeding") {
		t.Errorf("no progress message:\n%s", tail(w.out.String()))
	}

	// Canceled while waiting for 2 or 3: the two-hour wait ends at once.
	f.SetStatus("CS20261130000013", 4)
	w.out.Reset()
	start := time.Now()
	if err := r.Run(ctx, invoke...); err == nil {
		t.Fatalf("-invoke on a canceled ticket must fail:\n%s", tail(w.out.String()))
	}
	if !strings.Contains(w.out.String(), "Service ticket reached a terminal status") {
		t.Errorf("the output lacks the terminal-status error:\n%s", tail(w.out.String()))
	}
	if took := time.Since(start); took > time.Minute {
		t.Errorf("the failed -invoke took %s; a terminal status must end it at the first poll", took)
	}
}

// stateInstances returns how many instances of a resource type the
// workspace's state holds.
func stateInstances(t *testing.T, dir, typ string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
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
	n := 0
	for _, r := range state.Resources {
		if r.Type == typ {
			n += len(r.Instances)
		}
	}
	return n
}

// TestExampleGating_savedPlan is the guide's "plan-time vs apply-time
// gates" story, with a saved plan: the ticket is Completed when the plan is
// written and back to Processing when it is applied.
func TestExampleGating_savedPlan(t *testing.T) {
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	// The precondition alone: the saved plan carries the status read while
	// planning, so the apply goes through although the ticket was reopened.
	t.Run("precondition alone lets a stale plan through", func(t *testing.T) {
		f, url := newFake(t)
		f.AddToken(leakToken)
		w, r := exampleWorkspace(t, ctx, url, "guides/gating/precondition.tf")
		f.SetStatus(exampleChangeTicket, 3)
		if err := r.Run(ctx, "plan", "-no-color", "-out=tfplan"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		f.SetStatus(exampleChangeTicket, 1)
		if err := r.Run(ctx, "apply", "-no-color", "tfplan"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		if n := stateInstances(t, w.dir, "terraform_data"); n != 1 {
			t.Fatalf("%d terraform_data instances; the stale plan should have been applied", n)
		}
	})

	t.Run("the action stops it at apply time", func(t *testing.T) {
		requireActions(t)
		f, url := newFake(t)
		f.AddToken(leakToken)
		w, r := exampleWorkspace(t, ctx, url, "guides/apply_time_gate/main.tf")
		f.SetStatus(exampleChangeTicket, 3)
		if err := r.Run(ctx, "plan", "-no-color", "-out=tfplan"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		f.SetStatus(exampleChangeTicket, 1)
		w.out.Reset()
		if err := r.Run(ctx, "apply", "-no-color", "tfplan"); err == nil {
			t.Fatalf("the apply of the stale plan must fail:\n%s", tail(w.out.String()))
		}
		out := w.out.String()
		if !strings.Contains(out, "Service ticket is not in the required status") ||
			!strings.Contains(out, `"`+exampleChangeTicket+`" is 1 (Processing), not 3 (Completed)`) {
			t.Errorf("the output lacks the action's error:\n%s", tail(out))
		}
		if n := stateInstances(t, w.dir, "terraform_data"); n != 0 {
			t.Fatalf("%d terraform_data instances; the gate must stop the change", n)
		}

		// The plan-time gate still refuses a plan while the ticket is open.
		w.out.Reset()
		if err := r.Run(ctx, "plan", "-no-color"); err == nil || !strings.Contains(w.out.String(), "Resource precondition failed") {
			t.Fatalf("a plan while the ticket is Processing must fail on the precondition: %v\n%s", err, tail(w.out.String()))
		}

		// Completed again: a fresh plan and apply go through.
		f.SetStatus(exampleChangeTicket, 3)
		w.out.Reset()
		if err := r.Run(ctx, "apply", "-no-color", "-auto-approve"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		if n := stateInstances(t, w.dir, "terraform_data"); n != 1 {
			t.Fatalf("%d terraform_data instances after the approved apply, want 1", n)
		}
	})
}
