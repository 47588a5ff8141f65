package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

// rssResult is the provider's peak resident set while Terraform planned one
// batch data source.
type rssResult struct {
	tickets   int
	peakKiB   int64 // largest VmHWM of any provider process of the plan
	processes int   // provider processes Terraform started
	plan      time.Duration
	note      string
}

// measureRSS runs `terraform plan` on one servicerequest_case_statuses
// with n ids, at 0 ms latency, and samples /proc/<pid>/status of every
// process running the provider binary (Terraform's plugin children) every
// few milliseconds. VmHWM is the kernel's own peak-RSS counter, so a sample
// taken at any time after the peak still sees it. Linux only.
func (b *bench) measureRSS(ctx context.Context, n int) (rssResult, error) {
	res := rssResult{tickets: n}
	if runtime.GOOS != "linux" {
		res.note = "peak RSS is measured on Linux only (/proc)"
		return res, nil
	}
	b.fake.SetLatency(0)
	dir, err := b.writeConfig(key{k: batch, n: n, latency: -1})
	if err != nil {
		return res, err
	}
	peaks := map[int]int64{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			for _, pid := range processesOf(b.bin) {
				if kib, ok := vmHWM(pid); ok && kib > peaks[pid] {
					peaks[pid] = kib
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	var out bytes.Buffer
	r := &tfrun.Runner{
		Terraform: b.o.Terraform, Dir: dir, CLIConfigFile: b.cli,
		Env:    []string{"HW_OSM_ENDPOINT=" + b.fake.URL, "HW_AUTH_TOKEN=" + token},
		Stdout: &out, Stderr: &out,
	}
	start := time.Now()
	err = r.Run(ctx, "plan", "-input=false", "-no-color", "-lock=false")
	res.plan = time.Since(start)
	close(stop)
	<-done
	b.fake.Reset()
	if err != nil {
		return res, fmt.Errorf("RSS plan: %w\n%s", err, tail(out.String(), 3000))
	}
	res.processes = len(peaks)
	for _, kib := range peaks {
		res.peakKiB = max(res.peakKiB, kib)
	}
	if res.processes == 0 {
		res.note = "no provider process was seen"
	}
	return res, nil
}

// processesOf lists the pids whose executable is bin.
func processesOf(bin string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err == nil && exe == bin {
			pids = append(pids, pid)
		}
	}
	return pids
}

// vmHWM reads the peak resident set size of pid, in KiB.
func vmHWM(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(v)
			if len(fields) > 0 {
				kib, err := strconv.ParseInt(fields[0], 10, 64)
				return kib, err == nil
			}
		}
	}
	return 0, false
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
