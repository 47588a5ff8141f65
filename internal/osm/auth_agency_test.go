package osm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// handClock is a clock a test advances by hand.
type handClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *handClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *handClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	agencyBaseAK = "AKBASE00000000000001"
	agencyBaseSK = "sk-base-0123456789abcdef"
)

// newAgencyFake is the fake with a base access key and one agency, on the
// clock.
func newAgencyFake(t *testing.T, clock *handClock) (*fakeosm.Server, string) {
	t.Helper()
	f := fakeosm.New()
	f.SetClock(clock.Now)
	f.SetStatus("CS-1", 3)
	f.AddAccessKey(fakeosm.AccessKey{ID: agencyBaseAK, Secret: agencyBaseSK})
	f.AddAgency(fakeosm.Agency{Name: "ops-agency", DomainName: "target-account", DomainID: "0123456789abcdef0123456789abcdef"})
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func newAgencyClient(t *testing.T, url string, clock *handClock, cfg osm.AgencyConfig) (*osm.Client, *osm.AgencyAuth) {
	t.Helper()
	base, err := osm.NewAKSKAuth(osm.AKSKConfig{AccessKey: agencyBaseAK, SecretKey: agencyBaseSK, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Base, cfg.IAMURL, cfg.STSURL, cfg.Now = base, url+"/v3", url, clock.Now
	auth, err := osm.NewAgencyAuth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: url, Auth: auth, Site: "1"})
	if err != nil {
		t.Fatal(err)
	}
	return c, auth
}

// TestAgencyAuth_exchangesAndRenewsBeforeExpiry: the IAM call exchanges
// the base keys once, every read is signed with the temporary keys (which
// the fake accepts), and when the clock nears their expiry the next read
// exchanges again first; the old keys are then refused by the fake.
func TestAgencyAuth_exchangesAndRenewsBeforeExpiry(t *testing.T) {
	clock := &handClock{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	f, url := newAgencyFake(t, clock)
	c, auth := newAgencyClient(t, url, clock, osm.AgencyConfig{AgencyName: "ops-agency", DomainName: "target-account", Duration: time.Hour})
	ctx := context.Background()
	for range 3 {
		if s, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil || s != 3 {
			t.Fatalf("status %d, %v", s, err)
		}
	}
	ex := f.AgencyExchanges()
	if len(ex) != 1 || ex[0].Path != fakeosm.AgencyIAMPath || ex[0].HTTPStatus != 201 || ex[0].AgencyName != "ops-agency" ||
		ex[0].DomainName != "target-account" || ex[0].DurationSeconds != 3600 {
		t.Fatalf("exchanges %+v", ex)
	}
	if !strings.HasPrefix(ex[0].Header.Get("Authorization"), "SDK-HMAC-SHA256 Access="+agencyBaseAK+",") {
		t.Fatalf("the exchange is not signed with the base key: %q", ex[0].Header.Get("Authorization"))
	}
	first := f.IssuedKeys()[0]
	for _, r := range f.Requests() {
		if !strings.Contains(r.Header.Get("Authorization"), "Access="+first.ID+",") || r.Header.Get("X-Security-Token") != first.SecurityToken {
			t.Fatalf("a read is not signed with the temporary key: %v", r.Header)
		}
		if r.Site != "1" || !strings.Contains(r.Header.Get("Authorization"), "x-site") {
			t.Fatalf("X-Site %q, not sent or not signed: %q", r.Site, r.Header.Get("Authorization"))
		}
	}

	// 49 minutes later 11 minutes remain: still more than the 10 minutes
	// before expiry when keys are renewed.
	clock.Advance(49 * time.Minute)
	if _, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil || len(f.AgencyExchanges()) != 1 {
		t.Fatalf("renewed too early (%d exchanges): %v", len(f.AgencyExchanges()), err)
	}
	clock.Advance(2 * time.Minute)
	f.Reset()
	if _, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.AgencyExchanges()); n != 2 || auth.Exchanges() != 2 {
		t.Fatalf("want a renewal 9 minutes before expiry, got %d exchanges", n)
	}
	second := f.IssuedKeys()[1]
	if second.ID == first.ID || !strings.Contains(f.Requests()[0].Header.Get("Authorization"), "Access="+second.ID+",") {
		t.Fatal("the read after the renewal is not signed with the new key")
	}

	// The first key has expired now: the fake refuses it, so a client
	// that kept it would fail.
	clock.Advance(10 * time.Minute)
	stale, _ := osm.NewAKSKAuth(osm.AKSKConfig{AccessKey: first.ID, SecretKey: first.Secret, SecurityToken: first.SecurityToken, Now: clock.Now})
	sc, _ := osm.New(osm.Config{Endpoint: url, Auth: stale})
	if _, err := sc.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); !osm.IsKind(err, osm.KindAuth) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("the fake accepted an expired temporary key: %v", err)
	}
	if _, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatalf("the renewed key: %v", err)
	}
}

