package osm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// SchemeAgency names the assume-role (agency) method in diagnostics: the
// requests are signed with the agency's temporary access keys.
const SchemeAgency = "assume_role"

// The two IAM calls that exchange credentials for an agency's temporary
// access keys (https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html
// and the STS AssumeAgency call of IAM v5).
const (
	// AgencyIAMPath is POST {iam}/v3.0/OS-CREDENTIAL/securitytokens, with an
	// assume_role identity naming the agency and the account (domain) name
	// that owns it.
	AgencyIAMPath = "/v3.0/OS-CREDENTIAL/securitytokens"
	// AgencySTSPath is POST {sts}/v5/agencies/assume, with the agency's URN
	// iam::{domain_id}:agency:{agency_name}.
	AgencySTSPath = "/v5/agencies/assume"
)

// Agency credential lifetimes.
const (
	// DefaultAgencyDuration is what the IAM call asks for when no duration
	// is configured: 12 hours, as the Huawei Cloud provider asks.
	DefaultAgencyDuration = 12 * time.Hour
	MinAgencyDuration     = 15 * time.Minute
	MaxAgencyDuration     = 12 * time.Hour
	// AgencyRenewBefore is how long before they expire temporary keys are
	// exchanged again (half their lifetime for shorter ones).
	AgencyRenewBefore = 10 * time.Minute
	// agencyRenewRetry is the pause after a failed renewal while the
	// current keys are still valid.
	agencyRenewRetry = time.Minute
	// agencyAssumedLifetime is how long keys whose answer has no expiry
	// are used: the shortest lifetime STS issues.
	agencyAssumedLifetime = MinAgencyDuration
)

// Length limits of the agency settings.
const (
	AgencyNameMaxLength = 64
)

// AgencyConfig configures an AgencyAuth.
type AgencyConfig struct {
	// Base authenticates the exchange: the configured access keys (a
	// token or a password login work too).
	Base Authenticator
	// IAMURL is the IAM endpoint; the IAM call is POST
	// {scheme://host of IAMURL}/v3.0/OS-CREDENTIAL/securitytokens. Used
	// when DomainID is empty.
	IAMURL string
	// STSURL is the STS endpoint; the STS call is POST
	// {scheme://host of STSURL}/v5/agencies/assume. Used when DomainID is
	// set.
	STSURL string
	// AgencyName is the agency to assume. DomainName (the IAM call) or
	// DomainID (the STS call) is the account that owns it.
	AgencyName string
	DomainName string
	DomainID   string
	// Duration is the lifetime asked for; 0 asks DefaultAgencyDuration on
	// the IAM call and leaves it to STS on the STS call.
	Duration time.Duration
	// Now is the clock that expiry and X-Sdk-Date are judged by; nil means
	// time.Now.
	Now func() time.Time

	UserAgent  string
	HTTPClient *http.Client // nil: a new client; redirects are never followed
	Logger     Logger
	// Retries of the exchange, as PasswordConfig's.
	MaxRetries     int
	RetryMinDelay  time.Duration
	RetryMaxDelay  time.Duration
	RequestTimeout time.Duration
	// Secrets receives every temporary secret key and security token; nil
	// means a set of its own. The Client redacts it.
	Secrets *Secrets
}

// AgencyAuth signs requests with an agency's temporary access keys, which
// it gets from IAM (or STS) with the base credentials, caches, and
// exchanges again before they expire. It is safe for concurrent use:
// concurrent requests wait for a single exchange.
type AgencyAuth struct {
	base       Authenticator
	target     *url.URL // the full URL of the call
	sts        bool
	agency     string
	domainName string
	domainID   string
	duration   time.Duration
	now        func() time.Time
	userAgent  string
	http       *http.Client
	log        Logger
	retry      retryPolicy
	secrets    *Secrets // the temporary secrets, added as they are minted
	redact     *Secrets // secrets and the base credentials' secrets

	mu         sync.Mutex
	current    *AKSKAuth
	expires    time.Time
	renewAt    time.Time
	refused    error // an exchange IAM refused (4xx): not asked again
	inProgress *exchange
	exchanges  int
}

