package demo_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/demo"
)

// TestRun runs `make demo`'s program end to end: the provider binary under
// the real Terraform CLI through dev_overrides, against the fake service.
func TestRun(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("no terraform CLI on PATH")
	}
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.Options{NoColor: true, Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`network_change    = "CS-DEMO-1001: 3 (Completed), closed"`,
		`database_upgrade  = "CS-DEMO-1002: 1 (Processing)"`,
		`vendor_escalation = "CS-DEMO-1003: 17 (Pending feedback)"`,
		`cutover_allowed = true`,
		`Vendor ticket CS-DEMO-1003 is still Pending feedback.`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	// Terraform wraps long messages: compare with the white space collapsed.
	gate := "Database upgrade ticket CS-DEMO-1002 (Severity 2, opened 2026-11-30T10:00:00+08:00) is still Processing."
	if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), gate) {
		t.Errorf("demo output lacks the detail read's gate message %q:\n%s", gate, out.String())
	}
	if strings.Contains(out.String(), "Error:") {
		t.Errorf("demo output has an error:\n%s", out.String())
	}
}
