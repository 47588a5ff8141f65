package provider_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// TestTerraform_pollLogsWithEitherLogVariable checks what the docs say of
// waiting: each poll's INFO line shows with TF_LOG_PROVIDER=INFO (the
// spelling the docs use) and with TF_LOG=INFO, and not without either.
func TestTerraform_pollLogsWithEitherLogVariable(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := providerBinary(t)
	f, url := newFake(t)
	dir := t.TempDir()
	cliConfig, err := tfrun.WriteCLIConfig(dir, filepath.Dir(bin), nil)
	if err != nil {
		t.Fatal(err)
	}
	config := "terraform {\n  required_providers {\n    servicerequest = {\n      source = \"osm-tools/servicerequest\"\n    }\n  }\n}\n" +
		providerBlock(url) + `
data "servicerequest_case_status" "t" {
  case_id           = "CS-POLL"
  wait_for_statuses = [3]
  poll_interval     = "1s"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	const line = "Service ticket CS-POLL is 1 (Processing); waiting for 3 (Completed)"
	for _, tc := range []struct {
		env  string
		want bool
	}{{"TF_LOG_PROVIDER=INFO", true}, {"TF_LOG=INFO", true}, {"", false}} {
		t.Run(tc.env, func(t *testing.T) {
			// Processing at the first poll, Completed at the second.
			f.SetResponses("CS-POLL", fakeosm.Response{Body: `{"status":1}`}, fakeosm.Response{Body: `{"status":3}`})
			var out bytes.Buffer
			env := []string{"TF_LOG_PATH="}
			if tc.env != "" {
				env = append(env, tc.env)
			}
			r := &tfrun.Runner{Dir: dir, CLIConfigFile: cliConfig, Stdout: &out, Stderr: &out, Env: env}
			// The runner adds to this process's environment: make sure it
			// has no TF_LOG* of its own.
			for _, kv := range os.Environ() {
				if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_LOG") {
					t.Setenv(k, "")
					os.Unsetenv(k)
				}
			}
			if err := r.Run(ctx, "plan", "-input=false", "-no-color"); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if got := hasLogLine(out.String(), "INFO", line); got != tc.want {
				t.Fatalf("with %q, poll log line shown = %v, want %v:\n%s", tc.env, got, tc.want, out.String())
			}
		})
	}
}
