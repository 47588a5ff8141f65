package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// leakToken is what the real-Terraform tests configure; it must never
// appear in anything Terraform prints or stores.
const leakToken = "tok-LEAKCHECK-7f3a9c1e5b2d"

// tfWorkspace is a scratch directory where the built provider binary runs
// under the real Terraform CLI through dev_overrides, without init.
type tfWorkspace struct {
	dir, cliConfig string
	out            *bytes.Buffer // stdout and stderr, interleaved
}

func newWorkspace(t *testing.T, bin, config string, env ...string) (*tfWorkspace, *tfrun.Runner) {
	t.Helper()
	dir := t.TempDir()
	cliConfig, err := tfrun.WriteCLIConfig(dir, filepath.Dir(bin), nil)
	if err != nil {
		t.Fatal(err)
	}
	versions := "terraform {\n  required_providers {\n    servicerequest = {\n      source = \"osm-tools/servicerequest\"\n    }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(versions+config), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &tfWorkspace{dir: dir, cliConfig: cliConfig, out: &bytes.Buffer{}}
	r := &tfrun.Runner{Dir: dir, CLIConfigFile: cliConfig, Stdout: w.out, Stderr: w.out,
		Env: append([]string{"TF_LOG=TRACE", "TF_LOG_PATH="}, env...)}
	return w, r
}

// expectNoToken fails when the token, or its distinctive part, appears in
// text.
func expectNoToken(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{leakToken, strings.TrimPrefix(leakToken, "tok-")} {
		if i := strings.Index(text, s); i >= 0 {
			lo, hi := max(0, i-300), min(len(text), i+len(s)+100)
			t.Fatalf("%s leaks the token:\n...%s...", what, text[lo:hi])
		}
	}
}

// hasLogLine reports whether the log has a line of the provider at level
// with message msg and every one of fields (hclog prints them in any order).
func hasLogLine(log, level, msg string, fields ...string) bool {
	tag, prefix := "["+level+"]", " provider.terraform-provider-servicerequest: "+msg+": "
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, tag) || !strings.Contains(line, prefix) {
			continue
		}
		all := true
		for _, f := range fields {
			all = all && strings.Contains(line, " "+f)
		}
		if all {
			return true
		}
	}
	return false
}

