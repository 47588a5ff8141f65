package osm_test

// Helpers shared by the osm tests: one fake clock, one recording logger and
// the client constructors.

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// fakeClock is a virtual clock: Sleep returns at once and moves time on.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

func (c *fakeClock) options(targets []osm.Status, interval, timeout time.Duration) osm.WaitOptions {
	return osm.WaitOptions{Targets: targets, Interval: interval, Timeout: timeout, Now: c.Now, Sleep: c.Sleep}
}

type retryLogLine struct {
	level  osm.Level
	msg    string
	fields map[string]any
}

// logs records the client's log lines.
type logs struct {
	mu    sync.Mutex
	lines []retryLogLine
}

func (l *logs) Log(_ context.Context, level osm.Level, msg string, fields map[string]any) {
	cp := map[string]any{}
	for k, v := range fields {
		cp[k] = v
	}
	l.mu.Lock()
	l.lines = append(l.lines, retryLogLine{level, msg, cp})
	l.mu.Unlock()
}

func (l *logs) at(level osm.Level) []retryLogLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []retryLogLine
	for _, x := range l.lines {
		if x.level == level {
			out = append(out, x)
		}
	}
	return out
}

// rigConfig is a client's configuration with its test knobs.
type rigConfig struct {
	osm.Config
	osm.Knobs
}

type rig struct {
	fake   *fakeosm.Server
	url    string
	client *osm.Client
	clock  *fakeClock // records the retry delays
	logs   *logs
}

// newRig starts the fake with ticket CS1 (status 3) and a client with 3
// retries, 10ms..80ms delays, a 2s per-attempt timeout, the recording sleep
// and a jitter of 0.5; mod adjusts the configuration.
func newRig(t *testing.T, mod func(*rigConfig)) *rig {
	t.Helper()
	f := fakeosm.New(testToken)
	f.SetStatus("CS1", 3)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	r := &rig{fake: f, url: srv.URL, clock: newFakeClock(), logs: &logs{}}
	auth, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	cfg := rigConfig{
		Config: osm.Config{
			Endpoint: srv.URL, Auth: auth, UserAgent: "test-agent/1", Logger: r.logs,
			MaxRetries: 3, RetryMinDelay: testMinDelay, RetryMaxDelay: testMaxDelay, RequestTimeout: 2 * time.Second,
		},
		Knobs: osm.Knobs{Sleep: r.clock.Sleep, Rand: func() float64 { return 0.5 }},
	}
	if mod != nil {
		mod(&cfg)
	}
	if r.client, err = osm.NewWithKnobs(cfg.Config, cfg.Knobs); err != nil {
		t.Fatal(err)
	}
	return r
}

func mustAuth(t *testing.T) osm.Authenticator {
	t.Helper()
	a, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newClient(t *testing.T, endpoint string) *osm.Client {
	t.Helper()
	auth, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: endpoint, Auth: auth, UserAgent: "test-agent/1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeWithTickets serves n tickets T-00000.. with statuses cycling through
// the catalogue, and returns their ids and statuses.
func fakeWithTickets(t *testing.T, n int) (*fakeosm.Server, *httptest.Server, []string, map[string]osm.Status) {
	t.Helper()
	f := fakeosm.New(testToken)
	known := osm.KnownStatuses()
	ids := make([]string, n)
	want := make(map[string]osm.Status, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("T-%05d", i)
		want[ids[i]] = known[i%len(known)]
		f.SetStatus(ids[i], int(want[ids[i]]))
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv, ids, want
}

func batchClient(t *testing.T, endpoint string, maxConcurrency int) *osm.Client {
	t.Helper()
	auth, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: endpoint, Auth: auth, MaxConcurrency: maxConcurrency})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// discardLog is a server error log that drops what it is told: refused
// handshakes and aborted handlers are expected in these tests.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
