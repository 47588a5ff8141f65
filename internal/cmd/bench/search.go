package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// The search workload: one servicerequest_cases that finds n tickets (n/100
// pages, the pages after the first read concurrently) beside one
// servicerequest_case_statuses reading the same n tickets one status call
// each.

// searchKeyword is in the description of exactly the searched tickets.
const searchKeyword = "benchsearch"

// seedSearch gives the first n tickets a description and a creation time,
// so that a search for searchKeyword finds exactly them, with the fields a
// real answer carries.
func seedSearch(f *fakeosm.Server, n int) {
	known := osm.KnownStatuses()
	start := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	for i := range n {
		f.SetTicket(fakeosm.Ticket{
			ID: ticketID(i), Status: int(known[i%len(known)]),
			Description: fmt.Sprintf("%s ticket %d about ECS", searchKeyword, i), TypeName: "Technical issue",
			BusinessTypeName: "ECS", RegionName: "cn-south-1", CustomerID: "bench-account",
			Created: start.Add(time.Duration(i) * time.Second),
			Labels:  []fakeosm.Label{{ID: 1, Name: "bench", Color: "blue"}},
		})
	}
}

func searchPages(n int) int { return (n + osm.PageSize - 1) / osm.PageSize }

func searchConfig(n int) string {
	return fmt.Sprintf("data \"servicerequest_cases\" \"t\" {\n  search      = [%q]\n  max_results = %d\n\n"+
		"  lifecycle {\n    postcondition {\n      condition     = length(self.cases) == %d && !self.truncated\n"+
		"      error_message = \"the search found ${length(self.cases)} tickets\"\n    }\n  }\n}\n", searchKeyword, n, n)
}

// searchWorkloads adds the search and, unless ks has it, the batch of the
// same tickets.
func (b *bench) searchWorkloads(ks []key) []key {
	n := b.o.SearchTickets
	if n <= 0 {
		return nil
	}
	out := []key{{k: search, n: n}}
	if !slices.Contains(ks, key{k: batch, n: n}) {
		out = append(out, key{k: batch, n: n})
	}
	return out
}

func (b *bench) searchReport(s *strings.Builder) {
	n := b.o.SearchTickets
	if n <= 0 {
		return
	}
	fmt.Fprintf(s, "\n### Search vs batch of the same %d tickets\n\n", n)
	fmt.Fprintf(s, "One `servicerequest_cases` finding %d tickets (%d requests of %d: the first, then the others concurrently) "+
		"beside one `servicerequest_case_statuses` reading the same tickets (%d requests, %d at once). Median seconds.\n\n",
		n, searchPages(n), osm.PageSize, n, b.o.Concurrency)
	s.WriteString("| latency | `servicerequest_cases` | `servicerequest_case_statuses` | search / batch |\n| --- | ---: | ---: | ---: |\n")
	for _, l := range b.o.Latencies {
		sr, bt := b.results[key{k: search, n: n, latency: l}].median(), b.results[key{k: batch, n: n, latency: l}].median()
		fmt.Fprintf(s, "| %s | %s | %s | %s |\n", latencyLabel(l), secs(sr), secs(bt), ratio(sr, bt))
	}
}
