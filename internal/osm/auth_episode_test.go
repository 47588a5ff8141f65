package osm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// TestPasswordAuth_refusedFreshTokenIsNotRenewedAgain: the service refuses
// every token IAM mints (a site and auth_url that do not pair, an account
// without permission). The first refusal renews the token once; once the
// renewed token is refused too, the remaining reads fail with the same
// error and IAM is not asked again: 50 reads, 2 logins.
func TestPasswordAuth_refusedFreshTokenIsNotRenewedAgain(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		t.Run(fmt.Sprintf("concurrent=%v", concurrent), func(t *testing.T) {
			f, url := newIAMFake(t)
			f.ExpireNextMintedTokens(1000)
			for i := 0; i < 50; i++ {
				f.SetStatus(fmt.Sprintf("CS-%02d", i), 3)
			}
			var l logs
			c, _ := newPasswordClient(t, url, func(cfg *osm.PasswordConfig) { cfg.Logger = &l })
			errs := make([]error, 50)
			read := func(i int) {
				_, errs[i] = c.CaseStatus(context.Background(), fmt.Sprintf("CS-%02d", i), osm.RequestOptions{})
			}
			if concurrent {
				var wg sync.WaitGroup
				for i := range errs {
					wg.Add(1)
					go func() { defer wg.Done(); read(i) }()
				}
				wg.Wait()
			} else {
				for i := range errs {
					read(i)
				}
			}
			for i, err := range errs {
				var e *osm.Error
				if !errors.As(err, &e) || e.Kind != osm.KindAuth || e.AuthScheme != osm.SchemePassword || e.Code != "APIGW.0301" {
					t.Fatalf("read %d: got %v, want the API's refusal of the password login's token", i, err)
				}
			}
			if n := len(f.Logins()); n != 2 {
				t.Fatalf("%d logins for 50 refused reads, want 2: the first token and one renewal", n)
			}
			if n := len(l.at(osm.LevelWarn)); n != 1 {
				t.Fatalf("%d WARN lines, want one saying that the renewed token was refused too", n)
			}
		})
	}
}

// TestPasswordAuth_acceptedTokenEndsTheRefusalEpisode: once the service
// accepts a token, a later refusal (the token expired) renews it again.
func TestPasswordAuth_acceptedTokenEndsTheRefusalEpisode(t *testing.T) {
	f, url := newIAMFake(t)
	f.ExpireNextMintedTokens(2)
	c, _ := newPasswordClient(t, url)
	read := func() error { _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); return err }
	if err := read(); !osm.IsKind(err, osm.KindAuth) {
		t.Fatalf("got %v, want the refusal of the renewed token", err)
	}
	if err := read(); !osm.IsKind(err, osm.KindAuth) || len(f.Logins()) != 2 {
		t.Fatalf("got %v after %d logins, want the refusal without a login", err, len(f.Logins()))
	}
	// The permission arrives: the service now accepts the renewed token.
	f.AddToken(f.MintedTokens()[1])
	if err := read(); err != nil {
		t.Fatal(err)
	}
	// A day later it expires: that is a new episode, worth one renewal.
	f.ExpireMintedTokens()
	if err := read(); err != nil || len(f.Logins()) != 3 {
		t.Fatalf("got %v after %d logins, want a renewal (3 logins) and the status", err, len(f.Logins()))
	}
}

// TestPasswordAuth_logsABoundedRequestID: the X-Request-Id of IAM's answer
// and of the answer that made the client renew the token is logged
// sanitised and bounded like every other quoted value.
func TestPasswordAuth_logsABoundedRequestID(t *testing.T) {
	hostile := "id-\xff\xfe-" + strings.Repeat("x", 10000)
	f := fakeosm.New()
	f.AddUser(iamDomain, iamUser, iamPassword)
	f.SetStatus("CS-1", 3)
	f.ExpireNextMintedTokens(1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(&requestIDWriter{ResponseWriter: w, id: hostile}, r)
	}))
	defer srv.Close()
	var l logs
	_, auth := newPasswordClient(t, srv.URL, func(cfg *osm.PasswordConfig) { cfg.Logger = &l })
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, Logger: &l})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, x := range l.lines {
		id, ok := x.fields["request_id"].(string)
		if !ok {
			continue
		}
		seen[x.msg] = true
		if id != osm.Sanitize(hostile, 128) || !utf8.ValidString(id) {
			t.Fatalf("%q logs request_id %q (%d bytes), want it sanitised and cut at 128 bytes", x.msg, id[:min(len(id), 40)], len(id))
		}
	}
	for _, msg := range []string{"IAM password login", "OSM API rejected the credentials; sending the request once more with renewed ones"} {
		if !seen[msg] {
			t.Fatalf("no %q line with a request_id: %v", msg, seen)
		}
	}
}

// requestIDWriter sets X-Request-Id on every answer.
type requestIDWriter struct {
	http.ResponseWriter
	id string
}

func (w *requestIDWriter) WriteHeader(code int) {
	w.Header().Set("X-Request-Id", w.id)
	w.ResponseWriter.WriteHeader(code)
}
