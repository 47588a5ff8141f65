package main

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func latencyLabel(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// report renders the results as markdown.
func (b *bench) report() string {
	var s strings.Builder
	fmt.Fprintf(&s, "### Plan times: median of %d runs (min–max), seconds\n\n", b.o.Runs)
	fmt.Fprintf(&s, "Machine: %s. %s, %s, %s, `max_concurrency = %d`, Terraform's default `-parallelism=10`. %s.\n\n",
		machine(), runtime.Version(), terraformVersion(b.o.Terraform), peerLabel(b.peer), b.o.Concurrency, time.Now().UTC().Format("2006-01-02"))
	if b.peerNote != "" {
		fmt.Fprintf(&s, "> Note: %s.\n\n", b.peerNote)
	}
	s.WriteString("| workload | N |")
	for _, l := range b.o.Latencies {
		fmt.Fprintf(&s, " %s |", latencyLabel(l))
	}
	s.WriteString("\n| --- | ---: |")
	for range b.o.Latencies {
		s.WriteString(" ---: |")
	}
	s.WriteString("\n")
	for _, k := range b.workloads() {
		n := fmt.Sprint(k.n)
		if k.k == floorTF {
			n = "–"
		}
		fmt.Fprintf(&s, "| %s | %s |", kindLabels[k.k], n)
		for _, l := range b.o.Latencies {
			k.latency = l
			m, lo, hi := b.results[k].stats()
			fmt.Fprintf(&s, " %s (%s–%s) |", secs(m), secs(lo), secs(hi))
		}
		s.WriteString("\n")
	}

	s.WriteString("\n### Ratios of medians\n\n")
	s.WriteString("`fixed` is one `servicerequest_case_statuses` with 1 id: Terraform's fixed cost with this provider. " +
		"A ratio below 1 means this provider is faster.\n\n")
	s.WriteString("| latency | N | singles for_each / peer | singles blocks / peer | batch / singles for_each | batch / singles blocks | batch / (fixed + raw GETs) | batch / floor (terraform alone) |\n")
	s.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, l := range b.o.Latencies {
		get := func(k kind, n int) time.Duration { return b.results[key{k: k, n: n, latency: l}].median() }
		for _, n := range b.o.Ns {
			fixedPlusRaw := time.Duration(0)
			if f, r := get(batch, 1), get(floorRaw, n); f > 0 && r > 0 {
				fixedPlusRaw = f + r
			}
			fmt.Fprintf(&s, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", latencyLabel(l), n,
				ratio(get(singlesForEach, n), get(peerForEach, n)),
				ratio(get(singlesBlocks, n), get(peerBlocks, n)),
				ratio(get(batch, n), get(singlesForEach, n)),
				ratio(get(batch, n), get(singlesBlocks, n)),
				ratio(get(batch, n), fixedPlusRaw),
				ratio(get(batch, n), get(floorTF, 0)))
		}
	}

	b.searchReport(&s) // search.go

	if b.rss.tickets > 0 {
		s.WriteString("\n### Provider memory\n\n")
		if b.rss.note != "" {
			fmt.Fprintf(&s, "Peak RSS reading %d tickets in one batch: not measured (%s).\n", b.rss.tickets, b.rss.note)
		} else {
			fmt.Fprintf(&s, "Peak RSS of the provider process (VmHWM, largest of the %d provider processes Terraform started) while "+
				"`terraform plan` read %d tickets in one `servicerequest_case_statuses` at 0 ms latency: **%.1f MiB** "+
				"(plan took %s s).\n", b.rss.processes, b.rss.tickets, float64(b.rss.peakKiB)/1024, secs(b.rss.plan))
		}
	}

	s.WriteString("\n### Targets\n\n")
	for _, line := range b.targets() {
		s.WriteString("- " + line + "\n")
	}
	return s.String()
}

// targets checks the targets against whatever was measured.
func (b *bench) targets() []string {
	var out []string
	verdict := func(ok bool) string {
		if ok {
			return "**met**"
		}
		return "**missed**"
	}
	med := func(k kind, n int, l time.Duration) time.Duration {
		return b.results[key{k: k, n: n, latency: l}].median()
	}
	for _, l := range b.o.Latencies {
		for _, n := range b.o.Ns {
			bt, fixed, raw := med(batch, n, l), med(batch, 1, l), med(floorRaw, n, l)
			// The issue sets the batch targets at 500 tickets.
			if n < 500 {
				bt = 0
			}
			if bt > 0 && fixed > 0 && raw > 0 {
				r := float64(bt) / float64(fixed+raw)
				out = append(out, fmt.Sprintf("batch of %d at %s within 1.5x of fixed cost + raw-GET floor: %.2fx %s", n, latencyLabel(l), r, verdict(r <= 1.5)))
			}
			if fe := med(singlesForEach, n, l); bt > 0 && fe > 0 {
				r := float64(fe) / float64(bt)
				out = append(out, fmt.Sprintf("batch of %d at %s vs %d singles with for_each: %.1fx faster (target 10x) %s", n, latencyLabel(l), n, r, verdict(r >= 10)))
			}
			if bl := med(singlesBlocks, n, l); bt > 0 && bl > 0 {
				r := float64(bl) / float64(bt)
				out = append(out, fmt.Sprintf("batch of %d at %s vs %d separate blocks: %.1fx faster (target 2.5x) %s", n, latencyLabel(l), n, r, verdict(r >= 2.5)))
			}
			if n <= 100 && b.peer {
				for _, p := range [][2]kind{{singlesForEach, peerForEach}, {singlesBlocks, peerBlocks}} {
					mine, peer := med(p[0], n, l), med(p[1], n, l)
					if mine > 0 && peer > 0 {
						r := float64(mine) / float64(peer)
						out = append(out, fmt.Sprintf("singles (%s) N=%d at %s vs the http peer: %.2f (target <= 1.0) %s",
							shape(p[0]), n, latencyLabel(l), r, verdict(r <= 1.0)))
					}
				}
			}
		}
	}
	if b.rss.peakKiB > 0 {
		mib := float64(b.rss.peakKiB) / 1024
		out = append(out, fmt.Sprintf("provider peak RSS reading %d tickets: %.1f MiB (target < 64 MiB) %s", b.rss.tickets, mib, verdict(mib < 64)))
	}
	return out
}

func shape(k kind) string {
	if k == singlesForEach || k == peerForEach {
		return "for_each"
	}
	return "blocks"
}

func peerLabel(peer bool) string {
	if peer {
		return "peer terraform-provider-http " + PeerVersion
	}
	return "no peer"
}

func terraformVersion(tf string) string {
	if tf == "" {
		tf = "terraform"
	}
	out, err := exec.Command(tf, "version").Output()
	if err != nil {
		return "Terraform (unknown version)"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return line
}

func machine() string {
	model := ""
	if b, err := readFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(b, "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := readFile("/proc/meminfo"); err == nil {
		var kib int64
		if _, err := fmt.Sscanf(b, "MemTotal: %d kB", &kib); err == nil {
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kib)/(1<<20))
		}
	}
	if model == "" {
		model = runtime.GOARCH
	}
	return fmt.Sprintf("%s/%s, %d CPUs (%s)%s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), model, mem)
}
