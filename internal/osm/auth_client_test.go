package osm_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// TestClient_akskAgainstFake sends signed status calls to the fake, which
// verifies them with its own implementation of the algorithm.
func TestClient_akskAgainstFake(t *testing.T) {
	f := fakeosm.New()
	f.SetStatus("CS 1/工单", 17)
	f.AddAccessKey(fakeosm.AccessKey{ID: "AK-PERM", Secret: "sk-perm", DomainID: "dom-1"})
	f.AddAccessKey(fakeosm.AccessKey{ID: "AK-TEMP", Secret: "sk-temp", SecurityToken: "st-temp"})
	srv := httptest.NewServer(f)
	defer srv.Close()
	client := func(cfg osm.AKSKConfig) *osm.Client {
		c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: newSigner(t, cfg)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	read := func(cfg osm.AKSKConfig) (osm.Status, error) {
		return client(cfg).CaseStatus(context.Background(), "CS 1/工单", osm.RequestOptions{Language: "en-us"})
	}

	t.Run("permanent key with domain id", func(t *testing.T) {
		f.Reset()
		if s, err := read(osm.AKSKConfig{AccessKey: "AK-PERM", SecretKey: "sk-perm", DomainID: "dom-1"}); err != nil || s != 17 {
			t.Fatalf("status %d, %v", s, err)
		}
		h := f.Requests()[0].Header
		if !regexp.MustCompile(`^SDK-HMAC-SHA256 Access=AK-PERM, SignedHeaders=host;x-domain-id;x-language;x-sdk-date;x-time-zone, Signature=[0-9a-f]{64}$`).MatchString(h.Get("Authorization")) {
			t.Fatalf("Authorization %q", h.Get("Authorization"))
		}
		if !regexp.MustCompile(`^\d{8}T\d{6}Z$`).MatchString(h.Get("X-Sdk-Date")) || h.Get("X-Domain-Id") != "dom-1" || h.Get("X-Auth-Token") != "" {
			t.Fatalf("headers %v", h)
		}
	})
	t.Run("temporary key", func(t *testing.T) {
		f.Reset()
		if _, err := read(osm.AKSKConfig{AccessKey: "AK-TEMP", SecretKey: "sk-temp", SecurityToken: "st-temp"}); err != nil {
			t.Fatal(err)
		}
		if h := f.Requests()[0].Header; h.Get("X-Security-Token") != "st-temp" {
			t.Fatalf("X-Security-Token %q", h.Get("X-Security-Token"))
		}
	})
	for name, tc := range map[string]struct {
		cfg  osm.AKSKConfig
		want string
	}{
		"wrong secret":           {osm.AKSKConfig{AccessKey: "AK-PERM", SecretKey: "not-it", DomainID: "dom-1"}, "verify aksk signature fail"},
		"clock 16 minutes ahead": {osm.AKSKConfig{AccessKey: "AK-PERM", SecretKey: "sk-perm", DomainID: "dom-1", Now: func() time.Time { return time.Now().Add(16 * time.Minute) }}, "15 minutes"},
		"missing security token": {osm.AKSKConfig{AccessKey: "AK-TEMP", SecretKey: "sk-temp"}, "security token"},
		"missing domain id":      {osm.AKSKConfig{AccessKey: "AK-PERM", SecretKey: "sk-perm"}, "X-Domain-Id"},
	} {
		t.Run(name, func(t *testing.T) {
			f.Reset()
			_, err := read(tc.cfg)
			var e *osm.Error
			if !errors.As(err, &e) || e.Kind != osm.KindAuth || e.Code != "APIGW.0301" || e.AuthScheme != osm.SchemeAKSK || e.HTTPStatus != 401 {
				t.Fatalf("got %#v", err)
			}
			if !regexp.MustCompile(regexp.QuoteMeta(tc.want)).MatchString(e.Message) {
				t.Fatalf("message %q, want %q", e.Message, tc.want)
			}
			if n := f.RequestCount(""); n != 1 {
				t.Fatalf("%d requests: a rejected signature must not be re-sent", n)
			}
		})
	}
}

func TestClient_tokenAuthErrorNamesItsScheme(t *testing.T) {
	srv, _ := serve(t, 401, `{"error_code":"APIGW.0301","error_msg":"verify token failed"}`, nil)
	_, err := newClient(t, srv.URL).CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
	var e *osm.Error
	if !errors.As(err, &e) || e.AuthScheme != osm.SchemeToken || e.Attempts != 1 {
		t.Fatalf("got %#v", err)
	}
}
