package osm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// DefaultAuthURL is IAM's global endpoint, version 3.
const DefaultAuthURL = "https://iam.myhuaweicloud.com/v3"

// HeaderSubjectToken carries the token in IAM's answer to a login.
const HeaderSubjectToken = "X-Subject-Token"

// Length limits of the password login settings: generous bounds that keep
// the values sane, not IAM's own rules.
const (
	UserNameMaxLength   = 256
	PasswordMaxLength   = 1024
	DomainNameMaxLength = 256
	// IAMTokenMaxLength bounds the token IAM returns; IAM is trusted to
	// return a usable one, this only guards against a runaway header.
	IAMTokenMaxLength = 64 << 10
)

// ValidatePassword checks a password: 1..PasswordMaxLength characters,
// valid UTF-8, no control characters. Spaces are allowed anywhere. The
// error never quotes the value.
func ValidatePassword(p string) error { return checkText(p, PasswordMaxLength) }

// ParseAuthURL checks and normalises the IAM base URL (for example
// https://iam.myhuaweicloud.com/v3) like ParseEndpoint, and requires https
// unless the host is a loopback address: the login carries the password.
func ParseAuthURL(raw string) (*url.URL, error) {
	u, err := parseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return nil, errors.New(`must start with "https://": the login sends the password to it (plain "http://" is accepted only for a loopback address)`)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// PasswordConfig configures a PasswordAuth.
type PasswordConfig struct {
	// AuthURL is the IAM base URL; empty means DefaultAuthURL. The login is
	// POST {AuthURL}/auth/tokens.
	AuthURL    string
	UserName   string // IAM user name
	Password   string // sent only in the body of the login request
	DomainName string // account (domain) name: the user's domain and the token's scope
	// UserAgent is sent as User-Agent when not empty.
	UserAgent string
	// HTTPClient sends the login; nil means a new client. Redirects are never
	// followed, so that the password cannot be re-posted elsewhere.
	HTTPClient *http.Client
	// Logger receives one line per login; nil discards.
	Logger Logger
	// MaxRetries, RetryMinDelay, RetryMaxDelay and RequestTimeout apply to
	// the login as Config's do to the reads: an attempt that fails to
	// connect, gets no complete answer within RequestTimeout, or is answered
	// HTTP 429 or 5xx is retried (never another 4xx, such as a wrong
	// password), after the same backoff, Retry-After included. Zero values:
	// no retry and no per-attempt limit.
	MaxRetries     int
	RetryMinDelay  time.Duration
	RetryMaxDelay  time.Duration
	RequestTimeout time.Duration
	// Secrets receives the password and every token the login mints, and
	// is redacted from the login's errors and log lines; nil means a set of
	// its own. Either way Secrets() returns it and the Client redacts it.
	Secrets *Secrets
}

// PasswordAuth authenticates with a token it obtains from IAM with a user
// name and password. The token is fetched once, shared by every request
// and every goroutine, and fetched again only after Invalidate, at most
// once per refusal episode (see Invalidate). It is safe for concurrent
// use: concurrent first requests wait for a single login.
type PasswordAuth struct {
	url        *url.URL
	user       string
	password   string
	domain     string
	userAgent  string
	http       *http.Client
	log        Logger
	mu         sync.Mutex
	token      string
	refused    error // a login IAM refused (4xx): repeated without asking IAM again
	inProgress *login
	secrets    *Secrets // the password and every minted token (redact.go)
	retry      retryPolicy

	// The refusal episode (Invalidate): renewing while the token the
	// service refused is being replaced; fresh while the cached token is
	// that replacement and the service has not accepted it yet; stuck once
	// the replacement was refused too.
	renewing, fresh, stuck bool
}

// login is one login in progress; done is closed when it ends.
type login struct {
	done  chan struct{}
	token string
	err   error
}

// NewPasswordAuth validates cfg and returns an Authenticator that logs in
// on first use. Errors never quote the password.
func NewPasswordAuth(cfg PasswordConfig) (*PasswordAuth, error) {
	raw := cfg.AuthURL
	if raw == "" {
		raw = DefaultAuthURL
	}
	u, err := ParseAuthURL(raw)
	if err != nil {
		return nil, fmt.Errorf("auth URL %w", err)
	}
	if err := ValidateHeaderValue(cfg.UserName, UserNameMaxLength); err != nil {
		return nil, fmt.Errorf("user name %w", err)
	}
	if err := ValidatePassword(cfg.Password); err != nil {
		return nil, fmt.Errorf("password %w", err)
	}
	if err := ValidateHeaderValue(cfg.DomainName, DomainNameMaxLength); err != nil {
		return nil, fmt.Errorf("domain name %w", err)
	}
	if err := ValidateHeaderValue(cfg.UserAgent+"x", 1024); err != nil {
		return nil, fmt.Errorf("user agent %w", err)
	}
	retry, err := newRetryPolicy(cfg.MaxRetries, cfg.RetryMinDelay, cfg.RetryMaxDelay, cfg.RequestTimeout)
	if err != nil {
		return nil, err
	}
	var hc http.Client // nil Transport: http.DefaultTransport
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	a := &PasswordAuth{
		url: u, user: cfg.UserName, password: cfg.Password, domain: cfg.DomainName,
		userAgent: cfg.UserAgent, http: &hc, secrets: cfg.Secrets, retry: retry,
	}
	if a.secrets == nil {
		a.secrets = NewSecrets()
	}
	a.secrets.Add(cfg.Password)
	a.log = a.secrets.Logger(cfg.Logger)
	// Each login attempt is bounded by the per-attempt timeout and read
	// whole, like a read's (limiter.go); one login runs at a time.
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	lt, err := newLimitTransport(next, 1, 0, retry.timeout, retry.maxDelay, a.log)
	if err != nil {
		return nil, err
	}
	hc.Transport = lt
	return a, nil
}

// Secrets returns the set holding the password and every token minted so
// far, which the Client redacts.
func (a *PasswordAuth) Secrets() *Secrets { return a.secrets }

// Scheme names the authentication method in diagnostics.
func (a *PasswordAuth) Scheme() string { return SchemePassword }

// Authenticate sets X-Auth-Token to the cached token, logging in first if
// there is none.
func (a *PasswordAuth) Authenticate(ctx context.Context, req *http.Request) error {
	token, err := a.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set(HeaderAuthToken, token)
	return nil
}

// Token returns the cached token, or logs in to get one. Callers that
// arrive while a login is in progress wait for it instead of starting
// another. A login IAM refused (HTTP 4xx: wrong password, unknown user,
// locked user ...) is remembered and returned again without asking IAM, so
// that one wrong password is sent once and not once per ticket.
func (a *PasswordAuth) Token(ctx context.Context) (string, error) {
	for {
		a.mu.Lock()
		if a.token != "" {
			t := a.token
			a.mu.Unlock()
			return t, nil
		}
		if a.refused != nil {
			err := a.refused
			a.mu.Unlock()
			return "", err
		}
		l := a.inProgress
		if l == nil {
			l = &login{done: make(chan struct{})}
			a.inProgress = l
			a.mu.Unlock()
			l.token, l.err = a.login(ctx)
			l.err = a.secrets.RedactError(l.err)
			a.mu.Lock()
			a.inProgress = nil
			if l.err == nil {
				a.token = l.token
				a.fresh, a.renewing = a.renewing, false
			} else if le := (*LoginError)(nil); errors.As(l.err, &le) && le.permanent() {
				a.refused = l.err
			}
			a.mu.Unlock()
			close(l.done)
			return l.token, l.err
		}
		a.mu.Unlock()
		select {
		case <-l.done:
			if l.err == nil {
				return l.token, nil
			}
			if isContextError(l.err) && ctx.Err() == nil {
				continue // the caller that logged in gave up; this one has not
			}
			return "", l.err
		case <-ctx.Done():
			return "", &LoginError{IAMFailure{Host: a.url.Host, Err: ctx.Err()}}
		}
	}
}

// Invalidate drops the token req was sent with, if it is still the cached
// one, so that the next Authenticate logs in again. It reports whether
// sending req again can carry another token: false when req carried none
// or the password was refused.
//
// The token is renewed at most once per refusal episode, which starts when
// the service refuses a token and ends when it accepts one (Accepted):
// when the token that replaced a refused one is refused in turn (a site and
// auth_url that do not pair, a user without permission), logging in again
// cannot help, so Invalidate keeps that token and reports false, and every
// later request fails with the service's refusal without asking IAM.
func (a *PasswordAuth) Invalidate(ctx context.Context, req *http.Request) bool {
	used := req.Header.Get(HeaderAuthToken)
	a.mu.Lock()
	defer a.mu.Unlock()
	if used == "" || a.refused != nil || a.stuck {
		return false
	}
	if a.token != used {
		return true // another request renewed it already, or is doing so
	}
	if a.fresh {
		a.stuck = true
		a.log.Log(ctx, LevelWarn, "IAM token fetched after a refusal was refused too; not logging in again until the service accepts a token",
			map[string]any{"auth_host": a.url.Host})
		return false
	}
	a.token, a.renewing = "", true
	a.log.Log(ctx, LevelInfo, "IAM token rejected by the service; it will be fetched again", map[string]any{"auth_host": a.url.Host})
	return true
}

// Accepted records that the service accepted the token req was sent with,
// which ends a refusal episode (see Invalidate).
func (a *PasswordAuth) Accepted(req *http.Request) {
	used := req.Header.Get(HeaderAuthToken)
	a.mu.Lock()
	defer a.mu.Unlock()
	if used != "" && used == a.token {
		a.fresh, a.stuck = false, false
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// passwordLogin is the body of POST /v3/auth/tokens for a password login
// scoped to the user's domain.
type passwordLogin struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Domain struct {
				Name string `json:"name"`
			} `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

// login performs one POST {auth_url}/auth/tokens.
func (a *PasswordAuth) login(ctx context.Context) (string, error) {
	var body passwordLogin
	body.Auth.Identity.Methods = []string{"password"}
	body.Auth.Identity.Password.User.Name = a.user
	body.Auth.Identity.Password.User.Password = a.password
	body.Auth.Identity.Password.User.Domain.Name = a.domain
	body.Auth.Scope.Domain.Name = a.domain
	payload, err := json.Marshal(body)
	if err != nil {
		return "", &LoginError{IAMFailure{Host: a.url.Host, Reason: "cannot encode the login request"}}
	}
	u := *a.url
	u.Path = a.url.Path + "/auth/tokens"
	u.RawPath = a.url.EscapedPath() + "/auth/tokens"
	u.RawQuery = "nocatalog=true" // the answer's body is not used: skip the service catalogue
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return "", &LoginError{IAMFailure{Host: a.url.Host, Reason: "cannot build the login request"}}
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("Accept", "application/json")
	if a.userAgent != "" {
		req.Header.Set("User-Agent", a.userAgent)
	}
	start := time.Now()
	resp, attempts, err := a.send(req)
	if err != nil {
		err = unwrapURLError(err)
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return "", &LoginError{IAMFailure{Host: a.url.Host, Err: err, Attempts: attempts}}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes))
	a.log.Log(ctx, LevelDebug, "IAM password login", map[string]any{
		"auth_host":   a.url.Host,
		"status":      resp.StatusCode,
		"duration_ms": time.Since(start).Milliseconds(),
		"request_id":  Sanitize(resp.Header.Get(HeaderRequestID), 128),
	})
	le := &LoginError{IAMFailure{Host: a.url.Host, HTTPStatus: resp.StatusCode, RequestID: Sanitize(resp.Header.Get(HeaderRequestID), 128), Attempts: attempts}}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.decodeLoginError(le, raw)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			le.Reason = "IAM answered with a redirect, which is not followed; check auth_url"
		}
		return "", le
	}
	token := resp.Header.Get(HeaderSubjectToken)
	if token == "" {
		le.Reason = "the answer has no " + HeaderSubjectToken + " header"
		return "", le
	}
	if err := ValidateHeaderValue(token, IAMTokenMaxLength); err != nil {
		le.Reason = "the " + HeaderSubjectToken + " header " + err.Error()
		return "", le
	}
	a.secrets.Add(token) // before any request carries it
	return token, nil
}

// send posts the login with go-retryablehttp and the reads' retry rules:
// connection failures, no complete answer within the per-attempt timeout,
// HTTP 429 and 5xx are retried after the same backoff (Retry-After
// included, the minimum delay as a floor); another 4xx, such as a wrong
// password, never is. It returns the last answer or error and the number of
// attempts.
func (a *PasswordAuth) send(req *http.Request) (*http.Response, int, error) {
	return sendIAM(a.http, a.retry, a.log, a.url.Host, "IAM password login", req)
}

// sendIAM sends one IAM call (what names it in the log) with
// go-retryablehttp and the reads' retry rules; see PasswordAuth.send.
func sendIAM(hc *http.Client, retry retryPolicy, log Logger, host, what string, req *http.Request) (*http.Response, int, error) {
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, 0, err
	}
	cl := &call{attempts: 1}
	rc := &retryablehttp.Client{
		HTTPClient: hc,
		RetryMax:   retry.maxRetries + retry.throttleRetries(),
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return retry.check(ctx, cl, log, what+" failed, retrying", map[string]any{"auth_host": host}, host, resp, err)
		},
		Backoff:      retry.backoff(cl),
		PrepareRetry: func(*http.Request) error { cl.attempts++; return nil },
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err },
	}
	resp, err := rc.Do(rreq)
	if resp != nil {
		err = nil
	}
	return resp, cl.attempts, err
}

// decodeLoginError reads IAM's error body, in either of the shapes IAM
// uses: {"error":{"code":...,"message":...,"title":...}} or
// {"error_code":...,"error_msg":...}.
func (a *PasswordAuth) decodeLoginError(le *LoginError, raw []byte) { decodeIAMError(le, raw) }

// decodeIAMError fills le's Code, Message, Title (or Snippet) from an IAM
// error body.
func decodeIAMError(le *LoginError, raw []byte) {
	var body struct {
		Error     json.RawMessage `json:"error"`
		ErrorCode json.RawMessage `json:"error_code"`
		ErrorMsg  json.RawMessage `json:"error_msg"`
	}
	var nested struct {
		Code      json.RawMessage `json:"code"`
		Message   json.RawMessage `json:"message"`
		Title     json.RawMessage `json:"title"`
		ErrorCode json.RawMessage `json:"error_code"`
		ErrorMsg  json.RawMessage `json:"error_msg"`
	}
	if json.Unmarshal(raw, &body) == nil {
		if json.Unmarshal(body.Error, &nested) == nil {
			le.Code = first(rawString(nested.Code), rawString(nested.ErrorCode))
			le.Message = first(rawString(nested.Message), rawString(nested.ErrorMsg))
			le.Title = rawString(nested.Title)
		} else if msg := rawString(body.Error); msg != "" {
			le.Message = msg
		}
		le.Code = first(le.Code, rawString(body.ErrorCode))
		le.Message = first(le.Message, rawString(body.ErrorMsg))
	}
	// Token redacts the password and the tokens from all of these.
	le.Code = Sanitize(le.Code, 64)
	le.Message = Sanitize(le.Message, 500)
	le.Title = Sanitize(le.Title, 100)
	if le.Code == "" && le.Message == "" {
		le.Snippet = Sanitize(string(raw), snippetBytes)
	}
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// LoginError is a failed IAM password login. Its text quotes IAM's own
// error code and message, and never the password or a token.
type LoginError struct{ IAMFailure }

func (e *LoginError) Error() string { return e.describe("IAM password login") }

// IAMFailure is what a failed IAM call (the password login, an agency
// exchange) reports.
type IAMFailure struct {
	Host       string // host:port of IAM
	HTTPStatus int    // 0 when no HTTP answer arrived
	Code       string // IAM's error code ("code" or "error_code")
	Message    string // IAM's error message ("message" or "error_msg")
	Title      string // IAM's error title, if any
	RequestID  string
	Reason     string // what was wrong with an answer that is not an IAM error
	Snippet    string // the start of an answer that is not an IAM error
	Err        error  // the network or context error, if any
	Attempts   int    // how many attempts were made
}

// describe renders the failure of call for a person.
func (f *IAMFailure) describe(call string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s failed", call, f.Host)
	if f.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": HTTP %d", f.HTTPStatus)
	}
	if f.Code != "" {
		fmt.Fprintf(&b, ", error code %s", f.Code)
	}
	if f.Message != "" {
		fmt.Fprintf(&b, ", message %q", f.Message)
	}
	if f.Title != "" {
		fmt.Fprintf(&b, " (%s)", f.Title)
	}
	if f.Reason != "" {
		fmt.Fprintf(&b, ": %s", f.Reason)
	}
	if f.Snippet != "" {
		fmt.Fprintf(&b, "; body starts %q", f.Snippet)
	}
	if f.Err != nil {
		fmt.Fprintf(&b, ": %v", f.Err)
	}
	if f.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", f.RequestID)
	}
	if f.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", f.Attempts)
	}
	return b.String()
}

func (f *IAMFailure) Unwrap() error { return f.Err }

// permanent reports whether IAM refused the call itself (4xx other than
// 408 and 429): asking again with the same credentials cannot succeed, and
// repeated wrong passwords lock the user.
func (f *IAMFailure) permanent() bool {
	return f.HTTPStatus >= 400 && f.HTTPStatus < 500 && f.HTTPStatus != http.StatusRequestTimeout && f.HTTPStatus != http.StatusTooManyRequests
}
