package osm

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ and run as regular
// tests with `go test`; `go test -fuzz=FuzzDecodeStatus` explores further.

// FuzzDecodeStatus: whatever the service answers, decoding never panics and
// yields either a status in 0..20 from a 2xx answer or an *Error whose text
// is one printable line.
func FuzzDecodeStatus(f *testing.F) {
	f.Add(200, []byte(`{"status":3}`), "application/json", "req-1")
	f.Add(200, []byte(`{"error_code":"OSM.01010015","error_msg":"This case does not exist"}`), "application/json;charset=UTF-8", "")
	f.Add(503, []byte(`<html>down</html>`), "text/html", "r\n2")
	f.Add(200, []byte("\xff\xfe\x00{"), "", "\x1b[31m")
	f.Add(200, []byte(`{"status":1e3}`), "application/problem+json", "")
	f.Add(302, []byte(``), "", "")
	f.Fuzz(func(t *testing.T, status int, body []byte, contentType, requestID string) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		a := &answer{
			status:   status,
			header:   http.Header{"Content-Type": {contentType}, HeaderRequestID: {requestID}},
			body:     body,
			tooLarge: len(body) > MaxBodyBytes,
			host:     "osm.example.com",
			attempts: 1,
		}
		s, err := decodeStatus(a)
		if err == nil {
			if !s.Valid() {
				t.Fatalf("status %d outside %d..%d accepted", s, MinStatus, MaxStatus)
			}
			if status < 200 || status > 299 {
				t.Fatalf("HTTP %d decoded as status %d", status, s)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("want *Error, got %T", err)
		}
		if e.HTTPStatus != status {
			t.Fatalf("HTTPStatus %d, want %d", e.HTTPStatus, status)
		}
		text := err.Error()
		if !utf8.ValidString(text) {
			t.Fatalf("error text is not valid UTF-8: %q", text)
		}
		for _, r := range text {
			if unicode.IsControl(r) {
				t.Fatalf("error text carries control character %U: %q", r, text)
			}
		}
		if len(text) > 4096 {
			t.Fatalf("error text of %d bytes", len(text))
		}
	})
}

// FuzzNewStatusRequest: for any case_id, language and time zone the
// request is either refused or well-formed: GET, on the endpoint's host,
// its escaped path exactly prefix + one segment that unescapes to the case
// id + "/status", no query, and header values free of control characters.
func FuzzNewStatusRequest(f *testing.F) {
	f.Add("CS2023", "", "")
	f.Add("a/b", "en-us", "GMT+0")
	f.Add("../../v3/auth/tokens", "zh-cn", "GMT+8")
	f.Add("x?y=1#z", "en\r\nX-Evil: 1", "GMT\x00")
	f.Add("%2F%2e%2e", " en", "GMT+8 ")
	f.Add("..", "", "")
	f.Add("工单 1", "中文", "东八区")
	const prefix = "/pre%20fix"
	auth, _ := NewTokenAuth("t")
	c, err := New(Config{Endpoint: "https://osm.example.com" + prefix + "/", Auth: auth, UserAgent: "fuzz/1"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, caseID, language, timeZone string) {
		req, err := c.NewStatusRequest(context.Background(), caseID, RequestOptions{Language: language, TimeZone: timeZone})
		if err != nil {
			refused := ValidateCaseID(caseID) != nil ||
				(language != "" && ValidateHeaderValue(language, LanguageMaxLength) != nil) ||
				(timeZone != "" && ValidateHeaderValue(timeZone, TimeZoneMaxLength) != nil)
			if !refused {
				t.Fatalf("refused valid input: %v", err)
			}
			return
		}
		if ValidateCaseID(caseID) != nil {
			t.Fatalf("accepted an invalid case id %q", caseID)
		}
		if req.Method != http.MethodGet || req.URL.Host != "osm.example.com" || req.URL.Scheme != "https" {
			t.Fatalf("request %s %s", req.Method, req.URL.Redacted())
		}
		if req.URL.RawQuery != "" || req.URL.Fragment != "" {
			t.Fatalf("case id %q made a query or fragment", caseID)
		}
		p := req.URL.EscapedPath()
		seg, ok := strings.CutPrefix(p, prefix+"/v2/servicerequest/cases/")
		if ok {
			seg, ok = strings.CutSuffix(seg, "/status")
		}
		if !ok || seg == "" || strings.Contains(seg, "/") || seg == "." || seg == ".." {
			t.Fatalf("case id %q gave path %q", caseID, p)
		}
		if got, err := url.PathUnescape(seg); err != nil || got != caseID {
			t.Fatalf("segment %q unescapes to %q (%v), want %q", seg, got, err, caseID)
		}
		// What goes on the wire: the request line carries the same path.
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			t.Fatalf("request does not serialise: %v", err)
		}
		line, _, _ := strings.Cut(wire.String(), "\r\n")
		if line != "GET "+p+" HTTP/1.1" {
			t.Fatalf("request line %q, want path %q", line, p)
		}
		if n := strings.Count(wire.String(), "\r\n\r\n"); n != 1 {
			t.Fatalf("request has %d header terminators: %q", n, wire.String())
		}
		for k, vs := range req.Header {
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
					t.Fatalf("header %s carries a control character or invalid UTF-8", k)
				}
			}
		}
	})
}
