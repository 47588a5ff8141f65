package fakeosm

import (
	"net"
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure of the connection rather than an HTTP answer.
type Fault string

// Faults a canned Response can inject.
const (
	// FaultReset resets the connection (TCP RST) after reading the
	// request, before any answer.
	FaultReset Fault = "reset"
	// FaultClose closes the connection cleanly after reading the request,
	// before any answer: the client sees EOF.
	FaultClose Fault = "close"
	// FaultHang accepts the request and never answers; the handler returns
	// once the client gives up (or after HangLimit).
	FaultHang Fault = "hang"
	// FaultTruncate sends the status, the headers and the body with a
	// Content-Length larger than the body, then closes the connection.
	FaultTruncate Fault = "truncate"
)

// HangLimit bounds how long FaultHang holds a request whose client never
// gives up, so that a test server can always shut down.
const HangLimit = 2 * time.Minute

// serveFault injects f into the exchange; it reports false for an unknown
// fault, which the caller answers with a 500 naming it.
func serveFault(w http.ResponseWriter, r *http.Request, f Fault, code int, body string) bool {
	switch f {
	case FaultReset, FaultClose:
		hj, ok := w.(http.Hijacker)
		if !ok {
			return false
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return true
		}
		if tc, ok := conn.(*net.TCPConn); ok && f == FaultReset {
			_ = tc.SetLinger(0) // close sends RST instead of FIN
		}
		_ = conn.Close()
		return true
	case FaultHang:
		t := time.NewTimer(HangLimit)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		return true
	case FaultTruncate:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+100))
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
		// The server closes the connection: fewer bytes than declared.
		return true
	}
	return false
}
