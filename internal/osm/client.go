// Package osm is a client for the Huawei Cloud Service Ticket (OSM) API.
//
// It knows what goes on the wire and nothing about Terraform: request
// building, authentication, error decoding and the status catalogue.
package osm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxBodyBytes is the largest response body the client reads (1 MiB).
const MaxBodyBytes = 1 << 20

// snippetBytes is how much of an unexpected body an error quotes.
const snippetBytes = 200

// Header names the service uses.
const (
	HeaderAuthToken = "X-Auth-Token"
	HeaderLanguage  = "X-Language"
	HeaderTimeZone  = "X-Time-Zone"
	HeaderRequestID = "X-Request-Id"
	// HeaderSite tells the service which site's account the request is
	// for: "0" the China site, "1" the International site.
	HeaderSite = "X-Site"
)

// Authenticator adds credentials to a request. Implementations must never
// log or return a secret value in an error. One that holds or mints
// secrets should also have a Secrets() *Secrets method, as the ones of this
// package do: the Client then redacts them from everything it quotes.
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// TokenAuth authenticates with a fixed IAM token sent as X-Auth-Token.
type TokenAuth struct {
	token   string
	secrets *Secrets
}

// NewTokenAuth validates token and returns an Authenticator for it.
func NewTokenAuth(token string) (*TokenAuth, error) {
	if err := ValidateHeaderValue(token, TokenMaxLength); err != nil {
		return nil, fmt.Errorf("token %w", err)
	}
	return &TokenAuth{token: token, secrets: NewSecrets(token)}, nil
}

// Secrets returns the set holding the token, which the Client redacts.
func (a *TokenAuth) Secrets() *Secrets { return a.secrets }

// Authenticate sets the X-Auth-Token header.
func (a *TokenAuth) Authenticate(_ context.Context, req *http.Request) error {
	req.Header.Set(HeaderAuthToken, a.token)
	return nil
}

// Level is the severity of a log line.
type Level int

// Log levels the client uses.
const (
	LevelDebug Level = iota
	LevelInfo
	LevelWarn
)