// TestTerraform_logsNeverLeakTheToken runs the built provider under the
// real Terraform CLI with TF_LOG=TRACE and searches everything it prints,
// and the state it writes, for the token.
func TestTerraform_logsNeverLeakTheToken(t *testing.T) {
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := providerBinary(t)

	f, url := newFake(t)
	f.AddToken(leakToken)
	f.SetStatus("CS-OK", 3)
	f.SetStatus("CS-RETRY", 1)
	reads := `
data "servicerequest_case_status" "ok" {
  case_id = "CS-OK"
}
data "servicerequest_case_status" "retry" {
  case_id = "CS-RETRY"
}
output "statuses" {
  value = [data.servicerequest_case_status.ok.status_name, data.servicerequest_case_status.retry.status_name]
}
`
	inHCL := fmt.Sprintf(`
provider "servicerequest" {
  endpoint        = %q
  token           = %q
  retry_min_delay = "100ms"
  retry_max_delay = "200ms"
}
`, url, leakToken)

	t.Run("plan with a retry, token in the provider block", func(t *testing.T) {
		f.SetResponses("CS-RETRY", fakeosm.Response{HTTPStatus: 503, Body: `{"error_code":"OSM.0004","error_msg":"busy"}`}, fakeosm.Response{Body: `{"status":1}`})
		before := f.RequestCount("CS-RETRY")
		w, r := newWorkspace(t, bin, inHCL+reads)
		if err := r.Run(ctx, "plan", "-input=false", "-no-color"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		out := w.out.String()
		expectNoToken(t, "terraform plan with TF_LOG=TRACE", out)
		if !hasLogLine(out, "DEBUG", "OSM API request", "attempt=1", "method=GET", "path=/v2/servicerequest/cases/CS-OK/status",
			"status=200", "request_id=fake-", "duration_ms=") {
			t.Fatalf("the log has no DEBUG attempt line, so the check proves nothing:\n%s", grepLines(out, "OSM API"))
		}
		if !hasLogLine(out, "WARN", "OSM API request failed, retrying", "attempt=1", "delay_ms=",
			`reason="server error: HTTP 503, error_code OSM.0004`) {
			t.Fatalf("the log has no WARN line for the retry:\n%s", grepLines(out, "OSM API"))
		}
		if got := f.RequestCount("CS-RETRY") - before; got != 2 {
			t.Fatalf("the fake saw %d requests for CS-RETRY, want 2 (a 503, then the retry)", got)
		}
		if !strings.Contains(out, `"Completed"`) || !strings.Contains(out, `"Processing"`) {
			t.Fatalf("the plan does not show the statuses:\n%s", tail(out))
		}
		expectFakeSawToken(t, f)
	})

	t.Run("401 with the token from HW_AUTH_TOKEN", func(t *testing.T) {
		const rejected = leakToken + "-expired"
		w, r := newWorkspace(t, bin, fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n}\n", url)+reads,
			"HW_AUTH_TOKEN="+rejected)
		err := r.Run(ctx, "plan", "-input=false", "-no-color")
		out := w.out.String()
		if err == nil || !strings.Contains(out, "rejected the credentials") || !strings.Contains(out, "APIGW.0301") {
			t.Fatalf("want the 401 diagnostic, got %v:\n%s", err, tail(out))
		}
		expectNoToken(t, "a failed terraform plan with TF_LOG=TRACE", out)
		if !hasLogLine(out, "DEBUG", "OSM API request", "status=401", "attempt=1") {
			t.Fatalf("the log has no DEBUG line for the 401 attempt:\n%s", tail(out))
		}
	})

	t.Run("apply, state and show -json", func(t *testing.T) {
		f.SetResponses("CS-RETRY")
		w, r := newWorkspace(t, bin, inHCL+reads)
		if err := r.Run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		var show bytes.Buffer
		r.Stdout, r.Env = &show, nil
		if err := r.Run(ctx, "show", "-json"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		if !strings.Contains(show.String(), `"status_name":"Completed"`) {
			t.Fatalf("show -json does not hold the data sources:\n%s", show.String())
		}
		state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		expectNoToken(t, "terraform apply with TF_LOG=TRACE", w.out.String())
		expectNoToken(t, "terraform show -json", show.String())
		expectNoToken(t, "the state file", string(state))
	})

	t.Run("insecure warns in the plan output", func(t *testing.T) {
		tf := fakeosm.New(leakToken)
		tf.SetStatus("CS-OK", 3)
		srv := httptest.NewUnstartedServer(tf)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		defer srv.Close()
		w, r := newWorkspace(t, bin, fmt.Sprintf(`
provider "servicerequest" {
  endpoint = %q
}
data "servicerequest_case_status" "ok" {
  case_id = "CS-OK"
}
`, srv.URL), "HW_AUTH_TOKEN="+leakToken, "HW_INSECURE=true")
		if err := r.Run(ctx, "plan", "-input=false", "-no-color"); err != nil {
			t.Fatalf("%v\n%s", err, tail(w.out.String()))
		}
		out := w.out.String()
		if !strings.Contains(out, "Warning: TLS certificate verification is disabled") || !strings.Contains(out, "HW_INSECURE") {
			t.Fatalf("no insecure warning in the plan output:\n%s", tail(out))
		}
		expectNoToken(t, "an insecure terraform plan", out)
	})
}

// TestTerraform_interruptStopsAHangingRead sends Ctrl-C (SIGINT) to a real
// terraform plan whose read hangs with a long request_timeout: the read
// must stop at once instead of waiting for the timeout or retrying.
func TestTerraform_interruptStopsAHangingRead(t *testing.T) {
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
	}
	bin := providerBinary(t)
	f, url := newFake(t)
	f.SetResponses("CS-HANG", fakeosm.Response{Fault: fakeosm.FaultHang})
	w, _ := newWorkspace(t, bin, providerBlock(url, `request_timeout = "10m"`)+readCase("t", "CS-HANG"))
	cmd := exec.Command(tfrun.Terraform(), "plan", "-input=false", "-no-color")
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for f.RequestCount("CS-HANG") == 0 {
		select {
		case err := <-done:
			t.Fatalf("terraform ended before the read: %v\n%s", err, w.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("an interrupted plan must fail:\n%s", w.out.String())
		}
	case <-time.After(2 * time.Minute): // a guard against a hang, far below the 10m timeout
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not stop after Ctrl-C:\n%s", w.out.String())
	}
	if n := f.RequestCount("CS-HANG"); n != 1 {
		t.Fatalf("the fake saw %d requests; an interrupted read must not be retried", n)
	}
	if !strings.Contains(w.out.String(), "canceled") {
		t.Fatalf("the output should say the read was canceled:\n%s", w.out.String())
	}
}

// expectFakeSawToken proves the token was really configured and sent.
func expectFakeSawToken(t *testing.T, f *fakeosm.Server) {
	t.Helper()
	for _, r := range f.Requests() {
		if r.Header.Get("X-Auth-Token") == leakToken {
			return
		}
	}
	t.Fatal("the fake never received the token, so its absence from the logs proves nothing")
}

// tail returns the end of a long output for a failure message.
func tail(s string) string {
	const n = 6000
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// grepLines returns the lines of s that contain substr.
func grepLines(s, substr string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
