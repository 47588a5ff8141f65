package main

// The demo runs examples/demo through the real provider binary and the real
// Terraform CLI against the fake service, offline: a plan that the gate
// stops while the change ticket is open, then the same plan after the
// ticket is Completed.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// Token is what the demo's fake accepts. It is a fake's token, not a secret.
const Token = "demo-token"

// Dir is the demo's configuration, relative to the module root.
const Dir = "examples/demo"

// GateTicket is the change ticket the cut-over gate in examples/demo waits on.
const GateTicket = "CS-DEMO-1001"

// Tickets are the demo's tickets and their statuses at the start.
var Tickets = map[string]int{
	GateTicket:     1,  // Processing: the gate holds until a step completes it
	"CS-DEMO-1002": 1,  // Processing
	"CS-DEMO-1003": 17, // Pending feedback: the check block warns
}

// Step is one `terraform plan` of the demo: the statuses to set on the
// fake before it, whether the plan must stop with an error, and what the
// demo says before and after it.
type Step struct {
	Title    string         // what this step shows, printed before the plan
	Set      map[string]int // ticket statuses to set before the plan
	WantFail bool           // the plan must fail (the gate holding)
	Result   string         // printed after the plan went as expected
}

// Steps are what the demo runs, in order.
var Steps = []Step{
	{
		Title:    fmt.Sprintf("plan while the change ticket %s is %s", GateTicket, osm.Status(Tickets[GateTicket]).Name()),
		WantFail: true,
		Result: fmt.Sprintf("The plan stopped: that is the gate working. The postcondition on "+
			"data.servicerequest_case_status.cutover_gate refuses to plan the cut-over while %s is not Completed.", GateTicket),
	},
	{
		Title:  fmt.Sprintf("the ticket moves on: %s is now Completed; plan again", GateTicket),
		Set:    map[string]int{GateTicket: 3},
		Result: "The gate opened: cutover_allowed = true. The check block still warns that CS-DEMO-1003 is open, without failing the plan.",
	},
}

// DetailedTicket is the demo ticket read in full: its severity shows in a
// gate message.
var DetailedTicket = fakeosm.Ticket{
	ID: "CS-DEMO-1002", Status: Tickets["CS-DEMO-1002"], Description: "Upgrade RDS to 8.0",
	SeverityName: "Severity 2", TypeName: "Technical issue", BusinessTypeName: "RDS",
	Created: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC), // 10:00 GMT+8
}

// Options controls a demo run.
type Options struct {
	Terraform string // terraform executable; "" for tfrun.Terraform()
	Provider  string // provider binary; "" builds one
	NoColor   bool   // no colour codes even on a terminal; off a terminal there are none anyway
	Stdout    io.Writer
	Stderr    io.Writer
}

// Run starts the fake, writes a dev_overrides CLI config, runs each of
// Steps as a terraform plan of examples/demo in a scratch directory and
// stops the fake. It fails when a plan does not end as its step expects.
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
	say := func(format string, args ...any) { fmt.Fprintf(o.Stdout, "==> "+format+"\n", args...) }

	bin := o.Provider
	if bin == "" {
		say("building the provider")
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
	f.SetTicket(DetailedTicket)
	srv, err := fakeosm.Listen(f, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	say("fake Service Ticket API on %s with %d tickets:", srv.URL, len(Tickets))
	printTickets(o.Stdout, Tickets)

	cliConfig, err := tfrun.WriteCLIConfig(work, filepath.Dir(bin), nil)
	if err != nil {
		return err
	}
	dir := filepath.Join(work, "demo")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	if err := tfrun.CopyTF(filepath.Join(root, filepath.FromSlash(Dir)), dir); err != nil {
		return err
	}
	r := &tfrun.Runner{
		Terraform: o.Terraform, Dir: dir, CLIConfigFile: cliConfig,
		Env:    []string{"HW_OSM_ENDPOINT=" + srv.URL, "HW_AUTH_TOKEN=" + Token},
		Stdout: o.Stdout, Stderr: o.Stderr,
	}
	args := []string{"plan", "-input=false"}
	if o.NoColor || !IsTerminal(o.Stdout) || !IsTerminal(o.Stderr) {
		args = append(args, "-no-color")
	}
	for i, s := range Steps {
		for id, status := range s.Set {
			f.SetStatus(id, status)
		}
		say("step %d of %d: %s", i+1, len(Steps), s.Title)
		say("terraform plan of %s (dev_overrides, no init)", Dir)
		err := r.Run(ctx, args...)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case s.WantFail && err == nil:
			return fmt.Errorf("step %d: the plan succeeded, but the gate should have stopped it", i+1)
		case !s.WantFail && err != nil:
			return fmt.Errorf("step %d: %w", i+1, err)
		}
		say("%s", s.Result)
	}
	say("done: the fake answered %d requests", f.RequestCount(""))
	return nil
}

// printTickets lists the tickets with their statuses, in ID order.
func printTickets(w io.Writer, tickets map[string]int) {
	ids := make([]string, 0, len(tickets))
	for id := range tickets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(w, "      %s  %2d (%s)\n", id, tickets[id], osm.Status(tickets[id]).Name())
	}
}

// IsTerminal reports whether w is a character device (a terminal), the
// only place colour codes belong. NO_COLOR (https://no-color.org) in the
// environment turns colour off everywhere.
func IsTerminal(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}
