// Command bench is what `make bench` runs: it times real `terraform plan`
// runs of this provider against the fake service, side by side with the
// floors (Terraform alone, raw GETs from a Go client) and the peer a user
// would otherwise pick (N `data "http"` instances), and prints a markdown
// table of medians and ratios.
//
//	go run ./internal/cmd/bench -runs 5 -n 1,100,500 -latency 0ms,20ms
//
// The peer is terraform-provider-http v1.2.0, the only build the Go module
// proxy serves; it is installed into -cache on first use, and its rows are
// skipped with a note when it cannot be built.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

func main() {
	o := defaultOptions()
	var ns, lats string
	flag.IntVar(&o.Runs, "runs", o.Runs, "timed runs of each workload (the table shows the median, min and max)")
	flag.StringVar(&ns, "n", "1,100,500", "comma-separated numbers of tickets")
	flag.StringVar(&lats, "latency", "0ms,20ms", "comma-separated latencies of the fake service")
	flag.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "the provider's max_concurrency and the raw-GET floor's workers")
	flag.BoolVar(&o.Peer, "peer", o.Peer, "measure the http provider peer")
	flag.IntVar(&o.RSSTickets, "rss-tickets", o.RSSTickets, "tickets in the one-batch plan whose provider peak RSS is measured (0 skips)")
	flag.IntVar(&o.SearchTickets, "search-tickets", o.SearchTickets, "tickets one servicerequest_cases search finds, measured beside a batch of the same tickets (0 skips)")
	flag.StringVar(&o.Terraform, "terraform", "", "terraform executable (default: terraform on PATH)")
	flag.StringVar(&o.Provider, "provider", "", "provider binary (default: build one)")
	flag.StringVar(&o.CacheDir, "cache", ".cache/bench", "where the peer provider is installed")
	flag.StringVar(&o.Out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&o.SVG, "svg", "", "also draw plan time against N (at 20 ms latency, or the largest measured) as an SVG chart into this file")
	flag.Parse()

	var err error
	if o.Ns, err = parseInts(ns); err != nil {
		fatal(fmt.Errorf("-n: %w", err))
	}
	if o.Latencies, err = parseDurations(lats); err != nil {
		fatal(fmt.Errorf("-latency: %w", err))
	}
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	report, err := Run(ctx, o)
	if err != nil {
		fatal(err)
	}
	fmt.Print(report)
	if o.Out != "" {
		if err := os.WriteFile(o.Out, []byte(report), 0o644); err != nil {
			fatal(err)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 10000 {
			return nil, fmt.Errorf("%q is not a number of tickets between 1 and 10000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q is not a latency such as 20ms", f)
		}
		out = append(out, d)
	}
	return out, nil
}