type exchange struct {
	done chan struct{}
	err  error
}

// ValidateAgencyName checks an agency name: 1 to AgencyNameMaxLength
// characters that fit a header and a URN (no ":").
func ValidateAgencyName(s string) error {
	if err := ValidateHeaderValue(s, AgencyNameMaxLength); err != nil {
		return err
	}
	if strings.Contains(s, ":") {
		return errors.New(`must not contain ":"`)
	}
	return nil
}

// NewAgencyAuth validates cfg and returns an Authenticator that exchanges
// the base credentials on first use. Errors never quote a secret.
func NewAgencyAuth(cfg AgencyConfig) (*AgencyAuth, error) {
	if cfg.Base == nil {
		return nil, errors.New("assume role needs base credentials")
	}
	if err := ValidateAgencyName(cfg.AgencyName); err != nil {
		return nil, fmt.Errorf("agency name %w", err)
	}
	a := &AgencyAuth{
		base: cfg.Base, agency: cfg.AgencyName, domainName: cfg.DomainName, domainID: cfg.DomainID,
		duration: cfg.Duration, now: cfg.Now, userAgent: cfg.UserAgent, secrets: cfg.Secrets,
	}
	raw, path := cfg.IAMURL, AgencyIAMPath
	switch {
	case cfg.DomainID != "":
		if err := ValidateHeaderValue(cfg.DomainID, DomainIDMaxLength); err != nil {
			return nil, fmt.Errorf("agency domain id %w", err)
		}
		raw, path, a.sts = cfg.STSURL, AgencySTSPath, true
	case cfg.DomainName != "":
		if err := ValidateHeaderValue(cfg.DomainName, DomainNameMaxLength); err != nil {
			return nil, fmt.Errorf("agency domain name %w", err)
		}
	default:
		return nil, errors.New("assume role needs the domain name or the domain id of the account that owns the agency")
	}
	if cfg.Duration != 0 && (cfg.Duration < MinAgencyDuration || cfg.Duration > MaxAgencyDuration) {
		return nil, fmt.Errorf("agency duration must be between %s and %s", FormatDuration(MinAgencyDuration), FormatDuration(MaxAgencyDuration))
	}
	u, err := ParseAuthURL(raw)
	if err != nil {
		return nil, fmt.Errorf("agency endpoint %w", err)
	}
	a.target = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: path}
	if a.now == nil {
		a.now = time.Now
	}
	if a.secrets == nil {
		a.secrets = NewSecrets()
	}
	a.redact = joinSecrets(a.secrets, secretsOf(cfg.Base))
	a.log = a.redact.Logger(cfg.Logger)
	if a.retry, err = newRetryPolicy(cfg.MaxRetries, cfg.RetryMinDelay, cfg.RetryMaxDelay, cfg.RequestTimeout); err != nil {
		return nil, err
	}
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	lt, err := newLimitTransport(&signingTransport{next: next, auth: a.base}, 1, 0, a.retry.timeout, a.retry.maxDelay, a.log)
	if err != nil {
		return nil, err
	}
	hc.Transport = lt
	a.http = &hc
	return a, nil
}

// signingTransport authenticates every attempt of the exchange anew, so
// that each carries a fresh X-Sdk-Date.
type signingTransport struct {
	next http.RoundTripper
	auth Authenticator
}

func (t *signingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if err := t.auth.Authenticate(req.Context(), r); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(r)
}

// Scheme names the authentication method in diagnostics.
func (a *AgencyAuth) Scheme() string { return SchemeAgency }

// Secrets returns the set holding the base secrets and every temporary
// secret key and security token, which the Client redacts.
func (a *AgencyAuth) Secrets() *Secrets { return a.redact }

// Host is the host:port the exchange is sent to.
func (a *AgencyAuth) Host() string { return a.target.Host }

// Exchanges is how many exchanges succeeded so far.
func (a *AgencyAuth) Exchanges() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.exchanges
}

