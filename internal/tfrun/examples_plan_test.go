package tfrun_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// readmeBlock returns the first fenced block of the given language after
// the heading in README.md.
func readmeBlock(t *testing.T, root, heading, lang string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q heading", heading)
	}
	_, after, ok = strings.Cut(after, "```"+lang+"\n")
	if !ok {
		t.Fatalf("README.md has no ```%s block under %q", lang, heading)
	}
	block, _, ok := strings.Cut(after, "```")
	if !ok {
		t.Fatalf("README.md: unterminated ```%s block under %q", lang, heading)
	}
	return block
}

// TestExamples_planWithRequiredProviders plans the first examples a newcomer
// copies (README "Using it", the docs index's Example Usage, and each data
// source's Example Usage under it) with the real provider binary and the
// real Terraform CLI, against the fake. The CLI configuration serves the
// provider only as osm-tools/servicerequest, through dev_overrides and
// without init, so these examples plan only because they declare that
// source, as a registry user's must.
func TestExamples_planWithRequiredProviders(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("no terraform CLI on PATH")
	}
	root, err := tfrun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	work := t.TempDir()
	bin, err := tfrun.BuildProvider(ctx, work, "test")
	if err != nil {
		t.Fatal(err)
	}
	cliConfig, err := tfrun.WriteCLIConfig(work, filepath.Dir(bin), nil)
	if err != nil {
		t.Fatal(err)
	}
	const token = "examples-token"
	f := fakeosm.New(token)
	for _, id := range []string{"CS20261130000001", "CS20261130000002", "CS20261130000003"} {
		f.SetStatus(id, 3)
	}
	srv, err := fakeosm.Listen(f, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	example := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, "examples", rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	readme := readmeBlock(t, root, "## Using it", "terraform")
	plan := func(t *testing.T, hcl string) (string, error) {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		r := &tfrun.Runner{Dir: dir, CLIConfigFile: cliConfig, Stdout: &out, Stderr: &out,
			Env: []string{"HW_OSM_ENDPOINT=" + srv.URL, "HW_AUTH_TOKEN=" + token}}
		err := r.Run(ctx, "plan", "-no-color", "-input=false")
		if _, serr := os.Stat(filepath.Join(dir, ".terraform")); serr == nil {
			t.Error("plan must not need terraform init")
		}
		return out.String(), err
	}

	for name, tc := range map[string]struct {
		hcl  string
		want []string
	}{
		"README Using it": {readme, []string{"No changes."}},
		"docs index + servicerequest_case_status": {
			example("provider/provider.tf") + "\n" + example("data-sources/servicerequest_case_status/data-source.tf"),
			[]string{`upgrade_ticket = "CS20261130000001 is Completed"`},
		},
		"docs index + servicerequest_case_statuses": {
			example("provider/provider.tf") + "\n" + example("data-sources/servicerequest_case_statuses/data-source.tf"),
			[]string{`release_tickets_by_status = {`, `Completed = 3`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(tc.hcl, `source  = "osm-tools/servicerequest"`) || !strings.Contains(tc.hcl, `version = "~> `) {
				t.Fatalf("the example does not declare the source with a version constraint:\n%s", tc.hcl)
			}
			out, err := plan(t, tc.hcl)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("plan output lacks %q:\n%s", w, out)
				}
			}
		})
	}

	// The same README example without its terraform block fails the way
	// the issue reported: Terraform looks for hashicorp/servicerequest.
	t.Run("without required_providers", func(t *testing.T) {
		_, rest, ok := strings.Cut(readme, "\n}\n")
		if !ok || strings.Contains(rest, "required_providers") {
			t.Fatalf("cannot strip the terraform block from the README example:\n%s", readme)
		}
		out, err := plan(t, rest)
		if err == nil || !strings.Contains(out, "hashicorp/servicerequest") {
			t.Fatalf("a plan without required_providers should fail on hashicorp/servicerequest; err %v:\n%s", err, out)
		}
	})
}
