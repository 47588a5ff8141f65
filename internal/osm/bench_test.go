package osm

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// The client's hot path: go test -bench . -benchmem ./internal/osm/

func benchClient(b *testing.B, endpoint string) *Client {
	b.Helper()
	auth, err := NewTokenAuth("bench-token")
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(Config{Endpoint: endpoint, Auth: auth, UserAgent: "bench/1"})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkDecodeStatus(b *testing.B) {
	a := &answer{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"status":3}`), attempts: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeStatus(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeStatus_error(b *testing.B) {
	a := &answer{status: 200, header: http.Header{}, body: []byte(`{"error_code":"OSM.01010015","error_msg":"This case does not exist"}`), attempts: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeStatus(a); err == nil {
			b.Fatal("no error")
		}
	}
}

func BenchmarkNewStatusRequest(b *testing.B) {
	c := benchClient(b, "https://osm.cn-south-1.myhuaweicloud.com")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.NewStatusRequest(ctx, "CS20261130000001", RequestOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaseStatus is one GET against a loopback httptest server,
// through go-retryablehttp and the limiting transport, with keep-alive.
func BenchmarkCaseStatus(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":1}`))
	}))
	defer srv.Close()
	c := benchClient(b, srv.URL)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CaseStatus(ctx, "CS20261130000001", RequestOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaseStatuses500 reads 500 tickets from the fake in one batch at
// the default concurrency.
func BenchmarkCaseStatuses500(b *testing.B) {
	f := fakeosm.New("bench-token")
	ids := make([]string, 500)
	for i := range ids {
		ids[i] = fmt.Sprintf("T-%05d", i)
		f.SetStatus(ids[i], i%20)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := benchClient(b, srv.URL)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for id, r := range c.CaseStatuses(ctx, ids, RequestOptions{}) {
			if r.Err != nil {
				b.Fatal(id, r.Err)
			}
		}
		f.Reset()
	}
}

// BenchmarkCaseStatuses_throttled1000 reads 1,000 tickets in one batch from
// the fake behind a gateway rate limit of 20 requests per second (fixed
// one-second windows, HTTP 429 with APIGW.0308 beyond it, with Retry-After: 1
// or without Retry-After, as the gateway documents "retry after 2 to 5 s"),
// with the provider's default retries and concurrency. The floor is
// 1,000 / 20 = 50 s; it reports the seconds per batch, the ratio to the
// floor and the throttled answers. It takes minutes: make bench runs it,
// make test does not (-bench is off there).
func BenchmarkCaseStatuses_throttled1000(b *testing.B) {
	const n, limit = 1000, 20
	f := fakeosm.New("bench-token")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("T-%05d", i)
		f.SetStatus(ids[i], i%20)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	auth, err := NewTokenAuth("bench-token")
	if err != nil {
		b.Fatal(err)
	}
	for _, retryAfter := range []string{"1", ""} {
		name := "retry-after=" + retryAfter
		if retryAfter == "" {
			name = "no-retry-after"
		}
		b.Run(name, func(b *testing.B) {
			c, err := New(Config{Endpoint: srv.URL, Auth: auth, MaxRetries: DefaultMaxRetries,
				RetryMinDelay: DefaultRetryMinDelay, RetryMaxDelay: DefaultRetryMaxDelay, RequestTimeout: DefaultRequestTimeout})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				f.Reset()
				f.SetThrottle(fakeosm.Throttle{Limit: limit, Window: time.Second, RetryAfter: retryAfter})
				start := time.Now()
				for id, r := range c.CaseStatuses(context.Background(), ids, RequestOptions{}) {
					if r.Err != nil {
						b.Fatal(id, r.Err)
					}
				}
				secs := time.Since(start).Seconds()
				b.ReportMetric(secs, "s/batch")
				b.ReportMetric(secs/(float64(n)/limit), "x-floor")
				b.ReportMetric(float64(f.ThrottledCount()), "throttled")
			}
		})
	}
}
