package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBench_smoke runs every row of the benchmark once with tiny numbers,
// through the real provider binary and the real Terraform CLI, so that the
// benchmark cannot rot. It asserts what ran, never how fast.
func TestBench_smoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider and runs terraform")
	}
	o := defaultOptions()
	o.Runs, o.Ns, o.Latencies, o.Concurrency = 1, []int{3}, []time.Duration{time.Millisecond}, 2
	o.Peer = false // installing the peer needs the module proxy
	o.RSSTickets = 30
	o.SearchTickets = 150 // two pages
	report, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(report)
	for _, want := range []string{
		"| floor: `terraform plan`, no provider calls | – |",
		"| floor: raw GETs, Go client, keep-alive | 3 |",
		"| `servicerequest_case_statuses`, one data source | 1 |",
		"| `servicerequest_case_statuses`, one data source | 3 |",
		"| `servicerequest_case_status`, `for_each` | 3 |",
		"| `servicerequest_case_status`, separate blocks | 3 |",
		"| 1 ms | 3 |",
		"| `servicerequest_cases`, one search | 150 |",
		"| `servicerequest_case_statuses`, one data source | 150 |",
		"### Search vs batch of the same 150 tickets",
		"peer rows skipped",
		"read 30 tickets in one `servicerequest_case_statuses`",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(report, " 0.00 (0.00–0.00) | \n| `servicerequest") {
		t.Error("a Terraform row took no time: it did not run")
	}
}

func TestBench_configs(t *testing.T) {
	b := &bench{o: defaultOptions()}
	for k, want := range map[kind][]string{
		singlesForEach: {`for_each = toset(local.ids)`, `"T-00001",`, `max_concurrency = 16`, `source = "osm-tools/servicerequest"`},
		singlesBlocks:  {`data "servicerequest_case_status" "t1" {`, `case_id = "T-00001"`},
		batch:          {`data "servicerequest_case_statuses" "t" {`, `case_ids = local.ids`},
		floorTF:        {`output "x"`},
		search:         {`data "servicerequest_cases" "t" {`, `search      = ["benchsearch"]`, `max_results = 2`, `length(self.cases) == 2`},
	} {
		got := b.config(k, 2)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s config lacks %q:\n%s", kindLabels[k], w, got)
			}
		}
	}
	if _, err := parseInts("1,0"); err == nil {
		t.Error("N=0 accepted")
	}
	if _, err := parseDurations("20ms,-1s"); err == nil {
		t.Error("a negative latency accepted")
	}
}
