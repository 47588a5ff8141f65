package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// TestRun runs `make demo`'s program end to end: the provider binary under
// the real Terraform CLI through dev_overrides, against the fake service.
// The first plan must stop at the gate and say that this is the gate
// working; the second, after the ticket is Completed, must pass. Output
// that is not a terminal carries no colour codes, even without -no-color.
func TestRun(t *testing.T) {
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
	}
	var out bytes.Buffer
	err := Run(context.Background(), Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	s := out.String()
	gate := strings.Index(s, "==> step 1 of 2")
	open := strings.Index(s, "==> step 2 of 2")
	if gate < 0 || open < gate {
		t.Fatalf("demo output lacks its two steps in order:\n%s", s)
	}
	first, second := s[gate:open], s[open:]
	for _, c := range []struct {
		in, what, want string
	}{
		{s[:gate], "the ticket list", "CS-DEMO-1001   1 (Processing)"},
		{s[:gate], "the ticket list", "CS-DEMO-1003  17 (Pending feedback)"},
		{first, "the first plan", "terraform plan of examples/demo"},
		{first, "the first plan", "Ticket CS-DEMO-1001 is Processing; the cut-over waits until it is Completed."},
		{first, "the first plan", "The plan stopped: that is the gate working."},
		{second, "the second plan", "CS-DEMO-1001 is now Completed"},
		{second, "the second plan", `network_change    = "CS-DEMO-1001: 3 (Completed), closed"`},
		{second, "the second plan", `database_upgrade  = "CS-DEMO-1002: 1 (Processing)"`},
		{second, "the second plan", `vendor_escalation = "CS-DEMO-1003: 17 (Pending feedback)"`},
		{second, "the second plan", `cutover_allowed = true`},
		{second, "the second plan", `Vendor ticket CS-DEMO-1003 is still Pending feedback.`},
		{second, "the second plan", "The gate opened"},
	} {
		if !strings.Contains(c.in, c.want) {
			t.Errorf("%s lacks %q:\n%s", c.what, c.want, c.in)
		}
	}
	if strings.Contains(second, "Error:") {
		t.Errorf("the second plan has an error:\n%s", second)
	}
	if strings.Contains(s, "\x1b[") {
		t.Errorf("output to a non-terminal has colour codes:\n%q", s)
	}
	// Terraform wraps long messages: compare with the white space collapsed.
	detail := "Database upgrade ticket CS-DEMO-1002 (Severity 2, opened 2026-11-30T10:00:00+08:00) is still Processing."
	if !strings.Contains(strings.Join(strings.Fields(second), " "), detail) {
		t.Errorf("the second plan lacks the detail read's gate message %q:\n%s", detail, second)
	}
}