// TestAgencyAuth_stsCall: with a domain id the STS call is used, with the
// agency URN, and its keys sign the reads.
func TestAgencyAuth_stsCall(t *testing.T) {
	clock := &handClock{now: time.Now()}
	f, url := newAgencyFake(t, clock)
	c, _ := newAgencyClient(t, url, clock, osm.AgencyConfig{AgencyName: "ops-agency", DomainID: "0123456789abcdef0123456789abcdef"})
	if s, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("status %d, %v", s, err)
	}
	ex := f.AgencyExchanges()
	if len(ex) != 1 || ex[0].Path != fakeosm.AgencySTSPath || ex[0].HTTPStatus != 200 || ex[0].DomainID != "0123456789abcdef0123456789abcdef" ||
		ex[0].SessionName != "ops-agency" || ex[0].DurationSeconds != 0 {
		t.Fatalf("exchanges %+v", ex)
	}
}

// TestAgencyAuth_refusedOnceNotRetried: an agency IAM refuses is reported
// with IAM's message, never a secret, and not asked for again.
func TestAgencyAuth_refusedOnceNotRetried(t *testing.T) {
	clock := &handClock{now: time.Now()}
	f, url := newAgencyFake(t, clock)
	c, _ := newAgencyClient(t, url, clock, osm.AgencyConfig{AgencyName: "no-such-agency", DomainName: "target-account", MaxRetries: 3})
	for range 2 {
		_, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
		var ae *osm.AgencyError
		if !errors.As(err, &ae) || ae.HTTPStatus != 403 || !strings.Contains(err.Error(), "not allowed to assume") || strings.Contains(err.Error(), agencyBaseSK) {
			t.Fatalf("got %v", err)
		}
	}
	if n := len(f.AgencyExchanges()); n != 1 {
		t.Fatalf("%d exchanges, want 1", n)
	}
}

// TestAgencyAuth_retriedLikeTheLogin: a 503 from IAM is retried.
func TestAgencyAuth_retriedLikeTheLogin(t *testing.T) {
	clock := &handClock{now: time.Now()}
	f, _ := newAgencyFake(t, clock)
	mux := httptest.NewServer(flaky(f, 2))
	defer mux.Close()
	c, _ := newAgencyClient(t, mux.URL, clock, osm.AgencyConfig{AgencyName: "ops-agency", DomainName: "target-account",
		MaxRetries: 2, RetryMinDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
	if _, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.AgencyExchanges()); n != 1 {
		t.Fatalf("%d exchanges reached IAM, want 1 after 2 refusals", n)
	}
}

// flaky answers the first n agency calls with HTTP 503 and passes the rest
// on to next.
func flaky(next http.Handler, n int) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fail := r.URL.Path == fakeosm.AgencyIAMPath && n > 0
		if fail {
			n--
		}
		mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TestAgencyAuth_failedRenewalKeepsTheCurrentKeys: when the renewal fails
// while the keys are still valid, the reads go on with them, the renewal
// is tried again a minute later (not at every read), and succeeds then.
func TestAgencyAuth_failedRenewalKeepsTheCurrentKeys(t *testing.T) {
	clock := &handClock{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	f, _ := newAgencyFake(t, clock)
	gate := &switchable{next: f}
	srv := httptest.NewServer(gate)
	defer srv.Close()
	c, auth := newAgencyClient(t, srv.URL, clock, osm.AgencyConfig{AgencyName: "ops-agency", DomainName: "target-account", Duration: time.Hour})
	ctx := context.Background()
	if _, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(55 * time.Minute) // 5 minutes left: due for renewal
	gate.set(true)
	for range 3 {
		if _, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil {
			t.Fatalf("a failed renewal broke a read while the keys were valid: %v", err)
		}
	}
	if n := gate.refused(); n != 1 {
		t.Fatalf("%d renewal attempts during the pause, want 1", n)
	}
	gate.set(false)
	clock.Advance(time.Minute)
	if _, err := c.CaseStatus(ctx, "CS-1", osm.RequestOptions{}); err != nil {
		t.Fatal(err)
	}
	if auth.Exchanges() != 2 {
		t.Fatalf("%d exchanges, want the renewal after the pause", auth.Exchanges())
	}
}

// switchable answers agency calls with HTTP 503 while on.
type switchable struct {
	mu    sync.Mutex
	on    bool
	count int
	next  http.Handler
}

func (s *switchable) set(on bool) { s.mu.Lock(); s.on = on; s.mu.Unlock() }

func (s *switchable) refused() int { s.mu.Lock(); defer s.mu.Unlock(); return s.count }

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fail := s.on && r.URL.Path == fakeosm.AgencyIAMPath
	if fail {
		s.count++
	}
	s.mu.Unlock()
	if fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	s.next.ServeHTTP(w, r)
}

// TestAgencyAuth_concurrentFirstReadsShareOneExchange: reads that start
// together wait for one exchange.
func TestAgencyAuth_concurrentFirstReadsShareOneExchange(t *testing.T) {
	clock := &handClock{now: time.Now()}
	f, url := newAgencyFake(t, clock)
	c, _ := newAgencyClient(t, url, clock, osm.AgencyConfig{AgencyName: "ops-agency", DomainName: "target-account"})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CaseStatus(context.Background(), "CS-1", osm.RequestOptions{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.AgencyExchanges()); n != 1 {
		t.Fatalf("%d exchanges for 20 concurrent first reads, want 1", n)
	}
	if d := f.AgencyExchanges()[0].DurationSeconds; d != 43200 {
		t.Fatalf("duration_seconds %d, want the 12-hour default", d)
	}
}
