package fakeosm_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

type answer struct {
	status int
	code   string
	msg    string
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return answer{resp.StatusCode, body.Code, body.Msg}
}

func signed(t *testing.T, url, ak, sk string, now func() time.Time) *http.Request {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/v2/servicerequest/cases/CS-1/status", nil)
	req.Header.Set("X-Language", "en-us")
	a, err := osm.NewAKSKAuth(osm.AKSKConfig{AccessKey: ak, SecretKey: sk, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Authenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestServer_akskSignatures(t *testing.T) {
	f := fakeosm.New()
	f.SetStatus("CS-1", 1)
	f.SetStatus("CS-2", 3)
	f.AddAccessKey(fakeosm.AccessKey{ID: "AK", Secret: "SK"})
	srv := httptest.NewServer(f)
	defer srv.Close()
	fakeNow := time.Now()
	f.SetClock(func() time.Time { return fakeNow })
	at := func(d time.Duration) func() time.Time { return func() time.Time { return fakeNow.Add(d) } }

	if a := do(t, signed(t, srv.URL, "AK", "SK", at(0))); a.status != 200 {
		t.Fatalf("good signature: %+v", a)
	}
	if a := do(t, signed(t, srv.URL, "AK", "SK", at(-14*time.Minute))); a.status != 200 {
		t.Fatalf("14 minutes of skew must pass: %+v", a)
	}
	reject := map[string]*http.Request{
		"wrong secret":            signed(t, srv.URL, "AK", "not-SK", at(0)),
		"date 16 minutes old":     signed(t, srv.URL, "AK", "SK", at(-16*time.Minute)),
		"date 16 minutes ahead":   signed(t, srv.URL, "AK", "SK", at(16*time.Minute)),
		"unknown access key":      signed(t, srv.URL, "AK-OTHER", "SK", at(0)),
		"tampered path":           signed(t, srv.URL, "AK", "SK", at(0)),
		"tampered signed header":  signed(t, srv.URL, "AK", "SK", at(0)),
		"unsigned security token": signed(t, srv.URL, "AK", "SK", at(0)),
	}
	reject["tampered path"].URL.Path = "/v2/servicerequest/cases/CS-2/status"
	reject["tampered signed header"].Header.Set("X-Language", "zh-cn")
	reject["unsigned security token"].Header.Set("X-Security-Token", "added later")
	for name, req := range reject {
		t.Run(name, func(t *testing.T) {
			f.Reset()
			a := do(t, req)
			if a.status != 401 || a.code != "APIGW.0301" || !strings.HasPrefix(a.msg, "Incorrect IAM authentication information") {
				t.Fatalf("%+v, want 401 APIGW.0301", a)
			}
		})
	}
}

func TestServer_akskLocksAfterFiveWrongSignatures(t *testing.T) {
	f := fakeosm.New()
	f.SetStatus("CS-1", 1)
	f.AddAccessKey(fakeosm.AccessKey{ID: "AK", Secret: "SK"})
	srv := httptest.NewServer(f)
	defer srv.Close()
	now := time.Now()
	f.SetClock(func() time.Time { return now })
	clock := func() time.Time { return now }
	for i := 0; i < fakeosm.LockAfter; i++ {
		if a := do(t, signed(t, srv.URL, "AK", "wrong", clock)); a.status != 401 || strings.Contains(a.msg, "locked") {
			t.Fatalf("wrong signature %d: %+v", i+1, a)
		}
	}
	if a := do(t, signed(t, srv.URL, "AK", "SK", clock)); a.status != 401 || !strings.Contains(a.msg, "locked") {
		t.Fatalf("a locked key must be refused even with the right secret: %+v", a)
	}
	now = now.Add(fakeosm.LockFor + time.Second)
	if a := do(t, signed(t, srv.URL, "AK", "SK", clock)); a.status != 200 {
		t.Fatalf("the lock must expire: %+v", a)
	}
}

func login(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url+fakeosm.IAMTokensPath+"?nocatalog=true", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func loginBody(user, password, domain, scope string) string {
	return `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + user + `","password":"` + password +
		`","domain":{"name":"` + domain + `"}}}},"scope":{"domain":{"name":"` + scope + `"}}}}`
}

func TestServer_iamMintsTokensTheAPIAccepts(t *testing.T) {
	f := fakeosm.New()
	f.SetStatus("CS-1", 1)
	f.AddUser("dom", "user", "pw")
	srv := httptest.NewServer(f)
	defer srv.Close()
	status := func(token string) int {
		req, _ := http.NewRequest("GET", srv.URL+"/v2/servicerequest/cases/CS-1/status", nil)
		req.Header.Set("X-Auth-Token", token)
		return do(t, req).status
	}

	resp, _ := login(t, srv.URL, loginBody("user", "pw", "dom", "dom"))
	token := resp.Header.Get("X-Subject-Token")
	if resp.StatusCode != 201 || token == "" {
		t.Fatalf("login: %d, token %q", resp.StatusCode, token)
	}
	if status(token) != 200 || status("made-up") != 401 {
		t.Fatal("the minted token must be accepted, and only it")
	}
	f.ExpireToken(token)
	if status(token) != 401 {
		t.Fatal("an expired token must be refused")
	}

	f.ExpireNextMintedTokens(1)
	resp, _ = login(t, srv.URL, loginBody("user", "pw", "dom", "dom"))
	if resp.StatusCode != 201 || status(resp.Header.Get("X-Subject-Token")) != 401 {
		t.Fatal("a token minted expired must be refused by the API")
	}
	resp, _ = login(t, srv.URL, loginBody("user", "pw", "dom", "dom"))
	if status(resp.Header.Get("X-Subject-Token")) != 200 {
		t.Fatal("ExpireNextMintedTokens(1) must expire one token only")
	}

	for name, tc := range map[string]struct {
		body string
		code int
	}{
		"wrong password":      {loginBody("user", "nope", "dom", "dom"), 401},
		"unknown user":        {loginBody("who", "pw", "dom", "dom"), 401},
		"other domain":        {loginBody("user", "pw", "other", "other"), 401},
		"scope not the users": {loginBody("user", "pw", "dom", "other"), 400},
		"unknown field":       {`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"user","password":"pw","domain":{"name":"dom"},"x":1}}}}}`, 400},
		"not JSON":            {`user=user&password=pw`, 400},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := login(t, srv.URL, tc.body)
			if resp.StatusCode != tc.code || resp.Header.Get("X-Subject-Token") != "" || !strings.Contains(body, `"error":{`) {
				t.Fatalf("%d %s, want %d with an IAM error body", resp.StatusCode, body, tc.code)
			}
		})
	}
	logins := f.Logins()
	if len(logins) != 9 || logins[0].UserName != "user" || logins[0].DomainName != "dom" || logins[0].Query != "nocatalog=true" {
		t.Fatalf("recorded logins: %d, first %+v", len(logins), logins[0])
	}
	if len(f.MintedTokens()) != 3 {
		t.Fatalf("%d tokens minted, want 3", len(f.MintedTokens()))
	}
	if n := f.RequestCount(""); n != 5 {
		t.Fatalf("logins must not be recorded as API requests: %d", n)
	}
}
