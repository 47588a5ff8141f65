package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// PeerModule and PeerVersion name the peer provider; v1.2.0 is the only
// build of terraform-provider-http the Go module proxy serves.
const (
	PeerModule  = "github.com/terraform-providers/terraform-provider-http"
	PeerVersion = "v1.2.0"
	peerAddress = "registry.terraform.io/hashicorp/http"
	token       = "bench-token"
)

// Options controls a benchmark run.
type Options struct {
	Runs        int
	Ns          []int
	Latencies   []time.Duration
	Concurrency int
	Peer        bool
	RSSTickets  int
	// SearchTickets is the size of the search workload: one
	// servicerequest_cases read of that many tickets beside one
	// servicerequest_case_statuses of the same tickets (0 skips; search.go).
	SearchTickets int
	Terraform     string
	Provider      string
	CacheDir      string
	Out           string
	SVG           string // also draw the plan-time chart into this file (chart.go)
	Log           io.Writer
}

func defaultOptions() Options {
	return Options{Runs: 5, Ns: []int{1, 100, 500}, Latencies: []time.Duration{0, 20 * time.Millisecond},
		Concurrency: osm.DefaultMaxConcurrency, Peer: true, RSSTickets: 10000, SearchTickets: 1000, Log: io.Discard}
}

// kind is one workload shape.
type kind int

const (
	floorTF        kind = iota // terraform plan with no provider calls
	floorRaw                   // N raw GETs from a Go client
	singlesForEach             // N servicerequest_case_status, for_each = toset(local.ids)
	singlesBlocks              // N servicerequest_case_status blocks
	batch                      // one servicerequest_case_statuses with N ids
	peerForEach                // N data "http", for_each
	peerBlocks                 // N data "http" blocks
	search                     // one servicerequest_cases finding N tickets (search.go)
)

var kindLabels = map[kind]string{
	floorTF:        "floor: `terraform plan`, no provider calls",
	floorRaw:       "floor: raw GETs, Go client, keep-alive",
	singlesForEach: "`servicerequest_case_status`, `for_each`",
	singlesBlocks:  "`servicerequest_case_status`, separate blocks",
	batch:          "`servicerequest_case_statuses`, one data source",
	peerForEach:    "peer: `data \"http\"`, `for_each`",
	peerBlocks:     "peer: `data \"http\"`, separate blocks",
	search:         "`servicerequest_cases`, one search",
}

type key struct {
	k       kind
	n       int
	latency time.Duration
}

type sample []time.Duration

func (s sample) stats() (median, lo, hi time.Duration) {
	if len(s) == 0 {
		return 0, 0, 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	median = c[len(c)/2]
	if len(c)%2 == 0 {
		median = (c[len(c)/2-1] + c[len(c)/2]) / 2
	}
	return median, c[0], c[len(c)-1]
}

func (s sample) median() time.Duration { m, _, _ := s.stats(); return m }

type bench struct {
	o        Options
	work     string
	cli      string
	bin      string
	fake     *fakeosm.Running
	peer     bool
	peerNote string
	results  map[key]sample
	rss      rssResult
}

// Run builds what it needs, runs every workload o.Runs times and returns
// the markdown report.
func Run(ctx context.Context, o Options) (string, error) {
	if o.Runs < 1 || len(o.Ns) == 0 || len(o.Latencies) == 0 {
		return "", errors.New("need at least one run, one N and one latency")
	}
	if o.SearchTickets < 0 || o.SearchTickets > osm.MaxMaxResults {
		return "", fmt.Errorf("search tickets must be 0..%d", osm.MaxMaxResults)
	}
	if o.Concurrency < 1 || o.Concurrency > osm.MaxMaxConcurrency {
		return "", fmt.Errorf("concurrency must be 1..%d", osm.MaxMaxConcurrency)
	}
	b := &bench{o: o, results: map[key]sample{}}
	var err error
	if b.work, err = os.MkdirTemp("", "servicerequest-bench-"); err != nil {
		return "", err
	}
	defer os.RemoveAll(b.work)

	b.bin = o.Provider
	if b.bin == "" {
		b.logf("building the provider")
		if b.bin, err = tfrun.BuildProvider(ctx, b.work, "bench"); err != nil {
			return "", err
		}
	}
	if b.bin, err = filepath.Abs(b.bin); err != nil {
		return "", err
	}
	extra := map[string]string{}
	if o.Peer {
		dir, err := installPeer(ctx, o.CacheDir, b.logf)
		if err != nil {
			b.peerNote = fmt.Sprintf("peer rows skipped: terraform-provider-http %s could not be built (%v)", PeerVersion, firstLine(err))
			b.logf("%s", b.peerNote)
		} else {
			b.peer = true
			extra[peerAddress] = dir
		}
	} else {
		b.peerNote = "peer rows skipped (-peer=false)"
	}
	if b.cli, err = tfrun.WriteCLIConfig(b.work, filepath.Dir(b.bin), extra); err != nil {
		return "", err
	}

	maxN := slices.Max(append(slices.Clone(o.Ns), o.RSSTickets, o.SearchTickets, 1))
	f := fakeosm.New(token)
	for i := range maxN {
		f.SetStatus(ticketID(i), int(osm.KnownStatuses()[i%len(osm.KnownStatuses())]))
	}
	seedSearch(f, o.SearchTickets)
	if b.fake, err = fakeosm.Listen(f, "127.0.0.1:0"); err != nil {
		return "", err
	}
	defer b.fake.Close()

	if err := b.measureAll(ctx); err != nil {
		return "", err
	}
	if o.RSSTickets > 0 {
		b.logf("measuring the provider's peak RSS reading %d tickets in one batch", o.RSSTickets)
		if b.rss, err = b.measureRSS(ctx, o.RSSTickets); err != nil {
			return "", err
		}
	}
	if o.SVG != "" {
		if err := b.writeChart(o.SVG); err != nil {
			return "", err
		}
		b.logf("wrote the chart to %s", o.SVG)
	}
	return b.report(), nil
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.o.Log, "bench: "+format+"\n", args...)
}

