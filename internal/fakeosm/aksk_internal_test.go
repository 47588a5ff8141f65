package fakeosm

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestVerifySignature_publishedExample checks the fake's verifier with the
// example of Huawei Cloud's "API Request Signing Guide": its request, SK
// and published signature.
func TestVerifySignature_publishedExample(t *testing.T) {
	s := New()
	s.AddAccessKey(AccessKey{ID: "AKEXAMPLE", Secret: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"})
	s.SetClock(func() time.Time { return time.Date(2019, 11, 15, 3, 40, 0, 0, time.UTC) })
	r := httptest.NewRequest("GET", "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Sdk-Date", "20191115T033655Z")
	authz := "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, " +
		"Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
	if res := s.verifySignature(r, authz); !res.ok {
		t.Fatalf("the published example is refused: %s", res.msg)
	}
	r.URL.Path += "x"
	if res := s.verifySignature(r, authz); res.ok {
		t.Fatal("a tampered path is accepted")
	}
}
