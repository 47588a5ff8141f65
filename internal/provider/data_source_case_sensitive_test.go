package provider_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestCaseDataSource_messagesNotInPlanOutput runs the built provider under
// the real Terraform CLI: the plan shows message_count and the severity but
// never a message, Terraform refuses to print messages in an output not
// marked sensitive, and an unreadable time is a warning, not a failure.
func TestCaseDataSource_messagesNotInPlanOutput(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := providerBinary(t)
	f, url := newFake(t)
	tk := fullTicket("CS-SECRET")
	tk.RawTimes = map[string]string{"create_time": `"30.11.2026 10h00"`}
	f.SetTicket(tk)
	base := fmt.Sprintf(`
provider "servicerequest" {
  endpoint = %q
  token    = %q
}

data "servicerequest_case" "t" {
  case_id = "CS-SECRET"
}

resource "terraform_data" "gate" {
  input = {
    messages = data.servicerequest_case.t.messages
    severity = data.servicerequest_case.t.severity_name
  }
}

output "message_count" {
  value = data.servicerequest_case.t.message_count
}
`, url, testToken)
	secrets := []string{"hunter2", "Rebooting the host now", "console.log"}

	w, r := newWorkspace(t, bin, base)
	r.Env = nil // no TF_LOG: the plan output as a user sees it
	if err := r.Run(ctx, "plan", "-input=false", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, w.out.String())
	}
	out := w.out.String()
	for _, want := range []string{
		`messages = (sensitive value)`, `severity = "Severity 1"`, `message_count = 2`,
		`Warning: Some ticket times could not be read`, `created_at ("30.11.2026 10h00")`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan output lacks %q:\n%s", want, out)
		}
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Fatalf("the plan output shows message content %q:\n%s", s, out)
		}
	}

	// With TF_LOG=TRACE, neither the provider's nor Terraform's log lines
	// quote a message.
	w, r = newWorkspace(t, bin, base)
	if err := r.Run(ctx, "plan", "-input=false", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, tail(w.out.String()))
	}
	for _, s := range secrets {
		if i := strings.Index(w.out.String(), s); i >= 0 {
			t.Fatalf("the TRACE log shows message content %q: ...%s...", s, w.out.String()[max(0, i-300):i+50])
		}
	}

	// An output of the messages not marked sensitive is refused by
	// Terraform itself.
	w, r = newWorkspace(t, bin, base+"\noutput \"messages\" {\n  value = data.servicerequest_case.t.messages\n}\n")
	r.Env = nil
	err := r.Run(ctx, "plan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(w.out.String(), "Output refers to sensitive values") {
		t.Fatalf("want Terraform's sensitive-output error, got %v:\n%s", err, w.out.String())
	}
}
