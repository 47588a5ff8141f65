package osm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Waiting for a ticket to reach a status.
//
// Wait polls until the status is one of the targets, and ends early when
// waiting longer cannot help:
//
//   - a target status: success;
//   - a terminal status (Closed) that is not a target: a WaitTerminal error at
//     once, since a closed ticket does not move again on its own;
//   - the timeout: a WaitTimedOut error naming the last status seen;
//   - the caller's context ends (Ctrl-C): a WaitCanceled error, promptly,
//     also in the middle of a request or of the pause between two polls;
//   - a poll fails with a transient error (KindServer, KindThrottled,
//     KindTransport): the client has already retried it by its own rules;
//     the wait logs it and polls again at the next interval, so an outage
//     shorter than the timeout does not end the wait. If the timeout comes
//     first, the WaitTimedOut error carries the last failure;
//   - a poll fails with any other error (credentials, permission, ticket not
//     found, bad request, a service error code, an unexpected answer):
//     a WaitFailed error at once, since polling again would fail the same way.
//
// With Once set, Wait checks instead of waiting: it polls a single time, and
// a status that is not a target ends it with WaitNotReached (WaitTerminal
// for a terminal one), a failed poll with WaitFailed, transient or not.

// WaitOptions configures Wait.
type WaitOptions struct {
	// Targets are the statuses to wait for: at least one, each in 0..20.
	Targets []Status
	// Interval is the pause between the end of one poll and the start of
	// the next. It must be positive unless Once is set.
	Interval time.Duration
	// Timeout bounds the whole wait, requests included. It must be positive
	// unless Once is set; with Once, zero leaves the single request bounded
	// by the client's own request timeout only.
	Timeout time.Duration
	// Once makes the wait a single check: one poll, no pause, no retry of a
	// transient failure.
	Once bool
	// Now and Sleep replace the real clock, for tests. Sleep must return
	// ctx.Err() when ctx ends first. Nil means time.Now and a timer.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// OnPoll, if set, is called after every poll, before Wait decides what
	// to do next.
	OnPoll func(Poll)
}

// Poll is the outcome of one poll.
type Poll struct {
	N       int           // 1 for the first poll
	Status  Status        // the status read, when Err is nil
	Err     error         // the poll's error, if any
	Elapsed time.Duration // since the wait started
	// Transient reports that Err does not end the wait.
	Transient bool
}

// WaitReason says why a wait ended without reaching a target.
type WaitReason int

// The ways a wait can fail.
const (
	WaitTimedOut   WaitReason = iota // the timeout passed
	WaitTerminal                     // the ticket reached a terminal status that is not a target
	WaitCanceled                     // the caller's context ended
	WaitFailed                       // a poll failed with an error that polling again cannot fix
	WaitNotReached                   // Once: the one status read is not a target
)

// WaitError is every error Wait returns.
type WaitError struct {
	Reason  WaitReason
	CaseID  string        // the ticket, when known
	Targets []Status      // the statuses waited for, ascending
	Last    Status        // the last status read, when Seen
	Seen    bool          // whether any poll read a status
	Waited  time.Duration // how long the wait lasted
	Polls   int           // how many polls were made
	Err     error         // WaitFailed: the poll's error; WaitTimedOut: the last poll's error, if it failed; WaitCanceled: the context's error
}

func (e *WaitError) Error() string {
	ticket := "the ticket"
	if e.CaseID != "" {
		ticket = fmt.Sprintf("case %q", e.CaseID)
	}
	after := FormatDuration(e.Waited) + " and " + plural(e.Polls, "poll")
	last := "no status was read"
	if e.Seen {
		last = "the last status seen was " + e.Last.String()
	}
	var b strings.Builder
	switch e.Reason {
	case WaitTimedOut:
		fmt.Fprintf(&b, "timed out after %s waiting for %s to reach %s; %s", after, ticket, StatusList(e.Targets), last)
		if e.Err != nil {
			fmt.Fprintf(&b, "; the last poll failed: %v", e.Err)
		}
	case WaitTerminal:
		fmt.Fprintf(&b, "%s reached %s after %s while waiting for %s; %s is a terminal status: "+
			"a closed ticket does not move on its own, so waiting longer cannot help",
			ticket, e.Last, after, StatusList(e.Targets), e.Last)
	case WaitCanceled:
		fmt.Fprintf(&b, "canceled after %s of waiting for %s to reach %s; %s", after, ticket, StatusList(e.Targets), last)
	case WaitNotReached:
		fmt.Fprintf(&b, "%s is %s, not %s", ticket, e.Last, StatusList(e.Targets))
	default:
		fmt.Fprintf(&b, "waiting for %s to reach %s stopped after %s: %v; %s", ticket, StatusList(e.Targets), after, e.Err, last)
	}
	return b.String()
}

