package provider_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never answered
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		for _, c := range conns {
			_ = c.Close()
		}
	})
	_, url := newFake(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin, err := tfrun.BuildProvider(ctx, t.TempDir(), "silentiam")
	if err != nil {
		t.Fatal(err)
	}
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
`, url, ln.Addr())+readCase("t", "CS-DONE"))
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
