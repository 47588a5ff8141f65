// Package fakeosm is an in-process fake of the Service Ticket (OSM) API's
// read calls: the status, and the details, operation log, search and counts
// (cases.go). Tests, the demo and the benchmark use it: it serves a table
// of tickets, checks X-Auth-Token or an AK/SK signature, records every
// request and can be told to answer any ticket with any HTTP status, body or
// delay. It also serves IAM's password login, minting tokens it accepts,
// and the exchange of credentials for an agency's temporary access keys,
// issuing keys it accepts until they expire.
package fakeosm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// StatusPathPrefix and StatusPathSuffix frame the status call's path.
const (
	StatusPathPrefix = "/v2/servicerequest/cases/"
	StatusPathSuffix = "/status"
)

// Response is a canned answer.
type Response struct {
	HTTPStatus int               // 0 means 200
	Body       string            // sent as is
	Header     map[string]string // extra response headers
	Delay      time.Duration     // wait before answering (cut short if the client goes away)
	Fault      Fault             // a connection failure instead of an answer (faults.go)
}

// Request is what the fake saw of one request.
type Request struct {
	Method  string
	Path    string // the escaped path as it arrived
	CaseID  string // the unescaped case id, when the path is a status path
	Header  http.Header
	Time    time.Time
	Matched bool // whether the path was a well-formed path of a call the fake serves
	// Call is which call the path named (CallStatus, CallDetail, ...; cases.go).
	Call  string
	Query url.Values

	RemoteAddr string // the client's address: one per connection
	Host       string // the Host the request named
	// Site is the X-Site header (0 China site, 1 International site); ""
	// when the request had none.
	Site string
}

// Server is the fake service. Use it as an http.Handler, usually behind
// httptest.NewServer. The zero value is not usable; call New.
type Server struct {
	mu        sync.Mutex
	tickets   map[string]int
	tokens    map[string]bool
	responses map[string][]Response // per case id; the last one repeats
	sequences map[string][]int      // per case id: statuses still to serve (sequence.go)
	requests  []Request
	latency   time.Duration
	prefix    string
	requestID int
	inFlight  int
	peak      int
	iam       iamState      // IAM token endpoint (iam.go)
	agency    agencyState   // agency credential exchanges (agency.go)
	aksk      akskState     // AK/SK signature checks (aksk.go)
	throttle  throttleState // the gateway's rate limit (throttle.go)
	cases     caseState     // details, search and counts (cases.go)
}

// New returns a fake that accepts the given tokens.
func New(tokens ...string) *Server {
	s := &Server{
		tickets:   map[string]int{},
		tokens:    map[string]bool{},
		responses: map[string][]Response{},
	}
	for _, t := range tokens {
		s.tokens[t] = true
	}
	return s
}

// AddToken makes the fake accept token.
func (s *Server) AddToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = true
}

// SetStatus sets the status of a ticket, creating it.
func (s *Server) SetStatus(caseID string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickets[caseID] = status
}

// DeleteTicket removes a ticket: it is then answered with OSM.01010015.
func (s *Server) DeleteTicket(caseID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tickets, caseID)
}

// SetResponses makes the fake answer caseID's status with the given
// responses, one per request in order; the last one then repeats. No
// responses clears the override. The other calls have keys of their own
// (DetailKey, OperateLogsKey, SearchKey, CountKey: cases.go).
func (s *Server) SetResponses(caseID string, rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(rs) == 0 {
		delete(s.responses, caseID)
		return
	}
	s.responses[caseID] = append([]Response(nil), rs...)
}

// SetLatency delays every answer by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetPathPrefix makes the fake serve the API below prefix (e.g. "/osm").
func (s *Server) SetPathPrefix(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prefix = strings.TrimRight(prefix, "/")
}

// Requests returns a copy of every request seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestCount returns how many requests were seen for caseID ("" for all).
func (s *Server) RequestCount(caseID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if caseID == "" {
		return len(s.requests)
	}
	n := 0
	for _, r := range s.requests {
		if r.CaseID == caseID {
			n++
		}
	}
	return n
}

