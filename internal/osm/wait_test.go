package osm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// step is one scripted poll result.
type step struct {
	status osm.Status
	err    error
}

// script returns a poll function that plays steps in order (the last one
// repeats) and counts its calls.
func script(steps ...step) (func(context.Context) (osm.Status, error), *int) {
	n := 0
	return func(context.Context) (osm.Status, error) {
		s := steps[min(n, len(steps)-1)]
		n++
		return s.status, s.err
	}, &n
}

func statuses(ss ...osm.Status) []step {
	out := make([]step, len(ss))
	for i, s := range ss {
		out[i] = step{status: s}
	}
	return out
}

func waitErr(t *testing.T, err error, reason osm.WaitReason) *osm.WaitError {
	t.Helper()
	var we *osm.WaitError
	if !errors.As(err, &we) {
		t.Fatalf("error %v (%T), want a *osm.WaitError", err, err)
	}
	if we.Reason != reason {
		t.Fatalf("reason %d, want %d: %v", we.Reason, reason, err)
	}
	return we
}

// requireReason is waitErr for a test that needs nothing more.
func requireReason(t *testing.T, err error, reason osm.WaitReason) {
	t.Helper()
	_ = waitErr(t, err, reason)
}

func TestWait_returnsWhenTheTargetArrives(t *testing.T) {
	clock := newFakeClock()
	poll, n := script(statuses(0, 1, 2, 3)...)
	s, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{osm.StatusCompleted}, 30*time.Second, 20*time.Minute))
	if err != nil || s != osm.StatusCompleted {
		t.Fatalf("Wait = %v, %v; want 3 (Completed)", s, err)
	}
	if *n != 4 {
		t.Fatalf("%d polls, want 4", *n)
	}
	want := []time.Duration{30 * time.Second, 30 * time.Second, 30 * time.Second}
	if got := clock.Sleeps(); !slices.Equal(got, want) {
		t.Fatalf("pauses %v, want %v: one poll_interval between polls", got, want)
	}
}

func TestWait_aTargetOnTheFirstPollDoesNotPause(t *testing.T) {
	clock := newFakeClock()
	poll, n := script(statuses(17)...)
	s, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{3, 17}, time.Minute, time.Hour))
	if err != nil || s != osm.StatusPendingFeedback || *n != 1 || len(clock.Sleeps()) != 0 {
		t.Fatalf("Wait = %v, %v after %d polls and pauses %v; want 17 at once", s, err, *n, clock.Sleeps())
	}
}

func TestWait_aTerminalTargetIsReached(t *testing.T) {
	for _, target := range []osm.Status{3, 4, 12, 13} {
		clock := newFakeClock()
		poll, _ := script(statuses(1, target)...)
		s, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{target}, time.Second, time.Minute))
		if err != nil || s != target {
			t.Fatalf("waiting for %v: %v, %v", target, s, err)
		}
	}
}

func TestWait_timesOutNamingTheLastStatus(t *testing.T) {
	clock := newFakeClock()
	poll, n := script(statuses(0, 1)...)
	_, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{3, 4}, 3*time.Second, 10*time.Second))
	we := waitErr(t, err, osm.WaitTimedOut)
	// Polls at 0s, 3s, 6s and 9s; the last pause is cut to the deadline.
	if *n != 4 || we.Polls != 4 {
		t.Fatalf("%d polls (error says %d), want 4", *n, we.Polls)
	}
	if got, want := clock.Sleeps(), []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second, time.Second}; !slices.Equal(got, want) {
		t.Fatalf("pauses %v, want %v", got, want)
	}
	if !we.Seen || we.Last != osm.StatusProcessing || we.Waited != 10*time.Second {
		t.Fatalf("WaitError %+v", we)
	}
	want := "timed out after 10s and 4 polls waiting for the ticket to reach 3 (Completed) or 4 (Canceled); " +
		"the last status seen was 1 (Processing)"
	if err.Error() != want {
		t.Fatalf("error\n%s\nwant\n%s", err, want)
	}
}

