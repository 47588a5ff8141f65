package tfrun_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// TestREADME_tryingItByHand runs the shell block of README.md's "Trying it
// against the fake by hand" as written, in bash at the repository root:
// make install (into a scratch GOBIN, not the developer's), the
// dev_overrides file, the fake in the background, a plan the gate stops,
// a plan that passes, and the fake stopped.
func TestREADME_tryingItByHand(t *testing.T) {
	for _, tool := range []string{"bash", "make", "terraform", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH", tool)
		}
	}
	root, err := tfrun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	block := readmeBlock(t, root, "## Trying it against the fake by hand", "shell")
	// A fake left behind by a failing line is stopped on exit; the last
	// line reports whether the README's own kill stopped it.
	script := "trap 'kill \"$FAKEOSM_PID\" 2>/dev/null' EXIT\n" + block +
		// A stopped process may linger as a zombie until init reaps it.
		"sleep 1; case \"$(ps -o stat= -p \"$FAKEOSM_PID\" 2>/dev/null)\" in \"\"|Z*) ;; *) echo FAKE-STILL-RUNNING;; esac\n"

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = root
	gobin := t.TempDir()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "TF_CLI_CONFIG_FILE" && k != "GOBIN" && !strings.HasPrefix(k, "HW_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GOBIN="+gobin, "CHECKPOINT_DISABLE=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // the first plan fails on purpose; the output says how each line went
	s := out.String()

	stop := strings.Index(s, "Ticket CS-DEMO-1001 is Processing; the cut-over waits")
	pass := strings.Index(s, "cutover_allowed = true")
	switch {
	case !strings.Contains(s, filepath.Join(gobin, tfrun.BinaryName)):
		t.Errorf("make install did not put the provider into GOBIN (%s):\n%s", gobin, s)
	case strings.Count(s, "fake Service Ticket API on http://127.0.0.1:") != 2:
		t.Errorf("the fake did not start twice in the background:\n%s", s)
	case stop < 0:
		t.Errorf("the first plan did not stop at the gate:\n%s", s)
	case pass < stop:
		t.Errorf("the second plan did not pass after the first stopped:\n%s", s)
	case strings.Contains(s, "FAKE-STILL-RUNNING"):
		t.Errorf("kill \"$FAKEOSM_PID\" did not stop the fake:\n%s", s)
	}
	for _, bad := range []string{"command not found", "No such file", "Inconsistent dependency lock file", "terraform init"} {
		if strings.Contains(s, bad) {
			t.Errorf("the README's commands printed %q:\n%s", bad, s)
		}
	}
	for _, f := range []string{".terraform", ".terraform.lock.hcl"} {
		if _, err := os.Stat(filepath.Join(root, "examples", "demo", f)); err == nil {
			t.Errorf("the README's plan left examples/demo/%s behind", f)
		}
	}
}
