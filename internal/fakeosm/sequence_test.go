package fakeosm_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

func getStatus(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSetStatusSequence_oneStatusPerRequestThenTheLastStays(t *testing.T) {
	f := fakeosm.New("tok")
	srv := httptest.NewServer(f)
	defer srv.Close()
	url := srv.URL + "/v2/servicerequest/cases/CS-1/status"

	f.SetStatusSequence("CS-1", 0, 1, 3)
	if n := f.SequenceRemaining("CS-1"); n != 3 {
		t.Fatalf("SequenceRemaining = %d, want 3", n)
	}
	// An unauthorized request is answered 401 and does not advance.
	if code, _ := getStatus(t, url, "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: HTTP %d", code)
	}
	for i, want := range []string{`{"status":0}`, `{"status":1}`, `{"status":3}`, `{"status":3}`, `{"status":3}`} {
		if code, body := getStatus(t, url, "tok"); code != 200 || body != want {
			t.Fatalf("request %d: HTTP %d %s, want %s", i+1, code, body, want)
		}
	}
	if n := f.SequenceRemaining("CS-1"); n != 0 {
		t.Fatalf("SequenceRemaining = %d after the sequence, want 0", n)
	}
}

func TestSetStatusSequence_cannedResponsesTakePrecedence(t *testing.T) {
	f := fakeosm.New("tok")
	srv := httptest.NewServer(f)
	defer srv.Close()
	url := srv.URL + "/v2/servicerequest/cases/CS-2/status"

	f.SetStatusSequence("CS-2", 1, 3)
	f.SetResponses("CS-2", fakeosm.Response{HTTPStatus: 503, Body: `{"error_code":"OSM.0004","error_msg":"down"}`})
	if code, _ := getStatus(t, url, "tok"); code != 503 {
		t.Fatalf("canned answer: HTTP %d, want 503", code)
	}
	f.SetResponses("CS-2")
	for i, want := range []string{`{"status":1}`, `{"status":3}`} {
		if _, body := getStatus(t, url, "tok"); body != want {
			t.Fatalf("request %d after the canned answer: %s, want %s", i+1, body, want)
		}
	}
	// No statuses clears a pending sequence.
	f.SetStatusSequence("CS-2", 0, 1)
	f.SetStatusSequence("CS-2")
	if _, body := getStatus(t, url, "tok"); body != `{"status":3}` {
		t.Fatalf("after clearing: %s, want the ticket unchanged", body)
	}
}