// Authenticate signs req with the agency's temporary keys, exchanging the
// base credentials first when there are none or they are due for renewal.
func (a *AgencyAuth) Authenticate(ctx context.Context, req *http.Request) error {
	signer, err := a.Credentials(ctx)
	if err != nil {
		return err
	}
	return signer.Authenticate(ctx, req)
}

// Credentials returns the current temporary keys' signer, exchanging the
// base credentials when there is none or it is due for renewal. A failed
// renewal while the current keys are still valid keeps them (and is
// logged); the next request tries again.
func (a *AgencyAuth) Credentials(ctx context.Context) (*AKSKAuth, error) {
	for {
		a.mu.Lock()
		now := a.now()
		if a.current != nil && now.Before(a.renewAt) {
			c := a.current
			a.mu.Unlock()
			return c, nil
		}
		if a.refused != nil {
			err := a.refused
			a.mu.Unlock()
			return nil, err
		}
		ex := a.inProgress
		if ex == nil {
			ex = &exchange{done: make(chan struct{})}
			a.inProgress = ex
			a.mu.Unlock()
			signer, expires, err := a.exchange(ctx)
			err = a.redact.RedactError(err)
			a.mu.Lock()
			a.inProgress = nil
			ex.err = err
			var still *AKSKAuth
			switch {
			case err == nil:
				a.current, a.expires, a.exchanges = signer, expires, a.exchanges+1
				life := expires.Sub(now)
				a.renewAt = expires.Add(-min(AgencyRenewBefore, life/2))
				still = signer
			case a.current != nil && now.Before(a.expires):
				// The renewal failed but the current keys are still good:
				// keep them, and try again after a pause rather than at
				// every request.
				still = a.current
				a.renewAt = now.Add(min(agencyRenewRetry, a.expires.Sub(now)/2))
				a.log.Log(ctx, LevelWarn, "Agency credentials renewal failed; using the current ones until they expire",
					map[string]any{"auth_host": a.target.Host, "expires_at": a.expires.UTC().Format(time.RFC3339), "error": err.Error()})
			default:
				var ae *AgencyError
				if errors.As(err, &ae) && ae.permanent() {
					a.refused = err
				}
			}
			a.mu.Unlock()
			close(ex.done)
			if still != nil {
				return still, nil
			}
			return nil, err
		}
		a.mu.Unlock()
		select {
		case <-ex.done:
			if ex.err == nil || !isContextError(ex.err) || ctx.Err() != nil {
				a.mu.Lock()
				c, valid := a.current, a.current != nil && a.now().Before(a.expires)
				a.mu.Unlock()
				if valid {
					return c, nil
				}
				if ex.err != nil {
					return nil, ex.err
				}
			}
			// the caller that exchanged gave up, or the keys it got are
			// already stale: try again
		case <-ctx.Done():
			return nil, &AgencyError{IAMFailure{Host: a.target.Host, Err: ctx.Err()}}
		}
	}
}