func TestWait_anIntervalLongerThanTheTimeoutPollsOnce(t *testing.T) {
	clock := newFakeClock()
	poll, n := script(statuses(1)...)
	_, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{3}, time.Hour, time.Minute))
	we := waitErr(t, err, osm.WaitTimedOut)
	if *n != 1 || we.Waited != time.Minute {
		t.Fatalf("%d polls, waited %s; want 1 poll and the full minute", *n, we.Waited)
	}
}

func TestWait_stopsAtOnceOnAnUnexpectedTerminalStatus(t *testing.T) {
	for _, terminal := range []osm.Status{3, 4, 12, 13} {
		t.Run(terminal.String(), func(t *testing.T) {
			clock := newFakeClock()
			poll, n := script(statuses(1, terminal, 0)...)
			_, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{2, 17}, 5*time.Second, 24*time.Hour))
			we := waitErr(t, err, osm.WaitTerminal)
			if *n != 2 || we.Last != terminal || we.Waited != 5*time.Second {
				t.Fatalf("%d polls, %+v; want a stop at the second poll", *n, we)
			}
			for _, part := range []string{
				"reached " + terminal.String() + " after 5s and 2 polls",
				"while waiting for 2 (To be confirmed) or 17 (Pending feedback)",
				"is a terminal status", "waiting longer cannot help",
			} {
				if !strings.Contains(err.Error(), part) {
					t.Fatalf("error %q lacks %q", err, part)
				}
			}
		})
	}
}

func TestWait_nonTerminalStatusesKeepWaiting(t *testing.T) {
	clock := newFakeClock()
	// Every legal status that is neither a target nor terminal: the wait goes on.
	var steps []step
	for s := osm.Status(osm.MinStatus); s <= osm.MaxStatus; s++ {
		if !s.Closed() && s != 20 {
			steps = append(steps, step{status: s})
		}
	}
	steps = append(steps, step{status: 20})
	poll, n := script(steps...)
	s, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{20}, time.Second, time.Hour))
	if err != nil || s != 20 || *n != len(steps) {
		t.Fatalf("Wait = %v, %v after %d polls; want 20 after %d", s, err, *n, len(steps))
	}
}

func TestWait_transientErrorsKeepPolling(t *testing.T) {
	clock := newFakeClock()
	var polls []osm.Poll
	o := clock.options([]osm.Status{3}, time.Second, time.Hour)
	o.OnPoll = func(p osm.Poll) { polls = append(polls, p) }
	poll, n := script(
		step{status: 1},
		step{err: &osm.Error{Kind: osm.KindServer, HTTPStatus: 503}},
		step{err: &osm.Error{Kind: osm.KindThrottled, HTTPStatus: 429, Code: "APIGW.0308"}},
		step{err: &osm.Error{Kind: osm.KindTransport, Host: "127.0.0.1:1", Err: errors.New("connection refused")}},
		step{status: 3},
	)
	s, err := osm.Wait(context.Background(), poll, o)
	if err != nil || s != 3 || *n != 5 {
		t.Fatalf("Wait = %v, %v after %d polls; want 3 after 5", s, err, *n)
	}
	for i, p := range polls {
		if p.N != i+1 || p.Transient != (p.Err != nil) {
			t.Fatalf("poll %d: %+v", i+1, p)
		}
	}
}

func TestWait_transientErrorsUntilTheTimeoutAreReported(t *testing.T) {
	clock := newFakeClock()
	poll, _ := script(step{status: 1}, step{err: &osm.Error{Kind: osm.KindServer, HTTPStatus: 500, Code: "OSM.0004"}})
	_, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{3}, 10*time.Second, time.Minute))
	we := waitErr(t, err, osm.WaitTimedOut)
	if !osm.IsKind(err, osm.KindServer) || !we.Seen || we.Last != 1 {
		t.Fatalf("WaitError %+v, want the last poll's server error and the status seen before", we)
	}
	if !strings.Contains(err.Error(), "the last status seen was 1 (Processing); the last poll failed: server error: HTTP 500, error_code OSM.0004") {
		t.Fatalf("error %q", err)
	}
}

