package provider_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// TestTerraform_newCredentialSourcesNeverLeak runs terraform plan with
// TF_LOG=TRACE for each credential source of the shared config file and
// assume_role, against a proxy page that echoes the security token back,
// and searches everything printed for each secret and any 16-byte run of
// one: the profile's secret key and security token, the base secret key
// of an agency, and every temporary secret key and security token the
// exchange minted.
func TestTerraform_newCredentialSourcesNeverLeak(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := providerBinary(t)
	f, url := newFake(t)
	const baseSK = "sk-BASE-agency-0123456789abcdefghij"
	f.AddAccessKey(fakeosm.AccessKey{ID: profileAK, Secret: profileSK, SecurityToken: profileSTS})
	f.AddAccessKey(fakeosm.AccessKey{ID: "AKBASEAGENCY00000001", Secret: baseSK})
	f.AddAgency(fakeosm.Agency{Name: agencyName, DomainName: agencyDomain})
	f.SetResponses("CS-STS", fakeosm.Response{HTTPStatus: 503, Body: wafBlockPage(0, "X-Security-Token")})
	file := writeSharedConfig(t, t.TempDir(), "", koocliProfiles()...)

	for _, tc := range []struct {
		name, block string
		secrets     func() []string
	}{{
		name:    "shared config profile",
		block:   fmt.Sprintf("shared_config_file = %q\n  profile = \"ticket-reader\"", file),
		secrets: func() []string { return []string{profileSK, profileSTS} },
	}, {
		name: "assume_role",
		block: fmt.Sprintf("access_key = \"AKBASEAGENCY00000001\"\n  secret_key = %q\n  auth_url = %q\n  assume_role {\n    agency_name = %q\n    domain_name = %q\n  }",
			baseSK, url+"/v3", agencyName, agencyDomain),
		secrets: func() []string {
			out := []string{baseSK}
			for _, k := range f.IssuedKeys() {
				out = append(out, k.Secret, k.SecurityToken)
			}
			if len(out) == 1 {
				t.Fatal("the fake issued no agency keys: the check would prove nothing")
			}
			return out
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			w, r := newWorkspace(t, bin, fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  %s\n  max_retries = 1\n  retry_min_delay = \"100ms\"\n  retry_max_delay = \"200ms\"\n}\n", url, tc.block)+
				readCase("ok", "CS-DONE")+readCase("sts", "CS-STS"))
			err := r.Run(ctx, "plan", "-input=false", "-no-color")
			out := w.out.String()
			if err == nil || !strings.Contains(out, "Offending header") || !strings.Contains(out, "(redacted)") {
				t.Fatalf("want the plan to fail quoting the block page with the token redacted, got %v:\n%s", err, tail(out))
			}
			if !strings.Contains(out, "[TRACE]") || !strings.Contains(out, "OSM API request") {
				t.Fatalf("the TRACE log was not captured, so the check proves nothing:\n%s", tail(out))
			}
			expectNoFragment(t, "terraform plan with TF_LOG=TRACE", out, tc.secrets()...)
		})
	}
}
