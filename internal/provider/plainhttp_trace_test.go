package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestTerraform_plainHTTPEndpointSendsNothing: with a token and a security
// token configured and endpoint = "http://192.0.2.2:8080" (TEST-NET-1: no
// host of ours is there, and nothing may be sent to it), terraform plan
// fails on the endpoint before any connection, and neither its output nor
// its TF_LOG=TRACE log holds any 16-byte run of a secret. The test is
// bounded: a connection attempt to that address would hang it until the
// context ends, which fails it.
func TestTerraform_plainHTTPEndpointSendsNothing(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := providerBinary(t)
	const token = "tok-PLAINHTTP-9c1e5b2d7f3a-SECRET-value"
	for name, block := range map[string]string{
		"token":           fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = \"http://192.0.2.2:8080\"\n  token    = %q\n}\n", token),
		"HW_OSM_ENDPOINT": fmt.Sprintf("provider \"servicerequest\" {\n  token = %q\n}\n", token),
	} {
		t.Run(name, func(t *testing.T) {
			var env []string
			if name == "HW_OSM_ENDPOINT" {
				env = append(env, "HW_OSM_ENDPOINT=http://192.0.2.2:8080/osm")
			}
			w, r := newWorkspace(t, bin, block+readCase("t", "CS-DONE"), env...)
			err := r.Run(ctx, "plan", "-input=false", "-no-color")
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Fatalf("terraform plan did not end: it tried to reach 192.0.2.2\n%s", tail(w.out.String()))
			}
			out := w.out.String()
			if err == nil || !strings.Contains(out, "Invalid endpoint value") || !strings.Contains(strings.Join(strings.Fields(out), " "), "cleartext") {
				t.Fatalf("want the plan refused on the endpoint, got %v:\n%s", err, tail(out))
			}
			if strings.Contains(out, "192.0.2.2:8080: connect") || strings.Contains(out, "dial tcp 192.0.2.2") {
				t.Fatalf("the provider tried to connect:\n%s", tail(out))
			}
			expectNoFragment(t, "the plan's output and TRACE log", out, token)
		})
	}
}
