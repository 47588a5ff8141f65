package osm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// MaxBatchSize is the most case ids one CaseStatuses call reads.
const MaxBatchSize = 10000

// ErrBatchStopped marks the tickets a batch did not request because an
// earlier answer showed that no request could succeed (credentials
// rejected, API not found at the endpoint, host unreachable).
var ErrBatchStopped = errors.New("not requested: the batch stopped early")

// Result is the outcome of reading one ticket in a batch.
type Result struct {
	Status Status
	Err    error // an *Error; nil on success
}

// CaseStatuses reads the status of every ticket in ids, each distinct id
// once, and returns a result for each distinct id.
//
// The reads fan out over at most MaxConcurrency workers, and every HTTP
// attempt passes the client-wide limiter that the client's other calls
// share: the concurrency bound, the rate limit and the throttle. A throttled
// read is retried like any other, after the shared pause. When one answer shows
// that no read can succeed (KindAuth, KindNotFound, KindTransport), the
// batch requests nothing more, and the tickets it did not request get an
// error wrapping ErrBatchStopped. When ctx ends, every worker stops at once
// and the unread tickets get a KindCanceled error; CaseStatuses returns only
// after all its goroutines have ended.
func (c *Client) CaseStatuses(ctx context.Context, ids []string, opts RequestOptions) map[string]Result {
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			uniq = append(uniq, id)
		}
	}
	results := make([]Result, len(uniq))
	done := make([]bool, len(uniq))
	start := time.Now()

	var (
		next    atomic.Int64
		stopMu  sync.Mutex
		stopErr error
		wg      sync.WaitGroup
	)
	stopped := func() error {
		stopMu.Lock()
		defer stopMu.Unlock()
		return stopErr
	}
	workers := min(len(uniq), cap(c.limits.slots))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(uniq) || ctx.Err() != nil || stopped() != nil {
					return
				}
				id := uniq[i]
				s, err := c.CaseStatus(ctx, id, opts)
				results[i], done[i] = Result{Status: s, Err: err}, true
				if stopsBatch(err) {
					kind := "credentials could not be obtained"
					if e := (*Error)(nil); errors.As(err, &e) {
						kind = e.Kind.String()
					}
					stopMu.Lock()
					if stopErr == nil {
						stopErr = fmt.Errorf("%w after case %q failed (%s)", ErrBatchStopped, id, kind)
					}
					stopMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()

	out := make(map[string]Result, len(uniq))
	failed := 0
	for i, id := range uniq {
		r := results[i]
		if !done[i] {
			cause := ctx.Err()
			if cause == nil {
				cause = stopped()
			}
			r.Err = &Error{Kind: KindCanceled, Host: c.base.Host, Err: cause}
		}
		if r.Err != nil {
			failed++
		}
		out[id] = r
	}
	c.log.Log(ctx, LevelDebug, "OSM API batch read", map[string]any{
		"tickets":         len(uniq),
		"failed":          failed,
		"duration_ms":     time.Since(start).Milliseconds(),
		"max_concurrency": cap(c.limits.slots),
	})
	return out
}

// stopsBatch reports an error that every other read of the batch would
// meet too: credentials rejected, the API missing at the endpoint, the host
// unreachable, or credentials that could not be obtained at all (a failed
// IAM password login or agency exchange, already retried by its own rules).
func stopsBatch(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind == KindAuth || e.Kind == KindNotFound || e.Kind == KindTransport
	}
	var le *LoginError
	var ae *AgencyError
	return errors.As(err, &le) || errors.As(err, &ae)
}