func TestWait_aStatusAfterATransientErrorClearsIt(t *testing.T) {
	clock := newFakeClock()
	poll, _ := script(step{err: &osm.Error{Kind: osm.KindServer, HTTPStatus: 502}}, step{status: 1})
	_, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{3}, 10*time.Second, time.Minute))
	we := waitErr(t, err, osm.WaitTimedOut)
	if we.Err != nil || strings.Contains(err.Error(), "failed") {
		t.Fatalf("a recovered poll must not be reported as the last failure: %v", err)
	}
}

func TestWait_otherErrorsEndTheWait(t *testing.T) {
	for _, e := range []error{
		&osm.Error{Kind: osm.KindAuth, HTTPStatus: 401, Code: "APIGW.0301"},
		&osm.Error{Kind: osm.KindForbidden, HTTPStatus: 403},
		&osm.Error{Kind: osm.KindNotFound, HTTPStatus: 404},
		&osm.Error{Kind: osm.KindCaseNotFound, HTTPStatus: 200, Code: "OSM.01010015"},
		&osm.Error{Kind: osm.KindBadRequest, HTTPStatus: 400},
		&osm.Error{Kind: osm.KindService, HTTPStatus: 200, Code: "OSM.01010014"},
		&osm.Error{Kind: osm.KindUnexpected, HTTPStatus: 200, Reason: "the response has no status"},
		errors.New("not an osm error"),
	} {
		t.Run(e.Error(), func(t *testing.T) {
			clock := newFakeClock()
			poll, n := script(step{status: 0}, step{err: e}, step{status: 3})
			_, err := osm.Wait(context.Background(), poll, clock.options([]osm.Status{3}, time.Second, time.Hour))
			we := waitErr(t, err, osm.WaitFailed)
			if *n != 2 || !errors.Is(err, e) {
				t.Fatalf("%d polls, %v; want the wait to end on the second poll with its error", *n, err)
			}
			want := "waiting for the ticket to reach 3 (Completed) stopped after 1s and 2 polls: " + e.Error() +
				"; the last status seen was 0 (To be processed)"
			if we.Error() != want {
				t.Fatalf("error\n%s\nwant\n%s", we, want)
			}
		})
	}
}

func TestWait_aCanceledContextStopsBeforeAnyPoll(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	poll, n := script(statuses(1)...)
	_, err := osm.Wait(ctx, poll, newFakeClock().options([]osm.Status{3}, time.Second, time.Hour))
	requireReason(t, err, osm.WaitCanceled)
	if *n != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("%d polls, %v", *n, err)
	}
}

// runBounded runs f and fails the test if it does not return within a
// generous bound: a hang is the failure these tests look for, not speed.
func runBounded(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the wait did not stop after its context was canceled")
	}
}

func TestWait_cancelDuringThePauseStopsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	poll, n := script(statuses(1)...)
	// The real clock, and an hour between polls: only cancellation can end
	// the pause in time.
	o := osm.WaitOptions{Targets: []osm.Status{3}, Interval: time.Hour, Timeout: 2 * time.Hour,
		OnPoll: func(osm.Poll) { cancel() }}
	var err error
	runBounded(t, func() { _, err = osm.Wait(ctx, poll, o) })
	we := waitErr(t, err, osm.WaitCanceled)
	if *n != 1 || !errors.Is(err, context.Canceled) || !we.Seen || we.Last != 1 {
		t.Fatalf("%d polls, %+v", *n, we)
	}
	if !strings.HasPrefix(err.Error(), "canceled after ") || !strings.Contains(err.Error(), "the last status seen was 1 (Processing)") {
		t.Fatalf("error %q", err)
	}
}

