package osm

import (
	"context"
	"sync"
)

// flightGroup makes identical requests that are in flight at the same
// moment once and shares the answer (what golang.org/x/sync/singleflight
// does), with one difference that matters here: the shared request does not
// run under the first caller's context. It runs under a context that keeps
// the first caller's values (loggers) and ends only when every caller
// waiting for it has gone, so one data source's cancellation never fails
// another's read.
type flightGroup struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done    chan struct{}
	status  Status
	err     error
	waiters int
	cancel  context.CancelFunc
}

// do runs fn once for all concurrent callers with the same key. shared
// reports whether the caller joined a call another caller started. When
// ctx ends first, do returns ctx's error at once; fn's context ends when
// the last waiter has left.
func (g *flightGroup) do(ctx context.Context, key string, fn func(context.Context) (Status, error)) (s Status, err error, shared bool) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*flightCall{}
	}
	c, shared := g.calls[key]
	if !shared {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &flightCall{done: make(chan struct{}), cancel: cancel}
		g.calls[key] = c
		go func() {
			c.status, c.err = fn(fctx)
			g.mu.Lock()
			if g.calls[key] == c {
				delete(g.calls, key)
			}
			g.mu.Unlock()
			cancel()
			close(c.done)
		}()
	}
	c.waiters++
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.status, c.err, shared
	case <-ctx.Done():
		g.mu.Lock()
		c.waiters--
		last := c.waiters == 0
		if last {
			// Nobody wants the answer any more: stop the request, and let
			// the next caller start a fresh one.
			c.cancel()
			if g.calls[key] == c {
				delete(g.calls, key)
			}
		}
		g.mu.Unlock()
		if last {
			// fn stops at once on its context; its error says what was
			// canceled (an attempt, or the wait before a retry and why).
			<-c.done
			if c.err != nil {
				return 0, c.err, shared
			}
		}
		return 0, ctx.Err(), shared
	}
}
