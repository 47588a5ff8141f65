package osm_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// hmacSign is the test's own SDK-HMAC-SHA256 over a hand-written canonical
// request: hex(HMAC-SHA256(sk, "SDK-HMAC-SHA256\n" + date + "\n" +
// hex(sha256(canonical)))).
func hmacSign(t *testing.T, sk, date, canonical string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte("SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

func fixedClock(s string) func() time.Time {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return tm }
}

func newSigner(t *testing.T, cfg osm.AKSKConfig) *osm.AKSKAuth {
	t.Helper()
	a, err := osm.NewAKSKAuth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAKSKAuth_publishedExample signs the example of Huawei Cloud's "API
// Request Signing Guide" (devg-apisign, api-sign-algorithm-002 to -004):
// GET https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0
// with Content-Type application/json at 20191115T033655Z, whose canonical
// request hashes to b25362e6... and whose signature with the SK
// MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc is 7be66680...
func TestAKSKAuth_publishedExample(t *testing.T) {
	const (
		sk            = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
		publishedHash = "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
		publishedSig  = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
	)
	// The canonical request of the guide's example, as the guide builds it.
	canonical := "GET\n" +
		"/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n" +
		"limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
		"content-type:application/json\n" +
		"host:service.region.example.com\n" +
		"x-sdk-date:20191115T033655Z\n" +
		"\n" +
		"content-type;host;x-sdk-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if sum := sha256.Sum256([]byte(canonical)); hex.EncodeToString(sum[:]) != publishedHash {
		t.Fatalf("the test's canonical request does not hash to the published value")
	}
	if got := hmacSign(t, sk, "20191115T033655Z", canonical); got != publishedSig {
		t.Fatalf("the test's HMAC does not give the published signature: %s", got)
	}

	req, _ := http.NewRequest("GET", "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", nil)
	req.Header.Set("Content-Type", "application/json")
	a := newSigner(t, osm.AKSKConfig{AccessKey: "QTWAOYTTINDUT2QVKYUC", SecretKey: sk, Now: fixedClock("2019-11-15T03:36:55Z")})
	if err := a.Authenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	want := "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=" + publishedSig
	if got := req.Header.Get("Authorization"); got != want {
		t.Fatalf("Authorization\n got %s\nwant %s", got, want)
	}
	if got := req.Header.Get("X-Sdk-Date"); got != "20191115T033655Z" {
		t.Fatalf("X-Sdk-Date %q", got)
	}
}

// TestAKSKAuth_independentVectors compares the signer with canonical
// requests written out by hand.
func TestAKSKAuth_independentVectors(t *testing.T) {
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	bodySum := sha256.Sum256([]byte(`{"k":"v"}`))
	for _, tc := range []struct {
		name      string
		method    string
		url       string
		body      string
		headers   map[string]string
		cfg       osm.AKSKConfig
		date      string
		canonical string
		signed    string
	}{
		{
			name:   "status call with domain id and security token",
			method: "GET",
			url:    "https://osm.ap-southeast-3.myhuaweicloud.com/v2/servicerequest/cases/CS-20240229-01/status",
			headers: map[string]string{
				"X-Language": "en-us", "X-Time-Zone": "GMT+8", "Accept": "application/json", "User-Agent": "tf/1",
			},
			cfg: osm.AKSKConfig{AccessKey: "AKEXAMPLE", SecretKey: "sk-example-0123", SecurityToken: "sec.tok/==",
				DomainID: "0970dd7a1300f5672ff2c003c60ae115"},
			date: "2024-02-29T23:59:59Z",
			canonical: "GET\n" +
				"/v2/servicerequest/cases/CS-20240229-01/status/\n" +
				"\n" +
				"host:osm.ap-southeast-3.myhuaweicloud.com\n" +
				"x-domain-id:0970dd7a1300f5672ff2c003c60ae115\n" +
				"x-language:en-us\n" +
				"x-sdk-date:20240229T235959Z\n" +
				"x-security-token:sec.tok/==\n" +
				"x-time-zone:GMT+8\n" +
				"\n" +
				"host;x-domain-id;x-language;x-sdk-date;x-security-token;x-time-zone\n" +
				empty,
			signed: "host;x-domain-id;x-language;x-sdk-date;x-security-token;x-time-zone",
		},
		{
			name:    "escaped segments, sorted query, port, body, trimmed header",
			method:  "POST",
			url:     "https://api.example.com:8443/osm/v2/a%20b/%E5%B7%A5%2F1?z=2&a=b&a=a&sp=x+y&a-b=1",
			body:    `{"k":"v"}`,
			headers: map[string]string{"Content-Type": "application/json", "X-Custom": "  padded value  "},
			cfg:     osm.AKSKConfig{AccessKey: "AK2", SecretKey: "another secret"},
			date:    "2030-01-02T03:04:05Z",
			canonical: "POST\n" +
				"/osm/v2/a%20b/%E5%B7%A5%2F1/\n" +
				"a=a&a=b&a-b=1&sp=x%20y&z=2\n" +
				"content-type:application/json\n" +
				"host:api.example.com:8443\n" +
				"x-custom:padded value\n" +
				"x-sdk-date:20300102T030405Z\n" +
				"\n" +
				"content-type;host;x-custom;x-sdk-date\n" +
				hex.EncodeToString(bodySum[:]),
			signed: "content-type;host;x-custom;x-sdk-date",
		},
		{
			name:   "root path gets its slash",
			method: "GET",
			url:    "http://127.0.0.1:9",
			cfg:    osm.AKSKConfig{AccessKey: "AK3", SecretKey: "s"},
			date:   "2000-01-01T00:00:00Z",
			canonical: "GET\n/\n\n" +
				"host:127.0.0.1:9\n" +
				"x-sdk-date:20000101T000000Z\n" +
				"\n" +
				"host;x-sdk-date\n" +
				empty,
			signed: "host;x-sdk-date",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, tc.url, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			tc.cfg.Now = fixedClock(tc.date)
			if err := newSigner(t, tc.cfg).Authenticate(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			date := strings.NewReplacer("-", "", ":", "").Replace(tc.date)
			want := "SDK-HMAC-SHA256 Access=" + tc.cfg.AccessKey + ", SignedHeaders=" + tc.signed +
				", Signature=" + hmacSign(t, tc.cfg.SecretKey, date, tc.canonical)
			if got := req.Header.Get("Authorization"); got != want {
				t.Fatalf("Authorization\n got %s\nwant %s", got, want)
			}
			if tc.cfg.DomainID != "" && req.Header.Get("X-Domain-Id") != tc.cfg.DomainID {
				t.Fatalf("X-Domain-Id %q", req.Header.Get("X-Domain-Id"))
			}
			if tc.cfg.SecurityToken != "" && req.Header.Get("X-Security-Token") != tc.cfg.SecurityToken {
				t.Fatalf("X-Security-Token not sent")
			}
			if tc.body != "" {
				got, _ := io.ReadAll(req.Body)
				if string(got) != tc.body {
					t.Fatalf("the body was consumed by signing: %q", got)
				}
			}
		})
	}
}

// TestAKSKAuth_signsEachAttemptAfresh: a request authenticated again (a
// retry) gets a new date and signature, no stale header survives, and an
// X-Auth-Token from elsewhere is removed.
func TestAKSKAuth_signsEachAttemptAfresh(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	a := newSigner(t, osm.AKSKConfig{AccessKey: "AK", SecretKey: "SK", Now: func() time.Time { return now }})
	req, _ := http.NewRequest("GET", "https://osm.example.com/v2/servicerequest/cases/X/status", nil)
	req.Header.Set("X-Auth-Token", "leftover")
	if err := a.Authenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	first := req.Header.Get("Authorization")
	if got := req.Header.Get("X-Sdk-Date"); got != "20240501T020000Z" {
		t.Fatalf("X-Sdk-Date must be UTC: %q", got)
	}
	now = now.Add(2 * time.Second)
	if err := a.Authenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if len(req.Header.Values("Authorization")) != 1 || len(req.Header.Values("X-Sdk-Date")) != 1 {
		t.Fatalf("headers duplicated: %v", req.Header)
	}
	if req.Header.Get("X-Sdk-Date") != "20240501T020002Z" || req.Header.Get("Authorization") == first {
		t.Fatal("the second attempt was not signed afresh")
	}
	if req.Header.Get("X-Auth-Token") != "" {
		t.Fatal("a signed request must not carry X-Auth-Token")
	}
}

func TestNewAKSKAuth_refusesBadSettings(t *testing.T) {
	const secret = "SECRET-VALUE-1"
	for name, cfg := range map[string]osm.AKSKConfig{
		"no access key":            {SecretKey: secret},
		"no secret key":            {AccessKey: "AK"},
		"secret key with newline":  {AccessKey: "AK", SecretKey: secret + "\n"},
		"access key with comma":    {AccessKey: "A,K", SecretKey: secret},
		"security token too long":  {AccessKey: "AK", SecretKey: secret, SecurityToken: strings.Repeat("t", osm.SecurityTokenMaxLength+1)},
		"domain id with CR":        {AccessKey: "AK", SecretKey: secret, DomainID: "d\r"},
		"secret key with a space ": {AccessKey: "AK", SecretKey: " " + secret},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := osm.NewAKSKAuth(cfg)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("the error quotes the secret: %v", err)
			}
		})
	}
}