func TestWait_refusesBadOptions(t *testing.T) {
	poll, n := script(statuses(1)...)
	for _, o := range []osm.WaitOptions{
		{Interval: time.Second, Timeout: time.Minute},
		{Targets: []osm.Status{21}, Interval: time.Second, Timeout: time.Minute},
		{Targets: []osm.Status{-1}, Interval: time.Second, Timeout: time.Minute},
		{Targets: []osm.Status{3}, Timeout: time.Minute},
		{Targets: []osm.Status{3}, Interval: time.Second},
	} {
		if _, err := osm.Wait(context.Background(), poll, o); err == nil {
			t.Fatalf("Wait accepted %+v", o)
		}
	}
	if *n != 0 {
		t.Fatalf("bad options must stop before any poll; %d polls", *n)
	}
}

func TestStatusList(t *testing.T) {
	for want, ss := range map[string][]osm.Status{
		"no status":                     nil,
		"3 (Completed)":                 {3},
		"3 (Completed) or 4 (Canceled)": {3, 4},
		"0 (To be processed), 9 (Unknown) or 17 (Pending feedback)": {0, 9, 17},
	} {
		if got := osm.StatusList(ss); got != want {
			t.Fatalf("StatusList(%v) = %q, want %q", ss, got, want)
		}
	}
}

// recordingLogger keeps every line the client logs.
type recordingLogger struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	level  osm.Level
	msg    string
	fields map[string]any
}

func (l *recordingLogger) Log(_ context.Context, level osm.Level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, fields})
}

func (l *recordingLogger) at(level osm.Level) []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []logLine
	for _, x := range l.lines {
		if x.level == level {
			out = append(out, x)
		}
	}
	return out
}

// fakeService starts fakeosm on a loopback port and a client for it.
func fakeService(t *testing.T) (*fakeosm.Server, *osm.Client, *recordingLogger) {
	t.Helper()
	f := fakeosm.New(testToken)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	auth, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	log := &recordingLogger{}
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return f, c, log
}

func TestClient_WaitForStatus_pollIntervalCountedInRequests(t *testing.T) {
	for _, tc := range []struct {
		interval, timeout time.Duration
		wantRequests      int
	}{
		{30 * time.Second, 20 * time.Minute, 40}, // 0s, 30s ... 19m30s
		{3 * time.Second, 10 * time.Second, 4},   // 0s, 3s, 6s, 9s
		{time.Minute, 59 * time.Second, 1},
		{time.Second, 5 * time.Second, 5},
	} {
		t.Run(fmt.Sprintf("every %s for %s", tc.interval, tc.timeout), func(t *testing.T) {
			f, c, _ := fakeService(t)
			f.SetStatus("CS-SLOW", 1)
			clock := newFakeClock()
			_, err := c.WaitForStatus(context.Background(), "CS-SLOW", osm.RequestOptions{},
				clock.options([]osm.Status{3}, tc.interval, tc.timeout))
			we := waitErr(t, err, osm.WaitTimedOut)
			if got := f.RequestCount("CS-SLOW"); got != tc.wantRequests || we.Polls != got {
				t.Fatalf("the fake saw %d requests (error says %d polls), want %d", got, we.Polls, tc.wantRequests)
			}
			if we.Waited != tc.timeout {
				t.Fatalf("waited %s, want %s", we.Waited, tc.timeout)
			}
		})
	}
}

