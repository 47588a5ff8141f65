package osm

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// TransportOptions configures the HTTP client NewHTTPClient builds.
type TransportOptions struct {
	// CACertPEM holds PEM certificates trusted in addition to the system's
	// roots (a private CA). Empty: the system roots only.
	CACertPEM []byte
	// Insecure skips the verification of the server's certificate.
	Insecure bool
	// Proxy chooses the proxy of a request; nil means the HTTPS_PROXY,
	// HTTP_PROXY and NO_PROXY environment variables (and their lower-case
	// forms) as they are when NewHTTPClient runs.
	Proxy func(*http.Request) (*url.URL, error)
}

// maxIdleConnsPerHost keeps enough idle connections for concurrent reads
// of one host to reuse them (net/http's default keeps 2).
const maxIdleConnsPerHost = 32

// NewHTTPClient builds an HTTP client with keep-alive, the given trust
// and proxy settings and TLS 1.2 or later. One is meant to be shared by
// every call of one configured provider.
func NewHTTPClient(o TransportOptions) (*http.Client, error) {
	tlsCfg, err := TLSConfig(o.CACertPEM, o.Insecure)
	if err != nil {
		return nil, err
	}
	proxy := o.Proxy
	if proxy == nil {
		proxy = ProxyFromEnvironment()
	}
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("http.DefaultTransport has been replaced by a transport the client cannot configure")
	}
	t := base.Clone()
	t.Proxy = proxy
	t.TLSClientConfig = tlsCfg
	t.ForceAttemptHTTP2 = true
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t, CheckRedirect: noRedirects}, nil
}

// ProxyFromEnvironment reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and
// their lower-case forms) now, unlike http.ProxyFromEnvironment, which
// reads them once per process. Loopback hosts are never proxied.
func ProxyFromEnvironment() func(*http.Request) (*url.URL, error) {
	f := httpproxy.FromEnvironment().ProxyFunc()
	return func(req *http.Request) (*url.URL, error) { return f(req.URL) }
}

// TLSConfig returns the client TLS configuration: TLS 1.2 or later, the
// system roots plus the certificates in caPEM, and verification skipped
// only when insecure is set.
func TLSConfig(caPEM []byte, insecure bool) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		certs, err := ParseCertificatesPEM(caPEM)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
		cfg.RootCAs = pool
	}
	if insecure {
		cfg.InsecureSkipVerify = true // the user asked for it; the provider warns at every use
	}
	return cfg, nil
}

// ParseCertificatesPEM parses every CERTIFICATE block of a PEM bundle.
// It refuses a bundle with no certificate, with a block of another type
// (a private key pasted by mistake) or with a certificate that does not
// parse. Its errors never quote the input.
func ParseCertificatesPEM(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := b
	for i := 1; ; i++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d is a %q block, not a CERTIFICATE; only CA certificates belong here", i, block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d is not a valid X.509 certificate: %v", i, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New(`contains no PEM certificate (a "-----BEGIN CERTIFICATE-----" block)`)
	}
	return certs, nil
}
