// Package tfrun runs the real provider binary under the real Terraform CLI,
// the way a user does with dev_overrides: no registry, no terraform init.
// The demo, the log-leak tests and the benchmark share it.
package tfrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

// ProviderAddress is the registry address the provider is served under.
const ProviderAddress = provider.Address

// OpenTofuAddress is the address OpenTofu gives the same source
// ("osm-tools/servicerequest"): its default registry host differs.
const OpenTofuAddress = "registry.opentofu.org/osm-tools/servicerequest"

// Terraform returns the CLI to run: TF_ACC_TERRAFORM_PATH, the variable
// terraform-plugin-testing reads, so that one setting points every
// real-Terraform test at the same CLI (make test-matrix sets it to each
// Terraform and OpenTofu build in turn); else "terraform" on PATH.
func Terraform() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// CLIVersion is what `version -json` reports about a Terraform or OpenTofu
// CLI.
type CLIVersion struct {
	Version string // "1.14.0", without a leading v
	Major   int
	Minor   int
	// OpenTofu reports whether the CLI is OpenTofu rather than Terraform.
	OpenTofu bool
}

// Version runs `tf version -json` and parses it.
func Version(ctx context.Context, tf string) (CLIVersion, error) {
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, tf, args...)
		// No version check against checkpoint-api.hashicorp.com: offline.
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		return cmd.Output()
	}
	out, err := run("version", "-json")
	if err != nil {
		return CLIVersion{}, fmt.Errorf("%s version -json: %w", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return CLIVersion{}, fmt.Errorf("%s version -json: %w", tf, err)
	}
	cv := CLIVersion{Version: v.Version}
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &cv.Major, &cv.Minor); err != nil {
		return cv, fmt.Errorf("%s reports version %q: %w", tf, v.Version, err)
	}
	// OpenTofu's human-readable version line starts with its name.
	human, err := run("version")
	if err != nil {
		return cv, fmt.Errorf("%s version: %w", tf, err)
	}
	cv.OpenTofu = bytes.HasPrefix(human, []byte("OpenTofu"))
	return cv, nil
}

// AtLeast reports whether the version is major.minor or later.
func (v CLIVersion) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// BinaryName is the provider executable's name.
const BinaryName = "terraform-provider-servicerequest"

// ModuleRoot finds the repository root (the directory holding go.mod) from
// the current directory upwards.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the current directory")
		}
		dir = parent
	}
}

// BuildProvider builds the provider from the module root into outDir and
// returns the binary's path.
func BuildProvider(ctx context.Context, outDir, version string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(outDir, BinaryName)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags", "-X main.version="+version, "-o", bin, ".")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out.String())
	}
	return bin, nil
}

// WriteCLIConfig writes a Terraform CLI configuration that serves the
// provider at ProviderAddress and OpenTofuAddress from providerDir (plus any
// extra addresses mapped to their directories) and returns its path.
func WriteCLIConfig(dir, providerDir string, extra map[string]string) (string, error) {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	fmt.Fprintf(&b, "    %q = %q\n", ProviderAddress, providerDir)
	fmt.Fprintf(&b, "    %q = %q\n", OpenTofuAddress, providerDir)
	for addr, d := range extra {
		fmt.Fprintf(&b, "    %q = %q\n", addr, d)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	path := filepath.Join(dir, "terraformrc")
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}

// Runner runs terraform in one working directory.
type Runner struct {
	Terraform     string   // the terraform executable; "" means Terraform()
	Dir           string   // the working directory with the .tf files
	CLIConfigFile string   // TF_CLI_CONFIG_FILE
	Env           []string // extra KEY=VALUE pairs
	Stdout        io.Writer
	Stderr        io.Writer
}

// Run runs terraform with args. Output goes to the runner's writers.
func (r *Runner) Run(ctx context.Context, args ...string) error {
	tf := r.Terraform
	if tf == "" {
		tf = Terraform()
	}
	cmd := exec.CommandContext(ctx, tf, args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+r.CLIConfigFile,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_INPUT=0",
	)
	cmd.Env = append(cmd.Env, r.Env...)
	cmd.Stdout, cmd.Stderr = r.Stdout, r.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// CopyTF copies the .tf files of srcDir into dstDir.
func CopyTF(srcDir, dstDir string) error {
	matches, err := filepath.Glob(filepath.Join(srcDir, "*.tf"))
	if err != nil {
		return err
	}
	if len(matches) == 0 {
		return fmt.Errorf("no .tf files in %s", srcDir)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dstDir, filepath.Base(m)), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}
