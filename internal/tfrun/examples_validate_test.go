package tfrun_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// TestExamples_terraformValidate runs `terraform validate` on every example
// directory with the real provider binary (dev_overrides, no init), so the
// HCL the docs show is valid against the real schema, not only formatted.
func TestExamples_terraformValidate(t *testing.T) {
	if _, err := exec.LookPath(tfrun.Terraform()); err != nil {
		t.Skipf("no terraform CLI (%s)", tfrun.Terraform())
	}
	root, err := tfrun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	examples := filepath.Join(root, "examples")
	err = filepath.WalkDir(examples, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no example directories found")
	}
	ctx := context.Background()
	work := t.TempDir()
	bin, err := tfrun.BuildProvider(ctx, work, "test")
	if err != nil {
		t.Fatal(err)
	}
	// Examples without a required_providers block use the default
	// hashicorp namespace; serve the same binary there too.
	cliConfig, err := tfrun.WriteCLIConfig(work, filepath.Dir(bin), map[string]string{
		"registry.terraform.io/hashicorp/servicerequest": filepath.Dir(bin),
		"registry.opentofu.org/hashicorp/servicerequest": filepath.Dir(bin),
	})
	if err != nil {
		t.Fatal(err)
	}
	cli, err := tfrun.Version(ctx, tfrun.Terraform())
	if err != nil {
		t.Fatal(err)
	}
	var sorted []string
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	// A directory whose files each configure the provider (the alternative
	// authentication methods in examples/provider) holds alternatives, not
	// one configuration: each file is validated on its own.
	var units [][]string
	for _, dir := range sorted {
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		blocks := 0
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			blocks += strings.Count(string(b), "provider \"servicerequest\" {")
		}
		if blocks > 1 {
			for _, f := range files {
				units = append(units, []string{f})
			}
		} else {
			units = append(units, files)
		}
	}
	for _, files := range units {
		dir := filepath.Dir(files[0])
		rel, _ := filepath.Rel(examples, dir)
		name := filepath.ToSlash(rel)
		if len(files) == 1 {
			name += "/" + filepath.Base(files[0])
		}
		t.Run(name, func(t *testing.T) {
			if strings.HasPrefix(filepath.ToSlash(rel), "functions/") || strings.Contains(rel, "gating") {
				if !cli.AtLeast(1, 8) {
					t.Skipf("provider functions need Terraform 1.8 or later; this is %s", cli.Version)
				}
			}
			if strings.HasPrefix(filepath.ToSlash(rel), "actions/") || strings.Contains(rel, "apply_time") {
				if !cli.AtLeast(1, 14) || cli.OpenTofu {
					t.Skipf("actions need Terraform 1.14 or later; this is %s", cli.Version)
				}
			}
			tmp := t.TempDir()
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			// Provider functions are only found through required_providers,
			// which real configurations have; examples that show a fragment
			// get the block a user would already have.
			if !dirDeclaresProviders(t, tmp) {
				versions := "terraform {\n  required_providers {\n    servicerequest = {\n      source = \"osm-tools/servicerequest\"\n    }\n  }\n}\n"
				if err := os.WriteFile(filepath.Join(tmp, "zz_versions_test.tf"), []byte(versions), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			r := &tfrun.Runner{Dir: tmp, CLIConfigFile: cliConfig, Stdout: &out, Stderr: &out}
			if err := r.Run(ctx, "validate", "-no-color"); err != nil {
				t.Fatalf("examples/%s: %v\n%s", rel, err, out.String())
			}
			if _, err := os.Stat(filepath.Join(tmp, ".terraform")); err == nil {
				t.Fatal("validate must not need terraform init")
			}
		})
	}
}

func dirDeclaresProviders(t *testing.T, dir string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "required_providers") {
			return true
		}
	}
	return false
}
