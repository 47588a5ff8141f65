package tfrun_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// terraformMinor returns terraform's major and minor version.
func terraformMinor(t *testing.T) (int, int) {
	t.Helper()
	out, err := exec.Command("terraform", "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(v.Version, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	return major, minor
}

// TestExamples_terraformValidate runs `terraform validate` on every example
// directory with the real provider binary (dev_overrides, no init), so the
// HCL the docs show is valid against the real schema, not only formatted.
func TestExamples_terraformValidate(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("no terraform CLI on PATH")
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
	cliConfig, err := tfrun.WriteCLIConfig(work, filepath.Dir(bin),
		map[string]string{"registry.terraform.io/hashicorp/servicerequest": filepath.Dir(bin)})
	if err != nil {
		t.Fatal(err)
	}
	major, minor := terraformMinor(t)
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
				if major == 1 && minor < 8 {
					t.Skipf("provider functions need Terraform 1.8 or later; this is %d.%d", major, minor)
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