func TestClient_WaitForStatus_followsATicketThroughItsStatuses(t *testing.T) {
	f, c, log := fakeService(t)
	f.SetStatusSequence("CS-MOVING", 0, 1, 2, 3)
	clock := newFakeClock()
	s, err := c.WaitForStatus(context.Background(), "CS-MOVING", osm.RequestOptions{},
		clock.options([]osm.Status{3}, 30*time.Second, 20*time.Minute))
	if err != nil || s != 3 {
		t.Fatalf("WaitForStatus = %v, %v", s, err)
	}
	if n := f.RequestCount("CS-MOVING"); n != 4 {
		t.Fatalf("the fake saw %d requests, want one per status: 4", n)
	}
	infos := log.at(osm.LevelInfo)
	if len(infos) != 4 {
		t.Fatalf("%d INFO lines, want one per poll: %+v", len(infos), infos)
	}
	for i, l := range infos {
		want := osm.Status(i)
		if l.fields["status"] != int(want) || l.fields["status_name"] != want.Name() || l.fields["poll"] != i+1 ||
			l.fields["case_id"] != "CS-MOVING" || l.fields["waiting_for"] != "3 (Completed)" {
			t.Fatalf("INFO line %d: %s %v", i+1, l.msg, l.fields)
		}
		if !strings.Contains(l.msg, want.String()) {
			t.Fatalf("INFO line %d does not name the status: %q", i+1, l.msg)
		}
	}
	if got := infos[1].fields["elapsed"]; got != "30s" {
		t.Fatalf("elapsed at the second poll %v, want 30s", got)
	}
	for _, l := range log.lines {
		for k, v := range l.fields {
			if strings.Contains(fmt.Sprint(v), testToken) {
				t.Fatalf("log field %s holds the token", k)
			}
		}
	}
}

func TestClient_WaitForStatus_timeoutMessageNamesEverything(t *testing.T) {
	f, c, _ := fakeService(t)
	f.SetStatusSequence("CS-STUCK", 0, 17)
	clock := newFakeClock()
	_, err := c.WaitForStatus(context.Background(), "CS-STUCK", osm.RequestOptions{},
		clock.options([]osm.Status{3, 2}, 30*time.Second, 5*time.Minute))
	requireReason(t, err, osm.WaitTimedOut)
	want := `timed out after 5m and 10 polls waiting for case "CS-STUCK" to reach 2 (To be confirmed) or 3 (Completed); ` +
		`the last status seen was 17 (Pending feedback)`
	if err.Error() != want {
		t.Fatalf("error\n%s\nwant\n%s", err, want)
	}
}

func TestClient_WaitForStatus_stopsOnATicketThatDisappears(t *testing.T) {
	f, c, log := fakeService(t)
	f.SetStatus("CS-GONE", 1)
	clock := newFakeClock()
	o := clock.options([]osm.Status{3}, time.Second, time.Hour)
	o.OnPoll = func(osm.Poll) { f.DeleteTicket("CS-GONE") }
	_, err := c.WaitForStatus(context.Background(), "CS-GONE", osm.RequestOptions{}, o)
	requireReason(t, err, osm.WaitFailed)
	if !osm.IsKind(err, osm.KindCaseNotFound) || f.RequestCount("CS-GONE") != 2 {
		t.Fatalf("%v after %d requests", err, f.RequestCount("CS-GONE"))
	}
	if warns := log.at(osm.LevelWarn); len(warns) != 1 || !strings.Contains(warns[0].msg, "the wait ends") {
		t.Fatalf("WARN lines %+v", warns)
	}
}

func TestClient_WaitForStatus_cancelDuringARequestStopsPromptly(t *testing.T) {
	f, c, _ := fakeService(t)
	f.SetStatus("CS-HANG", 1)
	f.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for f.RequestCount("CS-HANG") == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	var err error
	runBounded(t, func() {
		_, err = c.WaitForStatus(ctx, "CS-HANG", osm.RequestOptions{}, osm.WaitOptions{
			Targets: []osm.Status{3}, Interval: time.Second, Timeout: 2 * time.Hour,
		})
	})
	we := waitErr(t, err, osm.WaitCanceled)
	if !errors.Is(err, context.Canceled) || we.Seen {
		t.Fatalf("%+v", we)
	}
}

func TestClient_WaitForStatus_theTimeoutCutsAHangingRequest(t *testing.T) {
	f, c, _ := fakeService(t)
	f.SetStatus("CS-HANG", 1)
	f.SetLatency(time.Hour)
	var err error
	runBounded(t, func() {
		_, err = c.WaitForStatus(context.Background(), "CS-HANG", osm.RequestOptions{}, osm.WaitOptions{
			Targets: []osm.Status{3}, Interval: time.Second, Timeout: 20 * time.Millisecond,
		})
	})
	we := waitErr(t, err, osm.WaitTimedOut)
	if we.Seen || we.Polls != 1 || !strings.Contains(err.Error(), "no status was read") {
		t.Fatalf("%v", err)
	}
}

