package osm_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

const testToken = "tok-SECRET-123"

type seen struct {
	path   string
	header http.Header
}

// serve starts an httptest server answering every request with code and
// body, and records what it saw.
func serve(t *testing.T, code int, body string, hdr map[string]string) (*httptest.Server, *[]seen) {
	t.Helper()
	var reqs []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs = append(reqs, seen{path: r.URL.EscapedPath(), header: r.Header.Clone()})
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &reqs
}

func TestClient_statuses(t *testing.T) {
	for _, tc := range []struct {
		body   string
		want   osm.Status
		name   string
		closed bool
	}{
		{`{"status":0}`, 0, "To be processed", false},
		{`{"status":1}`, 1, "Processing", false},
		{`{"status":2}`, 2, "To be confirmed", false},
		{`{"status":3}`, 3, "Completed", true},
		{`{"status":4}`, 4, "Canceled", true},
		{`{"status":5}`, 5, "Paused", false},
		{`{"status":12}`, 12, "Invalid", true},
		{`{"status":13}`, 13, "Deleted", true},
		{`{"status":17}`, 17, "Pending feedback", false},
		{`{"status":7}`, 7, "Unknown", false},
		{`{"status":20, "extra": {"x": 1}}`, 20, "Unknown", false},
		{` { "status" : 0 } `, 0, "To be processed", false},
	} {
		t.Run(tc.body, func(t *testing.T) {
			srv, _ := serve(t, 200, tc.body, map[string]string{"Content-Type": "application/json"})
			got, err := newClient(t, srv.URL).CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.want || got.Name() != tc.name || got.Closed() != tc.closed {
				t.Fatalf("got %d %q closed=%v, want %d %q closed=%v", got, got.Name(), got.Closed(), tc.want, tc.name, tc.closed)
			}
		})
	}
}

func TestClient_sendsDocumentedRequest(t *testing.T) {
	srv, reqs := serve(t, 200, `{"status":1}`, nil)
	c := newClient(t, srv.URL)
	if _, err := c.CaseStatus(context.Background(), "CS2023", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CaseStatus(context.Background(), "CS2023", osm.RequestOptions{Language: "en-us", TimeZone: "GMT+0"}); err != nil {
		t.Fatal(err)
	}
	if len(*reqs) != 2 {
		t.Fatalf("want 2 requests, got %d", len(*reqs))
	}
	for i, want := range [][2]string{{"zh-cn", "GMT+8"}, {"en-us", "GMT+0"}} {
		r := (*reqs)[i]
		if r.path != "/v2/servicerequest/cases/CS2023/status" {
			t.Errorf("request %d path %q", i, r.path)
		}
		if got := r.header.Get("X-Auth-Token"); got != testToken {
			t.Errorf("request %d X-Auth-Token %q", i, got)
		}
		if got := r.header.Get("X-Language"); got != want[0] {
			t.Errorf("request %d X-Language %q, want %q", i, got, want[0])
		}
		if got := r.header.Get("X-Time-Zone"); got != want[1] {
			t.Errorf("request %d X-Time-Zone %q, want %q", i, got, want[1])
		}
		if got := r.header.Get("User-Agent"); got != "test-agent/1" {
			t.Errorf("request %d User-Agent %q", i, got)
		}
	}
}

func TestClient_endpointPrefixAndTrailingSlash(t *testing.T) {
	for _, suffix := range []string{"", "/", "/osm", "/osm/", "/a%20b/"} {
		t.Run(suffix, func(t *testing.T) {
			srv, reqs := serve(t, 200, `{"status":3}`, nil)
			if _, err := newClient(t, srv.URL+suffix).CaseStatus(context.Background(), "X", osm.RequestOptions{}); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimRight(suffix, "/") + "/v2/servicerequest/cases/X/status"
			if got := (*reqs)[0].path; got != want {
				t.Fatalf("path %q, want %q", got, want)
			}
		})
	}
}

func TestClient_pathEscaping(t *testing.T) {
	for id, seg := range map[string]string{
		"a/b":        "a%2Fb",
		"../x":       "..%2Fx",
		"a?b=c":      "a%3Fb=c",
		"a#b":        "a%23b",
		"100%":       "100%25",
		"with space": "with%20space",
		"工单":         "%E5%B7%A5%E5%8D%95",
		"...":        "...",
	} {
		t.Run(id, func(t *testing.T) {
			srv, reqs := serve(t, 200, `{"status":0}`, nil)
			if _, err := newClient(t, srv.URL).CaseStatus(context.Background(), id, osm.RequestOptions{}); err != nil {
				t.Fatal(err)
			}
			want := "/v2/servicerequest/cases/" + seg + "/status"
			if got := (*reqs)[0].path; got != want {
				t.Fatalf("path %q, want %q", got, want)
			}
		})
	}
}

func TestClient_refusesBadInput(t *testing.T) {
	srv, reqs := serve(t, 200, `{"status":0}`, nil)
	c := newClient(t, srv.URL)
	for name, tc := range map[string]struct {
		id   string
		opts osm.RequestOptions
	}{
		"empty id":           {"", osm.RequestOptions{}},
		"long id":            {strings.Repeat("a", 65), osm.RequestOptions{}},
		"newline id":         {"a\nb", osm.RequestOptions{}},
		"nul id":             {"a\x00b", osm.RequestOptions{}},
		"dot id":             {".", osm.RequestOptions{}},
		"dotdot id":          {"..", osm.RequestOptions{}},
		"bad utf8 id":        {"a\xffb", osm.RequestOptions{}},
		"crlf language":      {"X", osm.RequestOptions{Language: "en\r\nX-Evil: 1"}},
		"long time zone":     {"X", osm.RequestOptions{TimeZone: strings.Repeat("z", 33)}},
		"tab time zone":      {"X", osm.RequestOptions{TimeZone: "GMT\t+8"}},
		"leading space lang": {"X", osm.RequestOptions{Language: " en"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := c.CaseStatus(context.Background(), tc.id, tc.opts); err == nil {
				t.Fatal("want an error")
			}
		})
	}
	if len(*reqs) != 0 {
		t.Fatalf("refused input must not reach the wire; the server saw %d requests", len(*reqs))
	}
	if _, err := c.CaseStatus(context.Background(), strings.Repeat("工", 64), osm.RequestOptions{}); err != nil {
		t.Fatalf("64 characters must be accepted: %v", err)
	}
}

func TestNew_refusesBadConfig(t *testing.T) {
	auth, _ := osm.NewTokenAuth(testToken)
	for name, cfg := range map[string]osm.Config{
		"no scheme":     {Endpoint: "osm.example.com", Auth: auth},
		"ftp":           {Endpoint: "ftp://osm.example.com", Auth: auth},
		"no host":       {Endpoint: "https://", Auth: auth},
		"user info":     {Endpoint: "https://user:pw@osm.example.com", Auth: auth},
		"query":         {Endpoint: "https://osm.example.com/?a=b", Auth: auth},
		"fragment":      {Endpoint: "https://osm.example.com/#x", Auth: auth},
		"no auth":       {Endpoint: "https://osm.example.com"},
		"bad language":  {Endpoint: "https://osm.example.com", Auth: auth, Language: "a\nb"},
		"bad time zone": {Endpoint: "https://osm.example.com", Auth: auth, TimeZone: strings.Repeat("x", 33)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := osm.New(cfg)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), "pw") {
				t.Fatalf("error quotes a password: %v", err)
			}
		})
	}
	for _, bad := range []string{"", "a\r\nb", strings.Repeat("t", 5001)} {
		if _, err := osm.NewTokenAuth(bad); err == nil {
			t.Errorf("NewTokenAuth accepted a bad token of %d bytes", len(bad))
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error quotes the token")
		}
	}
}