func ticketID(i int) string { return fmt.Sprintf("T-%05d", i) }

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// installPeer installs the peer provider into cacheDir/bin unless it is
// there already, and returns that directory.
func installPeer(ctx context.Context, cacheDir string, logf func(string, ...any)) (string, error) {
	dir, err := filepath.Abs(filepath.Join(cacheDir, "bin"))
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "terraform-provider-http")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if _, err := os.Stat(bin); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	logf("installing %s@%s into %s (first run only)", PeerModule, PeerVersion, dir)
	cmd := exec.CommandContext(ctx, "go", "install", PeerModule+"@"+PeerVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install: %w: %s", err, strings.TrimSpace(out.String()))
	}
	return dir, nil
}

// workloads lists what one latency measures, in the order of the table.
func (b *bench) workloads() []key {
	var ks []key
	ks = append(ks, key{k: floorTF})
	ns := b.o.Ns
	if !slices.Contains(ns, 1) {
		// batch with 1 id is Terraform's fixed cost with this provider.
		ns = append([]int{1}, ns...)
	}
	for _, n := range ns {
		ks = append(ks, key{k: floorRaw, n: n}, key{k: batch, n: n})
		if !slices.Contains(b.o.Ns, n) {
			continue
		}
		ks = append(ks, key{k: singlesForEach, n: n}, key{k: singlesBlocks, n: n})
		if b.peer {
			ks = append(ks, key{k: peerForEach, n: n}, key{k: peerBlocks, n: n})
		}
	}
	return append(ks, b.searchWorkloads(ks)...)
}

func (b *bench) measureAll(ctx context.Context) error {
	for _, lat := range b.o.Latencies {
		b.fake.SetLatency(lat)
		ks := b.workloads()
		dirs := map[key]string{}
		for _, k := range ks {
			k.latency = lat
			if k.k == floorRaw {
				continue
			}
			dir, err := b.writeConfig(k)
			if err != nil {
				return err
			}
			dirs[k] = dir
		}
		// One unmeasured warm-up of each shape (page cache, first start).
		for _, k := range ks {
			k.latency = lat
			if k.n <= 1 {
				if _, err := b.measure(ctx, k, dirs[k]); err != nil {
					return err
				}
			}
		}
		// Round-robin over the workloads, so that a burst of load on a
		// shared machine spreads over all rows instead of skewing one.
		for run := 1; run <= b.o.Runs; run++ {
			b.logf("latency %v: run %d of %d", lat, run, b.o.Runs)
			for _, k := range ks {
				k.latency = lat
				d, err := b.measure(ctx, k, dirs[k])
				if err != nil {
					return err
				}
				b.results[k] = append(b.results[k], d)
			}
		}
	}
	return nil
}

func (b *bench) measure(ctx context.Context, k key, dir string) (time.Duration, error) {
	defer b.fake.Reset()
	if k.k == floorRaw {
		return rawGETs(ctx, b.fake.URL, k.n, b.o.Concurrency)
	}
	var out bytes.Buffer
	r := &tfrun.Runner{
		Terraform: b.o.Terraform, Dir: dir, CLIConfigFile: b.cli,
		Env:    []string{"HW_OSM_ENDPOINT=" + b.fake.URL, "HW_AUTH_TOKEN=" + token},
		Stdout: &out, Stderr: &out,
	}
	start := time.Now()
	err := r.Run(ctx, "plan", "-input=false", "-no-color", "-lock=false")
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s N=%d: %w\n%s", kindLabels[k.k], k.n, err, tail(out.String(), 3000))
	}
	if want := expectedRequests(k); b.fake.RequestCount("") < want {
		return 0, fmt.Errorf("%s N=%d: the fake saw %d requests, want at least %d", kindLabels[k.k], k.n, b.fake.RequestCount(""), want)
	}
	return d, nil
}

