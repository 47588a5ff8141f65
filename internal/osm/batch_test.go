package osm_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

func checkResults(t *testing.T, got map[string]osm.Result, want map[string]osm.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for id, s := range want {
		r, ok := got[id]
		switch {
		case !ok:
			t.Fatalf("no result for %s", id)
		case r.Err != nil:
			t.Fatalf("%s: %v", id, r.Err)
		case r.Status != s:
			t.Fatalf("%s: status %v, want %v", id, r.Status, s)
		}
	}
}

func TestCaseStatuses_readsEveryTicketOnce(t *testing.T) {
	f, srv, ids, want := fakeWithTickets(t, 300)
	withDups := append(append([]string{}, ids...), ids[:50]...)
	withDups = append(withDups, ids[7], ids[7], ids[299])
	got := batchClient(t, srv.URL, 0).CaseStatuses(context.Background(), withDups, osm.RequestOptions{})
	checkResults(t, got, want)
	if n := f.RequestCount(""); n != len(ids) {
		t.Fatalf("the fake saw %d requests for %d distinct tickets", n, len(ids))
	}
	for _, id := range []string{ids[0], ids[7], ids[299]} {
		if n := f.RequestCount(id); n != 1 {
			t.Fatalf("%s was requested %d times", id, n)
		}
	}
}

