package demo_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/demo"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// TestRun runs `make demo`'s program end to end: the provider binary under
// the real Terraform CLI through dev_overrides, against the fake service.
func TestRun(t *testing.T) {
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
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
	if strings.Contains(out.String(), "Error:") {
		t.Errorf("demo output has an error:\n%s", out.String())
	}
}