// iamAgencyRequest is the body of the IAM call.
type iamAgencyRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DurationSeconds int64  `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

// stsAgencyRequest is the body of the STS call.
type stsAgencyRequest struct {
	AgencyURN         string `json:"agency_urn"`
	AgencySessionName string `json:"agency_session_name"`
	DurationSeconds   int64  `json:"duration_seconds,omitempty"`
}

// agencyAnswer is the union of both answers.
type agencyAnswer struct {
	Credential *struct { // IAM
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
	Credentials *struct { // STS
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		SecurityToken   string `json:"security_token"`
		Expiration      string `json:"expiration"`
	} `json:"credentials"`
}

// exchange performs one call and returns the signer of the temporary keys
// and when they expire.
func (a *AgencyAuth) exchange(ctx context.Context) (*AKSKAuth, time.Time, error) {
	var body any
	if a.sts {
		b := stsAgencyRequest{AgencyURN: "iam::" + a.domainID + ":agency:" + a.agency, AgencySessionName: a.agency}
		b.DurationSeconds = int64(a.duration / time.Second)
		body = b
	} else {
		var b iamAgencyRequest
		b.Auth.Identity.Methods = []string{"assume_role"}
		b.Auth.Identity.AssumeRole.AgencyName = a.agency
		b.Auth.Identity.AssumeRole.DomainName = a.domainName
		d := a.duration
		if d == 0 {
			d = DefaultAgencyDuration
		}
		b.Auth.Identity.AssumeRole.DurationSeconds = int64(d / time.Second)
		body = b
	}
	payload, _ := json.Marshal(body)
	host := a.target.Host
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.target.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, time.Time{}, &AgencyError{IAMFailure{Host: host, Reason: "cannot build the request"}}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	if a.userAgent != "" {
		req.Header.Set("User-Agent", a.userAgent)
	}
	start := time.Now()
	resp, attempts, err := sendIAM(a.http, a.retry, a.log, host, "Agency credentials exchange", req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, time.Time{}, &AgencyError{IAMFailure{Host: host, Err: err, Attempts: attempts}}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes))
	reqID := Sanitize(resp.Header.Get(HeaderRequestID), 128)
	a.log.Log(ctx, LevelDebug, "Agency credentials exchange", map[string]any{
		"auth_host": host, "path": a.target.Path, "agency": a.agency,
		"status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(), "request_id": reqID,
	})
	ae := &AgencyError{IAMFailure{Host: host, HTTPStatus: resp.StatusCode, RequestID: reqID, Attempts: attempts}}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var le LoginError
		decodeIAMError(&le, raw)
		ae.Code, ae.Message, ae.Title, ae.Snippet = le.Code, le.Message, le.Title, le.Snippet
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			ae.Reason = "IAM answered with a redirect, which is not followed; check auth_url"
		}
		return nil, time.Time{}, ae
	}
	var ans agencyAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		ae.Reason = "the answer is not JSON"
		return nil, time.Time{}, ae
	}
	var ak, sk, token, expiry string
	switch {
	case ans.Credential != nil:
		ak, sk, token, expiry = ans.Credential.Access, ans.Credential.Secret, ans.Credential.SecurityToken, ans.Credential.ExpiresAt
	case ans.Credentials != nil:
		ak, sk, token, expiry = ans.Credentials.AccessKeyID, ans.Credentials.SecretAccessKey, ans.Credentials.SecurityToken, ans.Credentials.Expiration
	}
	a.secrets.Add(sk, token) // before anything can quote them
	if ak == "" || sk == "" || token == "" {
		ae.Reason = "the answer lacks the temporary access key, secret key or security token"
		return nil, time.Time{}, ae
	}
	now := a.now()
	expires := now.Add(agencyAssumedLifetime)
	if expiry != "" {
		t, err := time.Parse(time.RFC3339Nano, expiry)
		if err != nil {
			ae.Reason = fmt.Sprintf("the expiry %q is not an RFC 3339 time", Sanitize(expiry, 40))
			return nil, time.Time{}, ae
		}
		expires = t
	}
	if !expires.After(now) {
		ae.Reason = "the temporary access keys have already expired (check this machine's clock)"
		return nil, time.Time{}, ae
	}
	signer, err := NewAKSKAuth(AKSKConfig{AccessKey: ak, SecretKey: sk, SecurityToken: token, Now: a.now})
	if err != nil {
		ae.Reason = "the temporary credentials are unusable: " + err.Error()
		return nil, time.Time{}, ae
	}
	a.log.Log(ctx, LevelInfo, "Agency credentials obtained", map[string]any{
		"auth_host": host, "agency": a.agency, "access_key": ak, "expires_at": expires.UTC().Format(time.RFC3339),
	})
	return signer, expires, nil
}

// AgencyError is a failed exchange for an agency's temporary keys. Its
// text quotes IAM's error code and message, never a secret.
type AgencyError struct{ IAMFailure }

func (e *AgencyError) Error() string { return e.describe("assuming the agency") }