func TestCaseStatuses_empty(t *testing.T) {
	_, srv, _, _ := fakeWithTickets(t, 1)
	if got := batchClient(t, srv.URL, 0).CaseStatuses(context.Background(), nil, osm.RequestOptions{}); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestCaseStatuses_sendsOverrides(t *testing.T) {
	f, srv, ids, want := fakeWithTickets(t, 20)
	got := batchClient(t, srv.URL, 4).CaseStatuses(context.Background(), ids, osm.RequestOptions{Language: "en-us", TimeZone: "GMT+0"})
	checkResults(t, got, want)
	for _, r := range f.Requests() {
		if r.Header.Get("X-Language") != "en-us" || r.Header.Get("X-Time-Zone") != "GMT+0" {
			t.Fatalf("request %s sent %q %q", r.Path, r.Header.Get("X-Language"), r.Header.Get("X-Time-Zone"))
		}
	}
}

func TestCaseStatuses_reportsEveryFailure(t *testing.T) {
	f, srv, ids, _ := fakeWithTickets(t, 50)
	f.DeleteTicket(ids[3])
	f.SetResponses(ids[10], fakeosm.Response{HTTPStatus: 500, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`})
	f.SetResponses(ids[20], fakeosm.Response{Body: `{"error_code":"OSM.01010014","error_msg":"operation failed"}`})
	f.SetResponses(ids[30], fakeosm.Response{HTTPStatus: 403, Body: `{"error_code":"OSM.0003","error_msg":"forbidden"}`})
	got := batchClient(t, srv.URL, 0).CaseStatuses(context.Background(), append(ids, "bad\nid"), osm.RequestOptions{})
	wantKinds := map[string]osm.ErrorKind{
		ids[3]: osm.KindCaseNotFound, ids[10]: osm.KindServer, ids[20]: osm.KindService, ids[30]: osm.KindForbidden,
	}
	for id, r := range got {
		k, bad := wantKinds[id]
		switch {
		case id == "bad\nid":
			if r.Err == nil {
				t.Errorf("an invalid id was accepted")
			}
		case bad && !osm.IsKind(r.Err, k):
			t.Errorf("%s: %v, want %s", id, r.Err, k)
		case !bad && r.Err != nil:
			t.Errorf("%s: %v", id, r.Err)
		}
	}
	if n := f.RequestCount(""); n != len(ids) {
		t.Fatalf("per-ticket failures must not stop the batch: %d requests for %d tickets", n, len(ids))
	}
}

func TestCaseStatuses_stopsAfterAuthFailure(t *testing.T) {
	_, srv, ids, _ := fakeWithTickets(t, 200)
	auth, _ := osm.NewTokenAuth("wrong-token")
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, MaxConcurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	f := srv.Config.Handler.(*fakeosm.Server)
	got := c.CaseStatuses(context.Background(), ids, osm.RequestOptions{})
	auths, stopped := 0, 0
	for _, r := range got {
		switch {
		case osm.IsKind(r.Err, osm.KindAuth):
			auths++
		case errors.Is(r.Err, osm.ErrBatchStopped) && osm.IsKind(r.Err, osm.KindCanceled):
			stopped++
		default:
			t.Fatalf("unexpected result %+v", r)
		}
	}
	if auths == 0 || auths > 4 || auths+stopped != len(ids) || f.RequestCount("") != auths {
		t.Fatalf("%d rejected, %d not requested, %d requests: a rejected token must stop the batch", auths, stopped, f.RequestCount(""))
	}
}

func TestClient_neverExceedsMaxConcurrency(t *testing.T) {
	for _, limit := range []int{1, 3, 16} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			f, srv, ids, want := fakeWithTickets(t, 120)
			f.SetLatency(3 * time.Millisecond)
			c := batchClient(t, srv.URL, limit)
			// A batch and singular reads of the same client at the same time.
			var wg sync.WaitGroup
			for _, id := range ids[:40] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.CaseStatus(context.Background(), id, osm.RequestOptions{Language: "en-us"}); err != nil {
						t.Error(err)
					}
				}()
			}
			checkResults(t, c.CaseStatuses(context.Background(), ids, osm.RequestOptions{}), want)
			wg.Wait()
			if peak := f.PeakInFlight(); peak > limit {
				t.Fatalf("peak in flight %d above max_concurrency %d", peak, limit)
			}
			if limit > 1 && f.PeakInFlight() < 2 {
				t.Logf("note: peak in flight only %d (busy machine?)", f.PeakInFlight())
			}
		})
	}
}

func TestCaseStatuses_throttleStormSlowsTheWholeBatchAndCompletes(t *testing.T) {
	f, srv, ids, want := fakeWithTickets(t, 200)
	f.SetLatency(time.Millisecond)
	// The gateway serves 10 requests per 30 ms window and asks for a pause.
	f.SetThrottle(fakeosm.Throttle{Limit: 10, Window: 30 * time.Millisecond, RetryAfter: "1"})
	auth, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	// The provider's default retries, with delays short enough for a test.
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, MaxConcurrency: 16,
		MaxRetries: osm.DefaultMaxRetries, RetryMinDelay: time.Millisecond, RetryMaxDelay: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Honour Retry-After up to 30 ms, so that the test stays short.
	osm.SetThrottlePauses(c, 30*time.Millisecond, 30*time.Millisecond)
	got := c.CaseStatuses(context.Background(), ids, osm.RequestOptions{})
	checkResults(t, got, want)
	throttled, requests := f.ThrottledCount(), f.RequestCount("")
	if throttled == 0 {
		t.Fatal("the storm never happened: no 429")
	}
	// 16 workers that ignored the throttle would collect a 429 per request
	// for the rest of every window; a client that pauses everybody after a
	// 429 collects at most one per slot per throttling event: a window of
	// 10 served requests costs at most 16 throttled ones.
	if windows := len(ids)/10 + 2; throttled > 16*windows {
		t.Fatalf("%d answers were 429 for %d tickets (%d requests): the client kept hammering", throttled, len(ids), requests)
	}
	t.Logf("%d requests, %d throttled", requests, throttled)
}

func TestCaseStatuses_cancelStopsEveryWorker(t *testing.T) {
	before := runtime.NumGoroutine()
	f, srv, ids, _ := fakeWithTickets(t, 100)
	f.SetLatency(time.Minute) // cut short when the client goes away
	c := batchClient(t, srv.URL, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan map[string]osm.Result)
	go func() { done <- c.CaseStatuses(ctx, ids, osm.RequestOptions{}) }()
	waitFor(t, "4 requests in flight", func() bool { return f.InFlight() == 4 })
	cancel()
	var got map[string]osm.Result
	select {
	case got = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the batch did not return after its context was canceled")
	}
	if len(got) != len(ids) {
		t.Fatalf("%d results for %d tickets", len(got), len(ids))
	}
	for id, r := range got {
		if !osm.IsKind(r.Err, osm.KindCanceled) || !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("%s: %v, want canceled", id, r.Err)
		}
	}
	if n := f.RequestCount(""); n != 4 {
		t.Fatalf("%d requests: nothing may start after the cancellation", n)
	}
	waitFor(t, "the fake to see every request end", func() bool { return f.InFlight() == 0 })
	srv.Close()
	settleGoroutines(t, before)
}

func TestClient_reusesConnectionsAndLeaksNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	f := fakeosm.New(testToken)
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("L-%d", i)
		f.SetStatus(ids[i], 1)
	}
	f.SetLatency(time.Millisecond)
	var opened, closed atomic.Int64
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			closed.Add(1)
		}
	}
	srv.Start()
	tr := http.DefaultTransport.(*http.Transport).Clone() // MaxIdleConnsPerHost 2 until New raises it
	auth, _ := osm.NewTokenAuth(testToken)
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, MaxConcurrency: 8, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	if tr.MaxIdleConnsPerHost < 8 || tr.MaxConnsPerHost != 8 {
		t.Fatalf("MaxIdleConnsPerHost %d, MaxConnsPerHost %d: not sized for concurrency 8", tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost)
	}
	for round := range 3 {
		for id, r := range c.CaseStatuses(context.Background(), ids, osm.RequestOptions{}) {
			if r.Err != nil {
				t.Fatalf("round %d %s: %v", round, id, r.Err)
			}
		}
	}
	if n := opened.Load(); n > 8 {
		t.Fatalf("%d connections for 600 requests at concurrency 8: keep-alive is not reused", n)
	}
	tr.CloseIdleConnections()
	srv.Close()
	if o, cl := opened.Load(), closed.Load(); o != cl {
		t.Fatalf("%d connections opened, %d closed", o, cl)
	}
	settleGoroutines(t, before)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settleGoroutines waits until the goroutine count is back to before (a
// little slack for the runtime's own), and fails with a dump otherwise.
func settleGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before+1 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, %d before: leak\n%s", n, before, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
