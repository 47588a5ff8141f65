package fakeosm

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// IAMTokensPath is where the fake serves IAM's token call, on the same
// server as the API: point auth_url at <fake URL>/v3.
const IAMTokensPath = "/v3/auth/tokens"

// Login is what the fake IAM saw of one login request. It never holds the
// password.
type Login struct {
	UserName    string
	DomainName  string // the user's domain
	ScopeDomain string // the domain the token was asked for
	Methods     []string
	Header      http.Header
	Query       string
	Token       string // the minted token; "" when the login failed
	HTTPStatus  int
	Time        time.Time
}

// iamState is the fake IAM's state, under Server.mu.
type iamState struct {
	users     map[[2]string]string // {domain, user} -> password
	logins    []Login
	minted    []string
	dead      int        // how many of the next minted tokens the API rejects
	responses []Response // canned answers to logins; the last one repeats
}

// AddUser makes the fake IAM accept a password login of user name in
// domain.
func (s *Server) AddUser(domain, name, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.iam.users == nil {
		s.iam.users = map[[2]string]string{}
	}
	s.iam.users[[2]string{domain, name}] = password
}

// SetIAMResponses makes the fake IAM answer logins with the given
// responses, one per login in order; the last one then repeats. No
// responses clears the override.
func (s *Server) SetIAMResponses(rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.responses = append([]Response(nil), rs...)
}

// ExpireNextMintedTokens makes the next n tokens IAM mints already expired:
// the login succeeds, the API then answers 401 APIGW.0301 to them.
func (s *Server) ExpireNextMintedTokens(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.dead = n
}

// ExpireToken makes the API reject token from now on.
func (s *Server) ExpireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// ExpireMintedTokens makes the API reject every token IAM minted so far.
func (s *Server) ExpireMintedTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.iam.minted {
		delete(s.tokens, t)
	}
}

// Logins returns a copy of every login request the fake IAM saw.
func (s *Server) Logins() []Login {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Login(nil), s.iam.logins...)
}

// MintedTokens returns every token the fake IAM issued, in order.
func (s *Server) MintedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.iam.minted...)
}

// iamError is the body IAM answers a refused login with.
func iamError(code int, title, msg string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "title": title, "message": msg}})
	return string(b)
}

// loginBody is the password login IAM expects.
type loginBody struct {
	Auth *struct {
		Identity *struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User *struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   *struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Domain *struct {
				Name string `json:"name"`
			} `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

// serveIAM answers POST /v3/auth/tokens and reports whether r was for it.
func (s *Server) serveIAM(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != IAMTokensPath {
		return false
	}
	w.Header().Set("X-Request-Id", fmt.Sprintf("iam-%d", time.Now().UnixNano()))
	rec := Login{Header: r.Header.Clone(), Query: r.URL.RawQuery, Time: time.Now()}
	status, body, token := s.login(r, &rec)

	s.mu.Lock()
	var canned *Response
	if q := s.iam.responses; len(q) > 0 {
		c := q[0]
		canned = &c
		if len(q) > 1 {
			s.iam.responses = q[1:]
		}
	}
	if canned == nil && token != "" {
		s.iam.minted = append(s.iam.minted, token)
		if s.iam.dead > 0 {
			s.iam.dead--
		} else {
			s.tokens[token] = true
		}
	}
	rec.HTTPStatus = status
	if canned == nil {
		rec.Token = token
	} else {
		rec.HTTPStatus = canned.HTTPStatus
	}
	s.iam.logins = append(s.iam.logins, rec)
	s.mu.Unlock()

	if canned != nil {
		if canned.Delay > 0 {
			time.Sleep(canned.Delay)
		}
		for k, v := range canned.Header {
			w.Header().Set(k, v)
		}
		code := canned.HTTPStatus
		if code == 0 {
			code = http.StatusCreated
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, canned.Body)
		return true
	}
	if token != "" {
		w.Header().Set("X-Subject-Token", token)
	}
	writeJSON(w, status, body)
	return true
}

// login checks one login request and mints a token for a good one.
func (s *Server) login(r *http.Request, rec *Login) (status int, body, token string) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, iamError(405, "Method Not Allowed", "The method is not allowed for the requested URL."), ""
	}
	var b loginBody
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil || b.Auth == nil || b.Auth.Identity == nil || b.Auth.Identity.Password == nil ||
		b.Auth.Identity.Password.User == nil || b.Auth.Identity.Password.User.Domain == nil {
		return http.StatusBadRequest, iamError(400, "Bad Request", "The request body is not a password login."), ""
	}
	u := b.Auth.Identity.Password.User
	rec.UserName, rec.DomainName, rec.Methods = u.Name, u.Domain.Name, b.Auth.Identity.Methods
	if b.Auth.Scope != nil && b.Auth.Scope.Domain != nil {
		rec.ScopeDomain = b.Auth.Scope.Domain.Name
	}
	if len(rec.Methods) != 1 || rec.Methods[0] != "password" {
		return http.StatusBadRequest, iamError(400, "Bad Request", `The identity methods must be ["password"].`), ""
	}
	if rec.ScopeDomain != rec.DomainName {
		return http.StatusBadRequest, iamError(400, "Bad Request", "The token must be scoped to the user's domain."), ""
	}
	s.mu.Lock()
	want, ok := s.iam.users[[2]string{u.Domain.Name, u.Name}]
	s.mu.Unlock()
	if !ok || want != u.Password {
		return http.StatusUnauthorized, iamError(401, "Unauthorized", "The username or password is wrong."), ""
	}
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	token = "MIIfake-" + hex.EncodeToString(rnd[:])
	resp, _ := json.Marshal(map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"expires_at": time.Now().Add(24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"),
		"user":       map[string]any{"name": u.Name, "domain": map[string]string{"name": u.Domain.Name}},
		"domain":     map[string]string{"name": rec.ScopeDomain},
	}})
	return http.StatusCreated, string(resp), token
}