func TestClient_errors(t *testing.T) {
	big := `{"status":1,"pad":"` + strings.Repeat("x", osm.MaxBodyBytes) + `"}`
	for _, tc := range []struct {
		name    string
		code    int
		body    string
		hdr     map[string]string
		kind    osm.ErrorKind
		errCode string
		inText  []string
	}{
		{"200 case not found", 200, `{"error_code":"OSM.01010015","error_msg":"This case does not exist"}`, nil,
			osm.KindCaseNotFound, "OSM.01010015", []string{"HTTP 200", "OSM.01010015", "This case does not exist"}},
		{"200 no permission", 200, `{"error_code":"OSM.01010002","error_msg":"no permission"}`, nil,
			osm.KindForbidden, "OSM.01010002", []string{"OSM.01010002"}},
		{"200 internal", 200, `{"error_code":"OSM.01010014","error_msg":"operation failed"}`, nil,
			osm.KindService, "OSM.01010014", []string{"operation failed"}},
		{"200 error code and status", 200, `{"status":3,"error_code":"OSM.01010011","error_msg":"no customer"}`, nil,
			osm.KindService, "OSM.01010011", []string{"OSM.01010011"}},
		{"401 gateway", 401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`,
			map[string]string{"X-Request-Id": "req-42"}, osm.KindAuth, "APIGW.0301", []string{"HTTP 401", "APIGW.0301", "req-42"}},
		{"401 osm", 401, `{"error_code":"OSM.0002","error_msg":"not authenticated"}`, nil, osm.KindAuth, "OSM.0002", nil},
		{"401 no body", 401, ``, nil, osm.KindAuth, "", []string{"HTTP 401"}},
		{"403", 403, `{"error_code":"OSM.0003","error_msg":"forbidden"}`, nil, osm.KindForbidden, "OSM.0003", []string{"HTTP 403"}},
		{"404 gateway", 404, `{"error_code":"APIGW.0101","error_msg":"The API does not exist"}`, nil, osm.KindNotFound, "APIGW.0101", []string{"HTTP 404"}},
		{"429", 429, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`, nil, osm.KindThrottled, "APIGW.0308", []string{"HTTP 429"}},
		{"400", 400, `{"error_code":"OSM.0001","error_msg":"failed"}`, nil, osm.KindBadRequest, "OSM.0001", []string{"HTTP 400"}},
		{"414", 414, `URI too long`, nil, osm.KindBadRequest, "", []string{"HTTP 414", "URI too long"}},
		{"500", 500, `{"error_code":"OSM.0004","error_msg":"internal error"}`, nil, osm.KindServer, "OSM.0004", []string{"HTTP 500", "internal error"}},
		{"502 html", 502, `<html>bad gateway</html>`, nil, osm.KindServer, "", []string{"HTTP 502", "bad gateway"}},
		{"200 no status", 200, `{}`, nil, osm.KindUnexpected, "", []string{"no status"}},
		{"200 null status", 200, `{"status":null}`, nil, osm.KindUnexpected, "", []string{"no status"}},
		{"200 status 21", 200, `{"status":21}`, nil, osm.KindUnexpected, "", []string{"21", "outside"}},
		{"200 status -1", 200, `{"status":-1}`, nil, osm.KindUnexpected, "", []string{"-1"}},
		{"200 status huge", 200, `{"status":99999999999999999999}`, nil, osm.KindUnexpected, "", []string{"not an integer"}},
		{"200 status float", 200, `{"status":1.5}`, nil, osm.KindUnexpected, "", []string{"not an integer"}},
		{"200 status string", 200, `{"status":"1"}`, nil, osm.KindUnexpected, "", []string{"not an integer"}},
		{"200 not json", 200, `<html>hello</html>`, map[string]string{"Content-Type": "text/html"}, osm.KindUnexpected, "",
			[]string{"not JSON", "text/html", "<html>hello</html>"}},
		{"200 empty", 200, ``, nil, osm.KindUnexpected, "", []string{"not JSON"}},
		{"200 json array", 200, `[1,2]`, nil, osm.KindUnexpected, "", []string{"not JSON"}},
		{"200 msg only", 200, `{"error_msg":"boom"}`, nil, osm.KindUnexpected, "", []string{"error_msg"}},
		{"200 too large", 200, big, nil, osm.KindUnexpected, "", []string{"larger than 1048576 bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serve(t, tc.code, tc.body, tc.hdr)
			_, err := newClient(t, srv.URL).CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
			var e *osm.Error
			if !errors.As(err, &e) {
				t.Fatalf("want *osm.Error, got %T %v", err, err)
			}
			if e.Kind != tc.kind {
				t.Fatalf("kind %v, want %v (%v)", e.Kind, tc.kind, err)
			}
			if e.Code != tc.errCode {
				t.Fatalf("code %q, want %q", e.Code, tc.errCode)
			}
			if e.HTTPStatus != tc.code {
				t.Fatalf("HTTP status %d, want %d", e.HTTPStatus, tc.code)
			}
			for _, s := range tc.inText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("error leaks the token: %v", err)
			}
			if len(e.Snippet) > 200+len("...") {
				t.Fatalf("snippet of %d bytes", len(e.Snippet))
			}
		})
	}
}