func TestClient_WaitForStatus_refusesABadCaseID(t *testing.T) {
	f, c, _ := fakeService(t)
	if _, err := c.WaitForStatus(context.Background(), "..", osm.RequestOptions{},
		osm.WaitOptions{Targets: []osm.Status{3}, Interval: time.Second, Timeout: time.Minute}); err == nil {
		t.Fatal("accepted case id ..")
	}
	if f.RequestCount("") != 0 {
		t.Fatal("a bad case id must stop before any request")
	}
}

func TestWait_onceChecksASingleTime(t *testing.T) {
	once := func(c *fakeClock, targets ...osm.Status) osm.WaitOptions {
		return osm.WaitOptions{Targets: targets, Once: true, Now: c.Now, Sleep: c.Sleep}
	}
	t.Run("target", func(t *testing.T) {
		clock := newFakeClock()
		poll, n := script(statuses(3)...)
		if s, err := osm.Wait(context.Background(), poll, once(clock, 2, 3)); err != nil || s != 3 || *n != 1 {
			t.Fatalf("Wait = %v, %v after %d polls; want 3 after 1", s, err, *n)
		}
	})
	t.Run("not a target", func(t *testing.T) {
		clock := newFakeClock()
		poll, n := script(statuses(1, 3)...)
		_, err := osm.Wait(context.Background(), poll, once(clock, 3))
		we := waitErr(t, err, osm.WaitNotReached)
		if *n != 1 || len(clock.Sleeps()) != 0 || we.Last != 1 || !we.Seen {
			t.Fatalf("%d polls, pauses %v, %+v; want one poll, no pause, status 1", *n, clock.Sleeps(), we)
		}
		we.CaseID = "CS-1"
		if want := `case "CS-1" is 1 (Processing), not 3 (Completed)`; err.Error() != want {
			t.Fatalf("error %q, want %q", err, want)
		}
	})
	t.Run("terminal", func(t *testing.T) {
		poll, _ := script(statuses(4)...)
		requireReason(t, func() error { _, err := osm.Wait(context.Background(), poll, once(newFakeClock(), 3)); return err }(), osm.WaitTerminal)
	})
	t.Run("a transient error is not retried", func(t *testing.T) {
		clock := newFakeClock()
		var polls []osm.Poll
		o := once(clock, 3)
		o.OnPoll = func(p osm.Poll) { polls = append(polls, p) }
		poll, n := script(step{err: &osm.Error{Kind: osm.KindServer, HTTPStatus: 503}}, step{status: 3})
		_, err := osm.Wait(context.Background(), poll, o)
		requireReason(t, err, osm.WaitFailed)
		if *n != 1 || len(polls) != 1 || polls[0].Transient {
			t.Fatalf("%d polls, %+v; want one poll reported as ending the check", *n, polls)
		}
	})
	t.Run("a timeout still bounds the request", func(t *testing.T) {
		o := osm.WaitOptions{Targets: []osm.Status{3}, Once: true, Timeout: 10 * time.Millisecond}
		_, err := osm.Wait(context.Background(), func(ctx context.Context) (osm.Status, error) {
			<-ctx.Done()
			return 0, ctx.Err()
		}, o)
		requireReason(t, err, osm.WaitTimedOut)
	})
	t.Run("a negative timeout is refused", func(t *testing.T) {
		poll, n := script(statuses(3)...)
		if _, err := osm.Wait(context.Background(), poll, osm.WaitOptions{Targets: []osm.Status{3}, Once: true, Timeout: -time.Second}); err == nil || *n != 0 {
			t.Fatalf("Wait accepted a negative timeout: %v after %d polls", err, *n)
		}
	})
}
