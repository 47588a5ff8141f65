package osm

import (
	"context"
	"encoding/json"
	"net/http"
)

// Names of the authentication schemes, as Error.AuthScheme reports them.
const (
	SchemeToken    = "token"
	SchemeAKSK     = "AK/SK"
	SchemePassword = "password"
)

// Refresher is implemented by an Authenticator whose credentials can be
// renewed, such as the token of a password login. When the service rejected
// the credentials req was sent with, the client calls Invalidate once;
// Invalidate drops those credentials if they are still the current ones and
// reports whether sending req again could carry fresh ones. The client then
// sends req once more (Authenticate runs again for it) and never a third
// time.
type Refresher interface {
	Invalidate(ctx context.Context, req *http.Request) bool
}

// acceptor is implemented by a Refresher that renews at most once per
// refusal episode (PasswordAuth): the client tells it when the service
// accepted the credentials a request carried, which ends an episode.
type acceptor interface {
	Accepted(req *http.Request)
}

// noteAccepted tells an acceptor that the credentials of ans were accepted:
// any 2xx answer that does not reject them (a missing ticket included).
func (c *Client) noteAccepted(ans *answer) {
	if a, ok := c.auth.(acceptor); ok && ans.sent != nil && ans.status >= 200 && ans.status < 300 {
		a.Accepted(ans.sent)
	}
}

// Scheme names the authentication method in diagnostics.
func (a *TokenAuth) Scheme() string { return SchemeToken }

// schemer is implemented by the Authenticators of this package.
type schemer interface{ Scheme() string }

// sendRenewing is do (with its retries), plus one renewal: when the answer rejects the
// credentials (HTTP 401, APIGW.0301, OSM.0002) and the Authenticator is a
// Refresher that can renew them, it sends req once more. AK/SK signatures
// are never re-sent: a wrong key stays wrong, and five wrong signatures in a
// row lock it for five minutes.
func (c *Client) sendRenewing(ctx context.Context, req *http.Request) (*answer, error) {
	ans, err := c.do(ctx, req)
	if err != nil {
		return ans, err
	}
	if !rejectsCredentials(ans) {
		c.noteAccepted(ans)
		return ans, nil
	}
	r, ok := c.auth.(Refresher)
	// do sends a fresh, authenticated clone of req per attempt: the
	// rejected credentials are on the clone that went on the wire.
	sent := ans.sent
	if sent == nil {
		sent = req
	}
	if !ok || !r.Invalidate(ctx, sent) {
		return ans, nil
	}
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return ans, nil
		}
		body, err := req.GetBody()
		if err != nil {
			// The body cannot be sent again, so there is no renewal:
			// the rejection is the answer.
			return ans, nil //nolint:nilerr // the 401 answer is the result
		}
		req.Body = body
	}
	c.log.Log(ctx, LevelInfo, "OSM API rejected the credentials; sending the request once more with renewed ones", map[string]any{
		"method":     req.Method,
		"path":       req.URL.EscapedPath(),
		"status":     ans.status,
		"request_id": Sanitize(ans.header.Get(HeaderRequestID), 128),
	})
	again, err := c.do(ctx, req)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Attempts > 0 {
			e.Attempts += ans.attempts
		}
		return nil, err
	}
	again.attempts += ans.attempts
	if !rejectsCredentials(again) {
		c.noteAccepted(again)
	}
	return again, nil
}

// rejectsCredentials reports whether an answer says that the credentials
// are missing, expired or wrong.
func rejectsCredentials(a *answer) bool {
	var body struct {
		ErrorCode json.RawMessage `json:"error_code"`
	}
	_ = json.Unmarshal(a.body, &body)
	return kindFor(a.status, rawString(body.ErrorCode)) == KindAuth
}

// withAuthScheme records on an authentication error which method the
// request was authenticated with, so that a diagnostic can say what to fix.
func (c *Client) withAuthScheme(s Status, err error) (Status, error) {
	if e, ok := err.(*Error); ok && e.Kind == KindAuth {
		if sc, ok := c.auth.(schemer); ok {
			e.AuthScheme = sc.Scheme()
		}
		e.AuthSource = c.authFrom
	}
	return s, err
}
