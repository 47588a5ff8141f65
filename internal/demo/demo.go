// Package demo runs examples/demo through the real provider binary and the
// real Terraform CLI against the fake service, offline.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// Token is what the demo's fake accepts. It is a fake's token, not a secret.
const Token = "demo-token"

// Tickets are the demo's tickets and their statuses.
var Tickets = map[string]int{
	"CS-DEMO-1001": 3,  // Completed: the cut-over gate holds
	"CS-DEMO-1002": 1,  // Processing
	"CS-DEMO-1003": 17, // Pending feedback: the check block warns
}

// Options controls a demo run.
type Options struct {
	Terraform string // terraform executable; "" for tfrun.Terraform()
	Provider  string // provider binary; "" builds one
	NoColor   bool
	Stdout    io.Writer
	Stderr    io.Writer
}

// Run starts the fake, writes a dev_overrides CLI config, runs terraform
// plan on examples/demo in a scratch directory and stops the fake.
func Run(ctx context.Context, o Options) error {
	root, err := tfrun.ModuleRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "servicerequest-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := o.Provider
	if bin == "" {
		fmt.Fprintln(o.Stdout, "==> building the provider")
		if bin, err = tfrun.BuildProvider(ctx, work, "demo"); err != nil {
			return err
		}
	}
	bin, err = filepath.Abs(bin)
	if err != nil {
		return err
	}
	f := fakeosm.New(Token)
	for id, s := range Tickets {
		f.SetStatus(id, s)
	}
	srv, err := fakeosm.Listen(f, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(o.Stdout, "==> fake Service Ticket API on %s\n", srv.URL)

	cliConfig, err := tfrun.WriteCLIConfig(work, filepath.Dir(bin), nil)
	if err != nil {
		return err
	}
	dir := filepath.Join(work, "demo")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	if err := tfrun.CopyTF(filepath.Join(root, "examples", "demo"), dir); err != nil {
		return err
	}
	r := &tfrun.Runner{
		Terraform: o.Terraform, Dir: dir, CLIConfigFile: cliConfig,
		Env:    []string{"HW_OSM_ENDPOINT=" + srv.URL, "HW_AUTH_TOKEN=" + Token},
		Stdout: o.Stdout, Stderr: o.Stderr,
	}
	args := []string{"plan", "-input=false"}
	if o.NoColor {
		args = append(args, "-no-color")
	}
	fmt.Fprintln(o.Stdout, "==> terraform plan (dev_overrides, no init)")
	if err := r.Run(ctx, args...); err != nil {
		return err
	}
	fmt.Fprintf(o.Stdout, "==> done: the fake answered %d requests\n", f.RequestCount(""))
	return nil
}
