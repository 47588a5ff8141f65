package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// TestTerraform_silentIAMDoesNotHangThePlan: auth_url points at a listener
// that accepts connections and never answers. With request_timeout = "1s"
// the plan fails on the IAM login in seconds instead of hanging (it did for
// as long as anyone waited). The test is bounded: a hang fails it.
func TestTerraform_silentIAMDoesNotHangThePlan(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	iam, err := fakeosm.ListenSilent()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iam.Close)
	_, url := newFake(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := providerBinary(t)
	w, r := newWorkspace(t, bin, fmt.Sprintf(`
provider "servicerequest" {
  endpoint        = %q
  auth_url        = "http://%s/v3"
  user_name       = "ticket-reader"
  password        = "pw-SILENT-iam-SECRET"
  domain_name     = "example-account"
  request_timeout = "1s"
  max_retries     = 1
  retry_min_delay = "100ms"
  retry_max_delay = "100ms"
}
`, url, iam.Addr)+readCase("t", "CS-DONE"))
	err = r.Run(ctx, "plan", "-input=false", "-no-color")
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("terraform plan still running after 3 minutes: the login hangs\n%s", tail(w.out.String()))
	}
	out := w.out.String()
	if err == nil || !strings.Contains(out, "Cannot reach IAM for the password login") ||
		!strings.Contains(out, "no complete answer within 1s") || !strings.Contains(out, "after 2 attempts") {
		t.Fatalf("want the plan to fail on a timed-out login after 2 attempts, got %v:\n%s", err, tail(out))
	}
	if strings.Contains(out, "pw-SILENT-iam-SECRET") {
		t.Fatal("the output quotes the password")
	}
}
