package osm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// AK/SK signing (Huawei Cloud "API Request Signing Guide", SDK-HMAC-SHA256).
const (
	SignAlgorithm       = "SDK-HMAC-SHA256"
	SdkDateFormat       = "20060102T150405Z"
	HeaderSdkDate       = "X-Sdk-Date"
	HeaderDomainID      = "X-Domain-Id"
	HeaderSecurityToken = "X-Security-Token"
	HeaderAuthorization = "Authorization"
)

// Length limits of the AK/SK settings. They are generous bounds that keep
// the values sane, not IAM's own rules.
const (
	AccessKeyMaxLength     = 128
	SecretKeyMaxLength     = 256
	SecurityTokenMaxLength = 16384
	DomainIDMaxLength      = 128
)

// ValidateAccessKey checks an access key: a header value of 1 to
// AccessKeyMaxLength characters without spaces, "," or "=", which would
// break the Authorization header.
func ValidateAccessKey(ak string) error {
	if err := ValidateHeaderValue(ak, AccessKeyMaxLength); err != nil {
		return err
	}
	if strings.ContainsAny(ak, ", =") {
		return errors.New(`must not contain spaces, "," or "="`)
	}
	return nil
}

// AKSKConfig configures an AKSKAuth.
type AKSKConfig struct {
	AccessKey string // AK, sent in the Authorization header
	SecretKey string // SK, the HMAC key; never sent
	// SecurityToken is the token of temporary credentials, sent as
	// X-Security-Token (and signed). Empty for permanent keys.
	SecurityToken string
	// DomainID is the account (domain) ID, sent as X-Domain-Id (and signed),
	// as global services expect. Optional.
	DomainID string
	// Now is the clock X-Sdk-Date is taken from; nil means time.Now.
	Now func() time.Time
}

// AKSKAuth signs every request with an access key and secret key.
type AKSKAuth struct {
	accessKey     string
	secretKey     []byte
	securityToken string
	domainID      string
	now           func() time.Time
	secrets       *Secrets
}

// NewAKSKAuth validates cfg and returns a signer. Errors never quote a key.
func NewAKSKAuth(cfg AKSKConfig) (*AKSKAuth, error) {
	if err := ValidateAccessKey(cfg.AccessKey); err != nil {
		return nil, fmt.Errorf("access key %w", err)
	}
	if err := ValidateHeaderValue(cfg.SecretKey, SecretKeyMaxLength); err != nil {
		return nil, fmt.Errorf("secret key %w", err)
	}
	if cfg.SecurityToken != "" {
		if err := ValidateHeaderValue(cfg.SecurityToken, SecurityTokenMaxLength); err != nil {
			return nil, fmt.Errorf("security token %w", err)
		}
	}
	if cfg.DomainID != "" {
		if err := ValidateHeaderValue(cfg.DomainID, DomainIDMaxLength); err != nil {
			return nil, fmt.Errorf("domain id %w", err)
		}
	}
	a := &AKSKAuth{
		accessKey:     cfg.AccessKey,
		secretKey:     []byte(cfg.SecretKey),
		securityToken: cfg.SecurityToken,
		domainID:      cfg.DomainID,
		now:           cfg.Now,
		secrets:       NewSecrets(cfg.SecretKey, cfg.SecurityToken),
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Secrets returns the set holding the secret key and the security token,
// which the Client redacts.
func (a *AKSKAuth) Secrets() *Secrets { return a.secrets }

// Scheme names the authentication method in diagnostics.
func (a *AKSKAuth) Scheme() string { return SchemeAKSK }

// Authenticate sets X-Sdk-Date (and X-Domain-Id, X-Security-Token when
// configured) and signs the request as it is now: call it last, right
// before sending, and again for every attempt.
func (a *AKSKAuth) Authenticate(_ context.Context, req *http.Request) error {
	date := a.now().UTC().Format(SdkDateFormat)
	req.Header.Set(HeaderSdkDate, date)
	if a.domainID != "" {
		req.Header.Set(HeaderDomainID, a.domainID)
	}
	if a.securityToken != "" {
		req.Header.Set(HeaderSecurityToken, a.securityToken)
	}
	req.Header.Del(HeaderAuthToken)
	payload, err := payloadHash(req)
	if err != nil {
		return err
	}
	canonical, signed := canonicalRequest(req, payload)
	sum := sha256.Sum256([]byte(canonical))
	stringToSign := SignAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, a.secretKey)
	mac.Write([]byte(stringToSign))
	req.Header.Set(HeaderAuthorization, fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		SignAlgorithm, a.accessKey, signed, hex.EncodeToString(mac.Sum(nil))))
	return nil
}

// canonicalRequest builds the canonical request and the signed headers list:
//
//	method \n canonical URI \n canonical query \n canonical headers \n signed headers \n hex(sha256(body))
func canonicalRequest(req *http.Request, payload string) (canonical, signedHeaders string) {
	names, values := signedHeaderValues(req)
	var headers strings.Builder
	for _, n := range names {
		headers.WriteString(n + ":" + values[n] + "\n")
	}
	signedHeaders = strings.Join(names, ";")
	canonical = strings.Join([]string{
		req.Method,
		canonicalURI(req.URL),
		canonicalQuery(req.URL),
		headers.String(),
		signedHeaders,
		payload,
	}, "\n")
	return canonical, signedHeaders
}

// signedHeaderValues chooses the headers to sign: host, content-type when
// present, and every X- header (x-sdk-date, x-domain-id, x-security-token,
// x-language, x-time-zone, ...). Names are lower case and sorted; values are
// trimmed, several values of one header joined with ",". Headers a proxy or
// the transport may rewrite (User-Agent, Accept-Encoding ...) are not signed.
func signedHeaderValues(req *http.Request) ([]string, map[string]string) {
	values := map[string]string{}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	values["host"] = host
	for name, vs := range req.Header {
		lower := strings.ToLower(name)
		if lower != "content-type" && !strings.HasPrefix(lower, "x-") {
			continue
		}
		trimmed := make([]string, len(vs))
		for i, v := range vs {
			trimmed[i] = strings.TrimSpace(v)
		}
		values[lower] = strings.Join(trimmed, ",")
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, values
}

// canonicalURI escapes every segment of the path as sent (so an escaped "/"
// inside a segment stays inside it) and ends it with "/".
func canonicalURI(u *url.URL) string {
	segments := strings.Split(u.EscapedPath(), "/")
	for i, s := range segments {
		if raw, err := url.PathUnescape(s); err == nil {
			s = raw
		}
		segments[i] = signEscape(s)
	}
	p := strings.Join(segments, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery sorts the query parameters by name, then value, escaped.
func canonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, signEscape(k)+"="+signEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// signEscape percent-encodes every byte but the unreserved characters
// A-Z a-z 0-9 - _ . ~ (RFC 3986), with upper-case hex digits.
func signEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// payloadHash returns hex(sha256(body)) and leaves the body readable.
func payloadHash(req *http.Request) (string, error) {
	var body []byte
	switch {
	case req.Body == nil || req.Body == http.NoBody:
	case req.GetBody != nil:
		rc, err := req.GetBody()
		if err != nil {
			return "", fmt.Errorf("signing the request: reading its body: %w", err)
		}
		body, err = io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			return "", fmt.Errorf("signing the request: reading its body: %w", err)
		}
	default:
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return "", fmt.Errorf("signing the request: reading its body: %w", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}
