package fakeosm

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// What the gateway enforces for SDK-HMAC-SHA256 signatures.
const (
	// MaxClockSkew is how far X-Sdk-Date may be from the fake's clock.
	MaxClockSkew = 15 * time.Minute
	// LockAfter wrong signatures in a row lock an access key for LockFor.
	LockAfter = 5
	LockFor   = 5 * time.Minute
)

// AccessKey is an AK/SK pair the fake accepts signatures from.
type AccessKey struct {
	ID     string // AK
	Secret string // SK
	// SecurityToken, when set, makes the key temporary: requests must carry
	// it as X-Security-Token, signed.
	SecurityToken string
	// DomainID, when set, must arrive as X-Domain-Id, signed.
	DomainID string
	// Expires, when set, is when a temporary key stops being accepted (by
	// the fake's clock, SetClock).
	Expires time.Time
}

// akskState is the fake's signature checking state, under Server.mu.
type akskState struct {
	keys     map[string]AccessKey
	failures map[string]int       // wrong signatures in a row, per AK
	locked   map[string]time.Time // AK locked until
	clock    func() time.Time
}

// AddAccessKey makes the fake accept requests signed with k.
func (s *Server) AddAccessKey(k AccessKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addAccessKeyLocked(k)
}

func (s *Server) addAccessKeyLocked(k AccessKey) {
	if s.aksk.keys == nil {
		s.aksk.keys = map[string]AccessKey{}
		s.aksk.failures = map[string]int{}
		s.aksk.locked = map[string]time.Time{}
	}
	s.aksk.keys[k.ID] = k
}

// SetClock sets the clock signatures' X-Sdk-Date is checked against (and
// key locks expire by); nil means time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.aksk.clock = now
}

// authResult is what the fake decided about a request's credentials.
type authResult struct {
	ok  bool
	msg string // the error_msg of the 401 when !ok
}

const authFailed = "Incorrect IAM authentication information: "

// authenticate checks a request's X-Auth-Token, or its SDK-HMAC-SHA256
// signature when it has an Authorization header.
func (s *Server) authenticate(r *http.Request) authResult {
	if authz := r.Header.Get("Authorization"); authz != "" {
		return s.verifySignature(r, authz)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens[r.Header.Get("X-Auth-Token")] {
		return authResult{ok: true}
	}
	return authResult{msg: authFailed + "verify token failed"}
}

// verifySignature recomputes the signature of r from what arrived and
// compares it with the one in the Authorization header.
func (s *Server) verifySignature(r *http.Request, authz string) authResult {
	fields, ok := parseAuthorization(authz)
	if !ok {
		return authResult{msg: authFailed + "the Authorization header is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..."}
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))

	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.aksk.clock != nil {
		now = s.aksk.clock()
	}
	ak := fields["Access"]
	key, known := s.aksk.keys[ak]
	if !known {
		return authResult{msg: authFailed + "the access key does not exist"}
	}
	if until, locked := s.aksk.locked[ak]; locked && now.Before(until) {
		return authResult{msg: authFailed + fmt.Sprintf("the access key is locked for %s after %d wrong signatures", LockFor, LockAfter)}
	}
	if !key.Expires.IsZero() && !now.Before(key.Expires) {
		return authResult{msg: authFailed + "the temporary access key has expired"}
	}
	date, err := time.Parse("20060102T150405Z", r.Header.Get("X-Sdk-Date"))
	if err != nil {
		return authResult{msg: authFailed + "X-Sdk-Date is missing or not in the format YYYYMMDDTHHMMSSZ"}
	}
	if skew := now.Sub(date); skew > MaxClockSkew || skew < -MaxClockSkew {
		return authResult{msg: authFailed + "X-Sdk-Date is more than 15 minutes away from the server time"}
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) || !contains(signed, "host") || !contains(signed, "x-sdk-date") {
		return authResult{msg: authFailed + "SignedHeaders must be sorted and include host and x-sdk-date"}
	}
	for _, h := range []string{"X-Security-Token", "X-Domain-Id", "X-Site"} {
		if r.Header.Get(h) != "" && !contains(signed, strings.ToLower(h)) {
			return authResult{msg: authFailed + h + " is present but not signed"}
		}
	}
	if key.SecurityToken != "" && r.Header.Get("X-Security-Token") != key.SecurityToken {
		return authResult{msg: authFailed + "the security token of the temporary access key is missing or wrong"}
	}
	if key.DomainID != "" && r.Header.Get("X-Domain-Id") != key.DomainID {
		return authResult{msg: authFailed + "X-Domain-Id is missing or does not match the access key"}
	}
	want, missing := expectedSignature(r, body, signed, key.Secret)
	if missing != "" {
		return authResult{msg: authFailed + "signed header " + missing + " is missing"}
	}
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		s.aksk.failures[ak]++
		if s.aksk.failures[ak] >= LockAfter {
			s.aksk.failures[ak] = 0
			s.aksk.locked[ak] = now.Add(LockFor)
		}
		return authResult{msg: authFailed + "verify aksk signature fail"}
	}
	s.aksk.failures[ak] = 0
	return authResult{ok: true}
}

// parseAuthorization splits "SDK-HMAC-SHA256 Access=a, SignedHeaders=b,
// Signature=c" into its three fields.
func parseAuthorization(v string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(v, "SDK-HMAC-SHA256 ")
	if !ok {
		return nil, false
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, false
		}
		fields[k] = val
	}
	for _, k := range []string{"Access", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return nil, false
		}
	}
	return fields, len(fields) == 3
}

// expectedSignature is the fake's own rendering of the canonical request,
// string to sign and HMAC. missing names a signed header absent from r.
func expectedSignature(r *http.Request, body []byte, signed []string, secret string) (sig, missing string) {
	var c strings.Builder
	c.WriteString(r.Method + "\n")

	// Canonical URI: each segment of the path as it arrived, decoded and
	// re-encoded strictly, with a trailing slash.
	var segs []string
	for _, seg := range strings.Split(r.URL.EscapedPath(), "/") {
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		}
		segs = append(segs, strictEscape(seg))
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	c.WriteString(uri + "\n")

	// Canonical query string: parameters sorted by name, then value,
	// strictly encoded.
	query := r.URL.Query()
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	sort.Strings(names)
	var pairs []string
	for _, name := range names {
		values := append([]string(nil), query[name]...)
		sort.Strings(values)
		for _, v := range values {
			pairs = append(pairs, strictEscape(name)+"="+strictEscape(v))
		}
	}
	c.WriteString(strings.Join(pairs, "&") + "\n")

	// Canonical headers, in the order of SignedHeaders.
	for _, name := range signed {
		var value string
		if name == "host" {
			value = r.Host
		} else {
			vs := append([]string(nil), r.Header.Values(name)...)
			if len(vs) == 0 {
				return "", name
			}
			for i := range vs {
				vs[i] = strings.TrimSpace(vs[i])
			}
			value = strings.Join(vs, ",")
		}
		c.WriteString(name + ":" + value + "\n")
	}
	c.WriteString("\n" + strings.Join(signed, ";") + "\n")
	bodySum := sha256.Sum256(body)
	c.WriteString(hex.EncodeToString(bodySum[:]))

	reqSum := sha256.Sum256([]byte(c.String()))
	toSign := "SDK-HMAC-SHA256\n" + r.Header.Get("X-Sdk-Date") + "\n" + hex.EncodeToString(reqSum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	_, _ = io.WriteString(mac, toSign)
	return hex.EncodeToString(mac.Sum(nil)), ""
}

// strictEscape keeps the RFC 3986 unreserved characters and percent-encodes
// every other byte.
func strictEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