// Logger receives the client's structured log lines. Fields never hold a
// header value.
type Logger interface {
	Log(ctx context.Context, level Level, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Log(context.Context, Level, string, map[string]any) {}

// Config configures a Client.
type Config struct {
	// Endpoint is the base URL, e.g. https://osm.cn-south-1.myhuaweicloud.com.
	// A path prefix and a trailing slash are allowed.
	Endpoint string
	// Auth adds credentials to each request. Required.
	Auth Authenticator
	// AuthSource says where the credentials came from, for the errors that
	// reject them, such as "the HW_AUTH_TOKEN environment variable".
	AuthSource string
	// Language and TimeZone are the default X-Language and X-Time-Zone
	// values; empty means the service defaults, sent explicitly.
	Language string
	TimeZone string
	// UserAgent is sent as User-Agent when not empty.
	UserAgent string
	// Site is sent as the X-Site header of every request ("0" China site,
	// "1" International site); empty sends none. Being an X- header, it is
	// signed with AK/SK credentials.
	Site string
	// HTTPClient sends the requests; nil means a new client with keep-alive.
	HTTPClient *http.Client
	// Logger receives one line per attempt; nil discards.
	Logger Logger
	// Secrets are redacted (redact.go) from every error and log line of the
	// client, together with the secrets of Auth when it has a
	// Secrets() *Secrets method, as the Authenticators of this package do:
	// nil is fine.
	Secrets *Secrets

	// Retries and timeouts (retry.go). The zero values mean: no retries,
	// no per-attempt timeout; the Default* constants are the provider's.
	//
	// MaxRetries is how many times a failed attempt is retried (0: none).
	MaxRetries int
	// RetryMinDelay and RetryMaxDelay bound the wait before a retry, a
	// Retry-After included.
	RetryMinDelay time.Duration
	RetryMaxDelay time.Duration
	// RequestTimeout limits each attempt, reading the body included.
	RequestTimeout time.Duration

	// MaxConcurrency bounds the HTTP attempts in flight at once, across every
	// call of the client (limiter.go); 0 means DefaultMaxConcurrency, at most
	// MaxMaxConcurrency. New raises MaxIdleConnsPerHost of an *http.Transport
	// to it and sets an unlimited MaxConnsPerHost to it, so that the workers
	// reuse their connections.
	MaxConcurrency int
	// MaxRequestsPerSecond caps the request rate of the client; 0 means
	// unlimited.
	MaxRequestsPerSecond float64
}

// Client calls the OSM API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	auth      Authenticator
	authFrom  string
	language  string
	timeZone  string
	userAgent string
	site      string
	http      *http.Client
	log       Logger
	retry     retryPolicy
	limits    *limitTransport // client-wide concurrency, rate, throttle and per-attempt timeout
	secrets   *Secrets        // redacted from every error and log line (redact.go)
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("endpoint %w", err)
	}
	if cfg.Auth == nil {
		return nil, errors.New("no credentials configured")
	}
	c := &Client{
		base:      base,
		auth:      cfg.Auth,
		authFrom:  cfg.AuthSource,
		language:  cfg.Language,
		timeZone:  cfg.TimeZone,
		userAgent: cfg.UserAgent,
		site:      cfg.Site,
		http:      cfg.HTTPClient,
		log:       cfg.Logger,
	}
	if c.language == "" {
		c.language = DefaultLanguage
	}
	if c.timeZone == "" {
		c.timeZone = DefaultTimeZone
	}
	if err := ValidateHeaderValue(c.language, LanguageMaxLength); err != nil {
		return nil, fmt.Errorf("language %w", err)
	}
	if err := ValidateHeaderValue(c.timeZone, TimeZoneMaxLength); err != nil {
		return nil, fmt.Errorf("time zone %w", err)
	}
	if err := ValidateHeaderValue(c.userAgent+"x", 1024); err != nil {
		return nil, fmt.Errorf("user agent %w", err)
	}
	if c.site != "" && c.site != "0" && c.site != "1" {
		return nil, errors.New(`site header must be "0" (China site) or "1" (International site)`)
	}
	if c.retry, err = newRetryPolicy(cfg.MaxRetries, cfg.RetryMinDelay, cfg.RetryMaxDelay, cfg.RequestTimeout); err != nil {
		return nil, err
	}
	// Every log line of the client goes through the redaction, so that a
	// body a server echoed a secret into is never logged with it.
	c.secrets = joinSecrets(cfg.Secrets, secretsOf(cfg.Auth))
	c.log = c.secrets.Logger(c.log)
	if c.http == nil {
		if c.http, err = NewHTTPClient(TransportOptions{}); err != nil {
			return nil, err
		}
	}
	hc := *c.http // a copy that keeps the connection pool
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if t, ok := next.(*http.Transport); ok && t == http.DefaultTransport {
		// The connection limits below are this client's: the process-wide
		// default transport is never changed. A transport the caller gave
		// is the client's to size (Config.MaxConcurrency says so).
		next = t.Clone()
	}
	if c.limits, err = newLimitTransport(&loggingTransport{next: next, log: c.log}, cfg.MaxConcurrency, cfg.MaxRequestsPerSecond, c.retry.timeout, c.retry.maxDelay, c.log); err != nil {
		return nil, err
	}
	c.limits.auth = c.auth.Authenticate
	slots := cap(c.limits.slots)
	if t, ok := next.(*http.Transport); ok {
		// Keep a connection per slot alive between requests, and never open
		// more than the slots: a request whose slot is free waits for the
		// connection its predecessor is handing back instead of dialing.
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, slots)
		if t.MaxIdleConns != 0 {
			t.MaxIdleConns = max(t.MaxIdleConns, slots)
		}
		if t.MaxConnsPerHost == 0 {
			t.MaxConnsPerHost = slots
		}
	}
	hc.Transport = c.limits
	if hc.CheckRedirect == nil {
		hc.CheckRedirect = noRedirects
	}
	c.http = &hc
	return c, nil
}

// Endpoint returns the normalised base URL.
func (c *Client) Endpoint() string { return c.base.String() }

// RequestOptions overrides the client's defaults for one call.
type RequestOptions struct {
	Language string // empty: the client's default
	TimeZone string // empty: the client's default
}

// StatusPath returns the escaped request path for caseID, below the
// endpoint's path prefix: /v2/servicerequest/cases/{case_id}/status with the
// id escaped into exactly one segment.
func StatusPath(caseID string) string {
	return "/v2/servicerequest/cases/" + url.PathEscape(caseID) + "/status"
}