func (e *WaitError) Unwrap() error { return e.Err }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// StatusList renders statuses as `3 (Completed)`, `3 (Completed) or
// 4 (Canceled)`, `0 (To be processed), 1 (Processing) or 3 (Completed)`.
func StatusList(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	switch len(parts) {
	case 0:
		return "no status"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// FormatDuration renders a duration as a person would type it: whole
// seconds from one second up, milliseconds below, and without zero units
// (1h rather than 1h0m0s, 2m rather than 2m0s).
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d >= time.Second || d <= -time.Second {
		d = d.Round(time.Second)
	} else {
		return d.Round(time.Millisecond).String()
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// TransientDuringWait reports whether a failed poll leaves the wait going:
// a server error, throttling or a connection failure, which the client has
// already retried by its own rules and which may clear before the timeout;
// likewise a token renewal that IAM did not answer or answered with 429 or
// 5xx.
func TransientDuringWait(err error) bool {
	// A token renewal that IAM failed to answer (no answer, 429, 5xx) may
	// succeed at the next poll; a refused password will not.
	var le *LoginError
	if errors.As(err, &le) {
		return !le.permanent() && !isContextError(le.Err)
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case KindServer, KindThrottled, KindTransport:
		return true
	}
	return false
}

// normalize checks o and returns it with sorted, deduplicated targets and
// the real clock where none was given.
func (o WaitOptions) normalize() (WaitOptions, error) {
	if len(o.Targets) == 0 {
		return o, errors.New("no status to wait for")
	}
	ts := slices.Clone(o.Targets)
	slices.Sort(ts)
	o.Targets = slices.Compact(ts)
	for _, s := range o.Targets {
		if !s.Valid() {
			return o, fmt.Errorf("cannot wait for status %d: statuses are %d to %d", int(s), MinStatus, MaxStatus)
		}
	}
	if o.Interval <= 0 && !o.Once {
		return o, fmt.Errorf("the poll interval must be positive, got %s", o.Interval)
	}
	if o.Timeout < 0 || o.Timeout == 0 && !o.Once {
		return o, fmt.Errorf("the timeout must be positive, got %s", o.Timeout)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepContext
	}
	return o, nil
}

// sleepContext pauses for d or until ctx ends, whichever comes first: the
// waits between polls and the limiter's pauses. The waits before a retry
// are go-retryablehttp's.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait calls poll until it returns one of o.Targets, following the rules at
// the top of this file. poll receives a context that ends at the timeout.
// Every error it returns after the options are checked is a *WaitError.
func Wait(ctx context.Context, poll func(context.Context) (Status, error), o WaitOptions) (Status, error) {
	o, err := o.normalize()
	if err != nil {
		return 0, err
	}
	start := o.Now()
	deadline := start.Add(o.Timeout)
	// The timeout also bounds requests in flight, in real time.
	wctx, cancel := context.WithCancel(ctx)
	if o.Timeout > 0 {
		wctx, cancel = context.WithTimeout(ctx, o.Timeout)
	}
	defer cancel()

	we := &WaitError{Targets: o.Targets}
	fail := func(r WaitReason, err error) (Status, error) {
		we.Reason, we.Err, we.Waited = r, err, o.Now().Sub(start)
		return 0, we
	}
	for {
		if ctx.Err() != nil {
			return fail(WaitCanceled, ctx.Err())
		}
		we.Polls++
		s, err := poll(wctx)
		if ctx.Err() != nil {
			return fail(WaitCanceled, ctx.Err())
		}
		if err != nil && wctx.Err() != nil {
			// The request was cut by the timeout: not a failure of its own.
			return fail(WaitTimedOut, we.Err)
		}
		p := Poll{N: we.Polls, Status: s, Err: err, Elapsed: o.Now().Sub(start), Transient: err != nil && !o.Once && TransientDuringWait(err)}
		if o.OnPoll != nil {
			o.OnPoll(p)
		}
		switch {
		case err != nil && !p.Transient:
			return fail(WaitFailed, err)
		case err != nil:
			we.Err = err
		case slices.Contains(o.Targets, s):
			return s, nil
		default:
			we.Last, we.Seen, we.Err = s, true, nil
			if s.Closed() {
				return fail(WaitTerminal, nil)
			}
			if o.Once {
				return fail(WaitNotReached, nil)
			}
		}

		remaining := deadline.Sub(o.Now())
		if remaining <= 0 {
			return fail(WaitTimedOut, we.Err)
		}
		if err := o.Sleep(wctx, min(o.Interval, remaining)); err != nil {
			if ctx.Err() != nil {
				return fail(WaitCanceled, ctx.Err())
			}
			return fail(WaitTimedOut, we.Err)
		}
		if !o.Now().Before(deadline) {
			return fail(WaitTimedOut, we.Err)
		}
	}
}

// WaitForStatus polls the status of caseID with CaseStatus until it is one
// of o.Targets (see Wait). It logs one INFO line per poll with the status
// read, and a WARN line for a failed poll.
func (c *Client) WaitForStatus(ctx context.Context, caseID string, opts RequestOptions, o WaitOptions) (Status, error) {
	if err := ValidateCaseID(caseID); err != nil {
		return 0, fmt.Errorf("case id %w", err)
	}
	n, err := o.normalize()
	if err != nil {
		return 0, err
	}
	waitingFor := StatusList(n.Targets)
	hook := o.OnPoll
	o.OnPoll = func(p Poll) {
		fields := map[string]any{
			"case_id":     caseID,
			"poll":        p.N,
			"elapsed":     FormatDuration(p.Elapsed),
			"waiting_for": waitingFor,
		}
		switch {
		case p.Err == nil:
			fields["status"] = int(p.Status)
			fields["status_name"] = p.Status.Name()
			c.log.Log(ctx, LevelInfo, fmt.Sprintf("Service ticket %s is %s; waiting for %s", caseID, p.Status, waitingFor), fields)
		case p.Transient:
			fields["error"] = p.Err.Error()
			c.log.Log(ctx, LevelWarn, "Polling the service ticket status failed; polling again at the next interval", fields)
		default:
			fields["error"] = p.Err.Error()
			c.log.Log(ctx, LevelWarn, "Polling the service ticket status failed; the wait ends", fields)
		}
		if hook != nil {
			hook(p)
		}
	}
	s, err := Wait(ctx, func(ctx context.Context) (Status, error) { return c.CaseStatus(ctx, caseID, opts) }, o)
	var we *WaitError
	if errors.As(err, &we) {
		we.CaseID = caseID
	}
	return s, err
}