func expectedRequests(k key) int {
	switch k.k {
	case floorTF:
		return 0
	case search:
		return searchPages(k.n)
	}
	return k.n
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// writeConfig writes the Terraform configuration of one workload into its
// own directory.
func (b *bench) writeConfig(k key) (string, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("w-%d-%d-%d", k.k, k.n, k.latency.Milliseconds()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.config(k.k, k.n)), 0o644)
}

func idsLocal(n int) string {
	var s strings.Builder
	s.WriteString("locals {\n  ids = [\n")
	for i := range n {
		fmt.Fprintf(&s, "    %q,\n", ticketID(i))
	}
	s.WriteString("  ]\n}\n\n")
	return s.String()
}

func (b *bench) config(k kind, n int) string {
	var s strings.Builder
	switch k {
	case floorTF:
		s.WriteString("locals {\n  x = 1\n}\n\noutput \"x\" {\n  value = local.x\n}\n")
	case singlesForEach, singlesBlocks, batch, search:
		fmt.Fprintf(&s, "terraform {\n  required_providers {\n    servicerequest = {\n      source = %q\n    }\n  }\n}\n\n",
			strings.TrimPrefix(tfrun.ProviderAddress, "registry.terraform.io/"))
		fmt.Fprintf(&s, "provider \"servicerequest\" {\n  max_concurrency = %d\n}\n\n", b.o.Concurrency)
		switch k {
		case singlesForEach:
			s.WriteString(idsLocal(n))
			s.WriteString("data \"servicerequest_case_status\" \"t\" {\n  for_each = toset(local.ids)\n  case_id  = each.key\n}\n")
		case singlesBlocks:
			for i := range n {
				fmt.Fprintf(&s, "data \"servicerequest_case_status\" \"t%d\" {\n  case_id = %q\n}\n\n", i, ticketID(i))
			}
		case batch:
			s.WriteString(idsLocal(n))
			s.WriteString("data \"servicerequest_case_statuses\" \"t\" {\n  case_ids = local.ids\n}\n")
		case search:
			s.WriteString(searchConfig(n))
		}
	case peerForEach, peerBlocks:
		s.WriteString("terraform {\n  required_providers {\n    http = {\n      source = \"hashicorp/http\"\n    }\n  }\n}\n\n")
		headers := fmt.Sprintf("{\n    \"X-Auth-Token\" = %q\n    \"X-Language\"   = %q\n    \"X-Time-Zone\"  = %q\n  }",
			token, osm.DefaultLanguage, osm.DefaultTimeZone)
		base := b.fake.URL + fakeosm.StatusPathPrefix
		if k == peerForEach {
			s.WriteString(idsLocal(n))
			fmt.Fprintf(&s, "data \"http\" \"t\" {\n  for_each        = toset(local.ids)\n  url             = \"%s${each.key}%s\"\n  request_headers = %s\n}\n",
				base, fakeosm.StatusPathSuffix, headers)
		} else {
			for i := range n {
				fmt.Fprintf(&s, "data \"http\" \"t%d\" {\n  url             = %q\n  request_headers = %s\n}\n\n",
					i, base+ticketID(i)+fakeosm.StatusPathSuffix, headers)
			}
		}
	}
	return s.String()
}

// rawGETs is the wire floor: n GETs of the status call from a plain Go
// client with keep-alive, `concurrency` at once, timed from a cold client.
func rawGETs(ctx context.Context, base string, n, concurrency int) (time.Duration, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: concurrency, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, concurrency)
	start := time.Now()
	for range min(n, concurrency) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+osm.StatusPath(ticketID(i)), nil)
				if err != nil {
					errc <- err
					return
				}
				req.Header.Set(osm.HeaderAuthToken, token)
				req.Header.Set(osm.HeaderLanguage, osm.DefaultLanguage)
				req.Header.Set(osm.HeaderTimeZone, osm.DefaultTimeZone)
				resp, err := client.Do(req)
				if err != nil {
					errc <- err
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("HTTP %d", resp.StatusCode)
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	close(errc)
	if err := <-errc; err != nil {
		return 0, fmt.Errorf("raw GETs: %w", err)
	}
	return d, nil
}