// NewStatusRequest builds the GET request for a case status, without
// credentials. It refuses any input that could not go on the wire as
// documented.
func (c *Client) NewStatusRequest(ctx context.Context, caseID string, opts RequestOptions) (*http.Request, error) {
	if err := ValidateCaseID(caseID); err != nil {
		return nil, fmt.Errorf("case id %w", err)
	}
	return c.newRequest(ctx, []string{"cases", caseID, "status"}, nil, opts)
}

// newRequest builds a GET request for {endpoint}/v2/servicerequest/{segments...}?{query}
// with the Accept, X-Language, X-Time-Zone and User-Agent headers, without
// credentials. Every segment is escaped into exactly one path segment.
func (c *Client) newRequest(ctx context.Context, segments []string, query url.Values, opts RequestOptions) (*http.Request, error) {
	lang, tz := c.language, c.timeZone
	if opts.Language != "" {
		if err := ValidateHeaderValue(opts.Language, LanguageMaxLength); err != nil {
			return nil, fmt.Errorf("language %w", err)
		}
		lang = opts.Language
	}
	if opts.TimeZone != "" {
		if err := ValidateHeaderValue(opts.TimeZone, TimeZoneMaxLength); err != nil {
			return nil, fmt.Errorf("time zone %w", err)
		}
		tz = opts.TimeZone
	}
	u := *c.base
	u.Path, u.RawPath = c.base.Path+"/v2/servicerequest", c.base.EscapedPath()+"/v2/servicerequest"
	for _, seg := range segments {
		u.Path += "/" + seg
		u.RawPath += "/" + url.PathEscape(seg)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderLanguage, lang)
	req.Header.Set(HeaderTimeZone, tz)
	if c.site != "" {
		req.Header.Set(HeaderSite, c.site)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	return req, nil
}

// CaseStatus reads the status of one service ticket with
// GET {endpoint}/v2/servicerequest/cases/{case_id}/status.
func (c *Client) CaseStatus(ctx context.Context, caseID string, opts RequestOptions) (Status, error) {
	req, err := c.NewStatusRequest(ctx, caseID, opts)
	if err != nil {
		return 0, err
	}
	ans, err := c.sendRenewing(ctx, req)
	var s Status
	if err == nil {
		s, err = decodeStatus(ans)
	}
	return c.finish(ctx, req, s, err)
}

// finishErr turns an error after the caller's ctx ended into KindCanceled,
// records the authentication scheme on an authentication error, and
// redacts every secret from what the error quotes: every error of a call
// leaves the client through here.
func finishErr(c *Client, ctx context.Context, req *http.Request, err error) error {
	if err != nil && ctx.Err() != nil && !IsKind(err, KindCanceled) {
		err = &Error{Kind: KindCanceled, Host: req.URL.Host, Err: ctx.Err()}
	}
	_, err = c.withAuthScheme(0, err)
	return c.secrets.RedactError(err)
}

func (c *Client) finish(ctx context.Context, req *http.Request, s Status, err error) (Status, error) {
	if err = finishErr(c, ctx, req, err); err != nil {
		return 0, err
	}
	return s, nil
}

// getJSON sends GET {endpoint}/v2/servicerequest/{segments...}?{query}
// through the client's retries, limiter and credential renewal, checks the
// answer (HTTP status, an error_code in a 2xx body, size, JSON) and decodes
// its body into v. Its errors are *Error, or a validation error from
// building the request.
func (c *Client) getJSON(ctx context.Context, segments []string, query url.Values, opts RequestOptions, v any) error {
	req, err := c.newRequest(ctx, segments, query, opts)
	if err != nil {
		return err
	}
	ans, err := c.sendRenewing(ctx, req)
	if err == nil {
		err = decodeJSON(ans, v)
	}
	return finishErr(c, ctx, req, err)
}

// answer is one HTTP response, fully read.
type answer struct {
	status   int
	header   http.Header
	body     []byte
	tooLarge bool
	host     string
	attempts int
	// sent is the request as it went on the wire, credentials included,
	// so that a Refresher can tell which credentials were rejected.
	sent *http.Request
}

// transportError describes a failure to get an answer.
func (c *Client) transportError(req *http.Request, err error, attempts int) *Error {
	return &Error{Kind: KindTransport, Host: req.URL.Host, Err: unwrapURLError(err), Attempts: attempts}
}

// unwrapURLError drops the url.Error around a transport error: it repeats
// the method and the URL, while the host is reported separately and the
// cause is what a person needs.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// statusBody is the union of the documented success and error bodies.
type statusBody struct {
	Status    json.RawMessage `json:"status"`
	ErrorCode json.RawMessage `json:"error_code"`
	ErrorMsg  json.RawMessage `json:"error_msg"`
}

// checkAnswer returns the *Error that an answer carries, if any: too large,
// a redirect, a non-2xx status, an error_code in any body (the service
// reports some errors with HTTP 200), or a body that is not JSON. It returns
// nil for a 2xx JSON answer without error_code.
func checkAnswer(a *answer) *Error {
	newErr := func(kind ErrorKind) *Error {
		return &Error{Kind: kind, HTTPStatus: a.status, Host: a.host, Attempts: a.attempts,
			RequestID: Sanitize(a.header.Get(HeaderRequestID), 128)}
	}
	if a.tooLarge {
		return unexpectedAnswer(a, fmt.Sprintf("the response body is larger than %d bytes", MaxBodyBytes))
	}
	if a.status >= 300 && a.status < 400 {
		return unexpectedAnswer(a, "the endpoint answered with a redirect, which the client does not follow (it would carry the credentials elsewhere); check the endpoint")
	}
	var body statusBody
	jsonErr := json.Unmarshal(a.body, &body)
	code, msg := rawString(body.ErrorCode), rawString(body.ErrorMsg)
	ok2xx := a.status >= 200 && a.status < 300
	if !ok2xx || (jsonErr == nil && code != "") {
		e := newErr(kindFor(a.status, code))
		e.Code = Sanitize(code, 64)
		e.Message = Sanitize(msg, 500)
		if jsonErr != nil || code == "" {
			e.Snippet = Sanitize(string(a.body), snippetBytes)
		}
		return e
	}
	if jsonErr != nil {
		reason := "the response body is not JSON"
		if ct := a.header.Get("Content-Type"); ct != "" && !isJSONContentType(ct) {
			reason += fmt.Sprintf(" (Content-Type %q)", Sanitize(ct, 100))
		}
		return unexpectedAnswer(a, reason)
	}
	return nil
}

// unexpectedAnswer is a KindUnexpected error for an answer, quoting the
// start of its body.
func unexpectedAnswer(a *answer, reason string) *Error {
	return &Error{Kind: KindUnexpected, HTTPStatus: a.status, Host: a.host, Attempts: a.attempts,
		RequestID: Sanitize(a.header.Get(HeaderRequestID), 128),
		Reason:    reason, Snippet: Sanitize(string(a.body), snippetBytes)}
}

// decodeJSON checks an answer and decodes its body into v; a body that does
// not fit v is KindUnexpected.
func decodeJSON(a *answer, v any) error {
	if e := checkAnswer(a); e != nil {
		return e
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		return unexpectedAnswer(a, "the response body does not have the documented shape: "+Sanitize(err.Error(), 200))
	}
	return nil
}

// decodeStatus turns one answer into a status or an *Error.
func decodeStatus(a *answer) (Status, error) {
	if e := checkAnswer(a); e != nil {
		return 0, e
	}
	var body statusBody
	_ = json.Unmarshal(a.body, &body) // checkAnswer decoded it already
	if len(body.Status) == 0 || string(body.Status) == "null" {
		if rawString(body.ErrorMsg) != "" {
			return 0, unexpectedAnswer(a, "the answer carries an error_msg but no error_code and no status")
		}
		return 0, unexpectedAnswer(a, "the response has no status")
	}
	var n int64
	if err := json.Unmarshal(body.Status, &n); err != nil {
		return 0, unexpectedAnswer(a, "the status is not an integer")
	}
	s := Status(n)
	if int64(s) != n || !s.Valid() {
		return 0, unexpectedAnswer(a, fmt.Sprintf("the status %d is outside the documented range %d..%d", n, MinStatus, MaxStatus))
	}
	return s, nil
}

// rawString decodes a JSON string, or renders any other JSON value as text.
func rawString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

func isJSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json"
}