func TestClient_snippetIsSanitised(t *testing.T) {
	body := "\x1b[31mred\r\nX-Injected: 1\xff\xfe" + strings.Repeat("y", 400)
	srv, _ := serve(t, 200, body, nil)
	_, err := newClient(t, srv.URL).CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
	var e *osm.Error
	if !errors.As(err, &e) || e.Kind != osm.KindUnexpected {
		t.Fatalf("want unexpected, got %v", err)
	}
	if strings.ContainsAny(e.Snippet, "\x1b\r\n") || strings.Contains(e.Snippet, "\xff") {
		t.Fatalf("snippet not sanitised: %q", e.Snippet)
	}
	if !strings.HasSuffix(e.Snippet, "...") || len(e.Snippet) > 200*3+3 {
		t.Fatalf("snippet not cut: %d bytes", len(e.Snippet))
	}
}

func TestClient_connectionFailureNamesHost(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = newClient(t, "http://"+addr).CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
	var e *osm.Error
	if !errors.As(err, &e) || e.Kind != osm.KindTransport {
		t.Fatalf("want transport error, got %v", err)
	}
	if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("error %q should name %s and the cause", err, addr)
	}
}

func TestClient_canceledContext(t *testing.T) {
	srv, _ := serve(t, 200, `{"status":1}`, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, srv.URL).CaseStatus(ctx, "CS1", osm.RequestOptions{})
	if !osm.IsKind(err, osm.KindCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want canceled, got %v", err)
	}
}

func TestStatus_catalogue(t *testing.T) {
	for n := osm.MinStatus; n <= osm.MaxStatus; n++ {
		s := osm.Status(n)
		if !s.Valid() || s.Name() == "" {
			t.Fatalf("status %d", n)
		}
	}
	if osm.Status(21).Valid() || osm.Status(-1).Valid() {
		t.Fatal("out of range accepted")
	}
	closed := 0
	for n := -5; n < 40; n++ {
		if osm.Status(n).Closed() {
			closed++
		}
	}
	if closed != 4 {
		t.Fatalf("%d closed statuses, want 4 (3, 4, 12, 13)", closed)
	}
}
