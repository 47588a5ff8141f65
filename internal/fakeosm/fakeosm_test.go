package fakeosm_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServer_answers(t *testing.T) {
	f := fakeosm.New("tok")
	f.SetStatus("a/b", 3)
	f.SetResponses("seq", fakeosm.Response{HTTPStatus: 503, Body: "down"}, fakeosm.Response{Body: `{"status":1}`})
	srv := httptest.NewServer(f)
	defer srv.Close()
	for _, tc := range []struct {
		path, token string
		code        int
		body        string
	}{
		{"/v2/servicerequest/cases/a%2Fb/status", "tok", 200, `{"status":3}`},
		{"/v2/servicerequest/cases/a%2Fb/status", "bad", 401, `APIGW.0301`},
		{"/v2/servicerequest/cases/a%2Fb/status", "", 401, `APIGW.0301`},
		{"/v2/servicerequest/cases/missing/status", "tok", 200, `OSM.01010015`},
		{"/v2/servicerequest/cases/a/b/status", "tok", 404, `APIGW.0101`},
		{"/v2/servicerequest/cases/seq/status", "tok", 503, `down`},
		{"/v2/servicerequest/cases/seq/status", "tok", 200, `{"status":1}`},
		{"/v2/servicerequest/cases/seq/status", "tok", 200, `{"status":1}`},
	} {
		code, body := get(t, srv.URL+tc.path, tc.token)
		if code != tc.code || !strings.Contains(body, tc.body) {
			t.Errorf("%s: got %d %s, want %d %s", tc.path, code, body, tc.code, tc.body)
		}
	}
	if n := f.RequestCount("a/b"); n != 3 {
		t.Errorf("RequestCount(a/b) = %d, want 3", n)
	}
	reqs := f.Requests()
	if len(reqs) != 8 || reqs[0].Header.Get("X-Auth-Token") != "tok" || reqs[4].Matched {
		t.Errorf("recorded requests wrong: %d", len(reqs))
	}
	if f.PeakInFlight() < 1 {
		t.Error("peak in flight not recorded")
	}
}

func TestListen_loopbackOnly(t *testing.T) {
	if _, err := fakeosm.Listen(fakeosm.New(), "0.0.0.0:0"); err == nil {
		t.Fatal("listening on all interfaces must be refused")
	}
	r, err := fakeosm.Listen(fakeosm.New("t"), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if code, _ := get(t, r.URL+"/v2/servicerequest/cases/x/status", "t"); code != 200 {
		t.Fatalf("got %d", code)
	}
}