// PeakInFlight returns the largest number of requests served at once.
func (s *Server) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// Reset forgets the recorded requests and the in-flight peak.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.peak = s.inFlight
}

// Error bodies in the shapes the gateway and the service use.
func errorBody(code, msg string) string {
	b, _ := json.Marshal(map[string]string{"error_code": code, "error_msg": msg})
	return string(b)
}

// ServeHTTP implements the status call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveIAM(w, r) || s.serveAgency(w, r) {
		return
	}
	authn := s.authenticate(r)
	caseID, matched := s.parsePath(r.URL.EscapedPath())
	call, key := CallStatus, caseID
	if !matched {
		call, caseID, key, matched = s.parseCallPath(r.URL.EscapedPath())
	}
	s.mu.Lock()
	s.requestID++
	reqID := fmt.Sprintf("fake-%06d", s.requestID)
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.EscapedPath(), CaseID: caseID,
		Header: r.Header.Clone(), Time: time.Now(), Matched: matched,
		RemoteAddr: r.RemoteAddr, Host: r.Host, Call: call, Query: r.URL.Query(), Site: r.Header.Get("X-Site"),
	})
	s.inFlight++
	if s.inFlight > s.peak {
		s.peak = s.inFlight
	}
	latency := s.latency
	throttled, retryAfter := matched && s.throttledLocked(time.Now()), s.throttle.cfg.RetryAfter
	authorized := authn.ok
	s.stepSequence(caseID, call == CallStatus && matched && r.Method == http.MethodGet && !throttled, authorized)
	status, exists := s.tickets[caseID]
	var canned *Response
	if q := s.responses[key]; matched && len(q) > 0 {
		c := q[0]
		canned = &c
		if len(q) > 1 {
			s.responses[key] = q[1:]
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	w.Header().Set("X-Request-Id", reqID)
	if throttled {
		s.writeThrottled(w, retryAfter)
		return
	}
	if canned != nil {
		latency += canned.Delay
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch {
	case !matched:
		writeJSON(w, http.StatusNotFound, errorBody("APIGW.0101", "The API does not exist or has not been published in the environment"))
	case r.Method != http.MethodGet:
		writeJSON(w, http.StatusMethodNotAllowed, errorBody("APIGW.0201", "Method not allowed"))
	case canned != nil:
		for k, v := range canned.Header {
			w.Header().Set(k, v)
		}
		code := canned.HTTPStatus
		if code == 0 {
			code = http.StatusOK
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		}
		if canned.Fault != "" {
			if !serveFault(w, r, canned.Fault, code, canned.Body) {
				writeJSON(w, http.StatusInternalServerError, errorBody("FAKE.0001", "unknown fault "+string(canned.Fault)))
			}
			return
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(expandEcho(canned.Body, r.Header)))
	case !authorized:
		writeJSON(w, http.StatusUnauthorized, errorBody("APIGW.0301", authn.msg))
	case call != CallStatus:
		s.serveCall(w, r, call, caseID) // cases.go
	case !exists:
		// The service reports a missing ticket with HTTP 200.
		writeJSON(w, http.StatusOK, errorBody("OSM.01010015", "This case does not exist"))
	default:
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"status":%d}`, status))
	}
}

func writeJSON(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}

// parsePath extracts the case id from an escaped status path. The id must
// be exactly one escaped segment.
func (s *Server) parsePath(escaped string) (string, bool) {
	s.mu.Lock()
	prefix := s.prefix
	s.mu.Unlock()
	rest, ok := strings.CutPrefix(escaped, prefix+StatusPathPrefix)
	if !ok {
		return "", false
	}
	seg, ok := strings.CutSuffix(rest, StatusPathSuffix)
	if !ok || seg == "" || strings.Contains(seg, "/") {
		return "", false
	}
	id, err := url.PathUnescape(seg)
	if err != nil {
		return "", false
	}
	return id, true
}
