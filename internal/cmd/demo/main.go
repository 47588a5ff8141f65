// Command demo is what `make demo` runs: it reads the demo tickets through
// the real provider and the real Terraform CLI against the fake service
// (go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	var o Options
	flag.StringVar(&o.Provider, "provider", "", "provider binary (default: build one)")
	flag.StringVar(&o.Terraform, "terraform", "", "terraform executable (default: TF_ACC_TERRAFORM_PATH, else terraform on PATH)")
	flag.BoolVar(&o.NoColor, "no-color", false, "no colour in terraform's output (automatic when the output is not a terminal, or NO_COLOR is set)")
	flag.Parse()
	o.Stdout, o.Stderr = os.Stdout, os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := Run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}
