package fakeosm

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The two calls that exchange credentials for an agency's temporary access
// keys, served on the same server as the API.
const (
	AgencyIAMPath = "/v3.0/OS-CREDENTIAL/securitytokens"
	AgencySTSPath = "/v5/agencies/assume"
)

// Agency is an agency the fake lets any authenticated caller assume.
type Agency struct {
	Name       string
	DomainName string // the account that owns it, for the IAM call
	DomainID   string // the same account's ID, for the STS call
}

// AgencyExchange is what the fake saw of one exchange. It never holds a
// secret of the caller.
type AgencyExchange struct {
	Path            string
	AgencyName      string
	DomainName      string // IAM call
	DomainID        string // STS call, from the agency URN
	SessionName     string // STS call
	DurationSeconds int64
	Header          http.Header
	HTTPStatus      int
	AccessKey       string // the temporary AK issued; "" when refused
	Expires         time.Time
}

// agencyState is under Server.mu.
type agencyState struct {
	agencies  []Agency
	exchanges []AgencyExchange
	issued    []AccessKey
}

// AddAgency makes the fake issue temporary keys for a.
func (s *Server) AddAgency(a Agency) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agency.agencies = append(s.agency.agencies, a)
}

// AgencyExchanges returns every exchange the fake saw.
func (s *Server) AgencyExchanges() []AgencyExchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AgencyExchange(nil), s.agency.exchanges...)
}

// IssuedKeys returns every temporary key the fake issued for an agency.
func (s *Server) IssuedKeys() []AccessKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AccessKey(nil), s.agency.issued...)
}

// iamAgencyBody is the body the IAM call must have, exactly.
type iamAgencyBody struct {
	Auth *struct {
		Identity *struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DomainID        string `json:"domain_id"`
				DurationSeconds *int64 `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

// stsAgencyBody is the body the STS call must have.
type stsAgencyBody struct {
	AgencyURN         string `json:"agency_urn"`
	AgencySessionName string `json:"agency_session_name"`
	DurationSeconds   *int64 `json:"duration_seconds"`
}

// serveAgency answers the two exchange calls and reports whether r was for
// one of them. The caller must be authenticated (token or AK/SK signature,
// checked like the API's); the body is checked field by field.
func (s *Server) serveAgency(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != AgencyIAMPath && r.URL.Path != AgencySTSPath {
		return false
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(raw))
	rec := AgencyExchange{Path: r.URL.Path, Header: r.Header.Clone()}
	status, body := s.assume(r, raw, &rec)
	rec.HTTPStatus = status
	s.mu.Lock()
	s.agency.exchanges = append(s.agency.exchanges, rec)
	s.mu.Unlock()
	w.Header().Set("X-Request-Id", fmt.Sprintf("iam-agency-%d", time.Now().UnixNano()))
	writeJSON(w, status, body)
	return true
}

func (s *Server) assume(r *http.Request, raw []byte, rec *AgencyExchange) (int, string) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, iamError(405, "Method Not Allowed", "The method is not allowed for the requested URL.")
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return http.StatusBadRequest, iamError(400, "Bad Request", "Content-Type must be application/json.")
	}
	if authn := s.authenticate(r); !authn.ok {
		return http.StatusUnauthorized, iamError(401, "Unauthorized", authn.msg)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var duration *int64
	if r.URL.Path == AgencyIAMPath {
		var b iamAgencyBody
		if err := dec.Decode(&b); err != nil || b.Auth == nil || b.Auth.Identity == nil || b.Auth.Identity.AssumeRole == nil {
			return http.StatusBadRequest, iamError(400, "Bad Request", "The request body is not an assume_role identity.")
		}
		id := b.Auth.Identity
		if len(id.Methods) != 1 || id.Methods[0] != "assume_role" {
			return http.StatusBadRequest, iamError(400, "Bad Request", `The identity methods must be ["assume_role"].`)
		}
		rec.AgencyName, rec.DomainName, duration = id.AssumeRole.AgencyName, id.AssumeRole.DomainName, id.AssumeRole.DurationSeconds
		if rec.AgencyName == "" || rec.DomainName == "" && id.AssumeRole.DomainID == "" {
			return http.StatusBadRequest, iamError(400, "Bad Request", "agency_name and domain_name are required.")
		}
		rec.DomainID = id.AssumeRole.DomainID
		if duration == nil {
			return http.StatusBadRequest, iamError(400, "Bad Request", "duration_seconds is required by this fake.")
		}
	} else {
		var b stsAgencyBody
		if err := dec.Decode(&b); err != nil {
			return http.StatusBadRequest, errorBody("STS.0101", "The request body is not an AssumeAgency request.")
		}
		rest, ok := strings.CutPrefix(b.AgencyURN, "iam::")
		domainID, name, ok2 := strings.Cut(rest, ":agency:")
		if !ok || !ok2 || domainID == "" || name == "" {
			return http.StatusBadRequest, errorBody("STS.0101", "agency_urn must be iam::{domain_id}:agency:{agency_name}.")
		}
		if b.AgencySessionName == "" {
			return http.StatusBadRequest, errorBody("STS.0101", "agency_session_name is required.")
		}
		rec.AgencyName, rec.DomainID, rec.SessionName, duration = name, domainID, b.AgencySessionName, b.DurationSeconds
	}
	lifetime := time.Hour
	if duration != nil {
		rec.DurationSeconds = *duration
		if *duration < 900 || *duration > 43200 {
			return http.StatusBadRequest, iamError(400, "Bad Request", "duration_seconds must be between 900 and 43200.")
		}
		lifetime = time.Duration(*duration) * time.Second
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, a := range s.agency.agencies {
		if a.Name == rec.AgencyName && (rec.DomainName != "" && a.DomainName == rec.DomainName || rec.DomainID != "" && a.DomainID == rec.DomainID) {
			found = true
		}
	}
	if !found {
		return http.StatusForbidden, iamError(403, "Forbidden", "The agency does not exist or you are not allowed to assume it.")
	}
	now := time.Now()
	if s.aksk.clock != nil {
		now = s.aksk.clock()
	}
	k := AccessKey{ID: "AKAGENCY" + strings.ToUpper(randomHex(6)), Secret: "sk-agency-" + randomHex(16),
		SecurityToken: "stsAGENCY-" + randomHex(24), Expires: now.Add(lifetime)}
	s.addAccessKeyLocked(k)
	s.agency.issued = append(s.agency.issued, k)
	rec.AccessKey, rec.Expires = k.ID, k.Expires
	var out any
	if r.URL.Path == AgencyIAMPath {
		out = map[string]any{"credential": map[string]string{
			"access": k.ID, "secret": k.Secret, "securitytoken": k.SecurityToken,
			"expires_at": k.Expires.UTC().Format("2006-01-02T15:04:05.000000Z"),
		}}
		b, _ := json.Marshal(out)
		return http.StatusCreated, string(b)
	}
	out = map[string]any{"credentials": map[string]string{
		"access_key_id": k.ID, "secret_access_key": k.Secret, "security_token": k.SecurityToken,
		"expiration": k.Expires.UTC().Format(time.RFC3339),
	}}
	b, _ := json.Marshal(out)
	return http.StatusOK, string(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
