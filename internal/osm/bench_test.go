package osm

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

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
// through the limiter and the shared-request group, with keep-alive.
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
