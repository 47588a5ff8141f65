package osm_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// tlsFake serves the fake over TLS with httptest's self-signed certificate
// (valid for 127.0.0.1 and example.com) and counts the connections.
func tlsFake(t *testing.T) (*fakeosm.Server, *httptest.Server, *atomic.Int32) {
	t.Helper()
	f := fakeosm.New(testToken)
	f.SetStatus("CS1", 3)
	srv := httptest.NewUnstartedServer(f)
	conns := &atomic.Int32{}
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return f, srv, conns
}

func certPEM(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func tlsClient(t *testing.T, endpoint string, o osm.TransportOptions) (*osm.Client, *fakeClock) {
	t.Helper()
	hc, err := osm.NewHTTPClient(o)
	if err != nil {
		t.Fatal(err)
	}
	s := newFakeClock()
	c, err := osm.NewWithKnobs(osm.Config{Endpoint: endpoint, Auth: mustAuth(t), HTTPClient: hc, MaxRetries: 3,
		RetryMinDelay: time.Millisecond, RetryMaxDelay: time.Millisecond, RequestTimeout: 10 * time.Second}, osm.Knobs{Sleep: s.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func TestClient_tlsVerificationFailureIsNotRetried(t *testing.T) {
	f, srv, conns := tlsFake(t)
	c, s := tlsClient(t, srv.URL, osm.TransportOptions{})
	_, err := c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
	var e *osm.Error
	if !errors.As(err, &e) || e.Kind != osm.KindTransport {
		t.Fatalf("want a transport error, got %v", err)
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("error %q should say the certificate failed verification", err)
	}
	if e.Attempts != 1 || len(s.Sleeps()) != 0 || conns.Load() != 1 {
		t.Fatalf("retried a TLS failure: %d attempts, %d connections", e.Attempts, conns.Load())
	}
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("no request may pass an unverified TLS handshake; the fake saw %d", n)
	}
}

func TestClient_trustsAPrivateCA(t *testing.T) {
	_, srv, _ := tlsFake(t)
	c, _ := tlsClient(t, srv.URL, osm.TransportOptions{CACertPEM: certPEM(srv)})
	if s, err := c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("want status 3 through the private CA, got %v %v", s, err)
	}
}

func TestClient_insecureSkipsVerification(t *testing.T) {
	_, srv, _ := tlsFake(t)
	c, _ := tlsClient(t, srv.URL, osm.TransportOptions{Insecure: true})
	if s, err := c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("want status 3 without verification, got %v %v", s, err)
	}
}

func TestParseCertificatesPEM_refusesWhatIsNotACertificate(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	for name, tc := range map[string]struct {
		in   string
		want string
	}{
		"empty":         {"", "no PEM certificate"},
		"not PEM":       {"hello, I am not a certificate", "no PEM certificate"},
		"private key":   {string(keyPEM), `"EC PRIVATE KEY" block`},
		"corrupt block": {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a valid X.509 certificate"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := osm.ParseCertificatesPEM([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if len(tc.in) > 40 && strings.Contains(err.Error(), tc.in[30:40]) {
				t.Fatalf("error quotes the input: %v", err)
			}
			if _, err := osm.NewHTTPClient(osm.TransportOptions{CACertPEM: []byte(tc.in)}); tc.in != "" && err == nil {
				t.Fatal("NewHTTPClient accepted a bad CA bundle")
			}
		})
	}
}

// connectProxy is an HTTP proxy that tunnels CONNECT requests to target,
// whatever host they name, and records the hosts it was asked for.
func connectProxy(t *testing.T, target string) (string, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.Host)
		mu.Unlock()
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer func() { _ = up.Close() }()
		w.WriteHeader(http.StatusOK)
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer func() { _ = conn.Close() }()
		done := make(chan struct{}, 2)
		go func() { _, _ = io.Copy(up, bufio.NewReader(rw)); done <- struct{}{} }()
		go func() { _, _ = io.Copy(conn, up); done <- struct{}{} }()
		<-done
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), asked...) }
}

func TestClient_honoursHTTPSProxyFromTheEnvironment(t *testing.T) {
	f, srv, _ := tlsFake(t)
	proxyURL, asked := connectProxy(t, srv.Listener.Addr().String())
	t.Setenv("HTTPS_PROXY", proxyURL)
	t.Setenv("https_proxy", proxyURL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	// example.com is in the test certificate; through the proxy no DNS
	// lookup happens, so this stays offline and on loopback.
	c, _ := tlsClient(t, "https://example.com", osm.TransportOptions{CACertPEM: certPEM(srv)})
	if s, err := c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{}); err != nil || s != 3 {
		t.Fatalf("want status 3 through the proxy, got %v %v", s, err)
	}
	if got := asked(); len(got) != 1 || got[0] != "CONNECT example.com:443" {
		t.Fatalf("the proxy saw %v, want one CONNECT example.com:443", got)
	}
	if reqs := f.Requests(); len(reqs) != 1 || reqs[0].Host != "example.com" {
		t.Fatalf("the fake saw %v", reqs)
	}
}

func TestProxyFromEnvironment_readsTheEnvironmentEachTime(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
	t.Setenv("https_proxy", "")
	t.Setenv("NO_PROXY", "osm.internal.test")
	t.Setenv("no_proxy", "")
	proxy := osm.ProxyFromEnvironment()
	for target, want := range map[string]string{
		"https://osm.example.test/v2":  "http://127.0.0.1:3128",
		"https://osm.internal.test/v2": "",
		"https://127.0.0.1:8443/v2":    "", // loopback is never proxied
	} {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		u, err := proxy(req)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != want {
			t.Errorf("%s: proxy %q, want %q", target, got, want)
		}
	}
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:8080")
	req, _ := http.NewRequest(http.MethodGet, "https://osm.example.test/", nil)
	if u, _ := osm.ProxyFromEnvironment()(req); u == nil || u.Host != "127.0.0.1:8080" {
		t.Fatalf("a later call must see the changed environment, got %v", u)
	}
}

func TestClient_doesNotFollowRedirects(t *testing.T) {
	other, reqs := serve(t, 200, `{"status":3}`, nil)
	srv, _ := serve(t, 307, ``, map[string]string{"Location": other.URL + "/v2/servicerequest/cases/CS1/status"})
	for name, hc := range map[string]*http.Client{"default client": nil, "given client": {}} {
		t.Run(name, func(t *testing.T) {
			c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: mustAuth(t), HTTPClient: hc})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CaseStatus(context.Background(), "CS1", osm.RequestOptions{})
			if !osm.IsKind(err, osm.KindUnexpected) || !strings.Contains(err.Error(), "HTTP 307") || !strings.Contains(err.Error(), "redirect") {
				t.Fatalf("want an unexpected redirect, got %v", err)
			}
			if len(*reqs) != 0 {
				t.Fatal("the redirect was followed: the token went to another server")
			}
		})
	}
}
