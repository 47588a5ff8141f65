package osm

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrorKind classifies a failed call so that callers can explain it.
type ErrorKind int

// The error classes a careful client of the service has to tell apart.
const (
	KindUnexpected   ErrorKind = iota // the answer is not a status nor a documented error
	KindTransport                     // no HTTP answer: refused, reset, DNS, TLS, timeout
	KindCanceled                      // the caller's context ended
	KindAuth                          // 401, APIGW.0301, OSM.0002: credentials missing, expired or wrong
	KindForbidden                     // 403, OSM.0003, OSM.01010002: authenticated but not allowed
	KindNotFound                      // HTTP 404 (APIGW.0101): the API path does not exist at this endpoint
	KindCaseNotFound                  // OSM.01010015: the ticket does not exist
	KindThrottled                     // 429, APIGW.0308
	KindServer                        // 5xx
	KindBadRequest                    // other 4xx (400 OSM.0001 / APIGW.0201, 413, 414, ...)
	KindService                       // HTTP 2xx whose body carries an error_code
)

var kindNames = map[ErrorKind]string{
	KindUnexpected:   "unexpected response",
	KindTransport:    "connection failed",
	KindCanceled:     "canceled",
	KindAuth:         "authentication failed",
	KindForbidden:    "forbidden",
	KindNotFound:     "API not found",
	KindCaseNotFound: "case not found",
	KindThrottled:    "throttled",
	KindServer:       "server error",
	KindBadRequest:   "bad request",
	KindService:      "service error",
}

func (k ErrorKind) String() string { return kindNames[k] }

// Error is every error the client returns for a call. Its text never
// contains a header value: no token, key or signature can leak through it.
type Error struct {
	Kind       ErrorKind
	HTTPStatus int    // 0 when no HTTP answer arrived
	Code       string // the service's error_code, if any
	Message    string // the service's error_msg, sanitised
	RequestID  string // X-Request-Id of the answer, if any
	Host       string // host:port the request went to
	Reason     string // for KindUnexpected: what was wrong with the answer
	Snippet    string // for KindUnexpected: at most 200 bytes of the body, sanitised
	Attempts   int    // how many HTTP attempts were made (at least 1 once anything was sent)
	Err        error  // the network or context error, if any
	// AuthScheme is, for KindAuth, how the request was authenticated:
	// SchemeToken, SchemeAKSK, SchemePassword or SchemeAgency ("" if
	// unknown).
	AuthScheme string
	// AuthSource is, for KindAuth, where the credentials came from, as
	// Config.AuthSource says ("" if unknown).
	AuthSource string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	switch e.Kind {
	case KindTransport, KindCanceled:
		if e.Host != "" {
			fmt.Fprintf(&b, " for host %s", e.Host)
		}
		if e.Err != nil {
			fmt.Fprintf(&b, ": %v", e.Err)
		}
	default:
		if e.HTTPStatus != 0 {
			fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
		}
		if e.Code != "" {
			fmt.Fprintf(&b, ", error_code %s", e.Code)
		}
		if e.Message != "" {
			fmt.Fprintf(&b, ", error_msg %q", e.Message)
		}
		if e.Reason != "" {
			fmt.Fprintf(&b, ": %s", e.Reason)
		}
		if e.Snippet != "" {
			fmt.Fprintf(&b, "; body starts %q", e.Snippet)
		}
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k ErrorKind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Documented error codes with a meaning of their own.
const (
	CodeCaseNotFound    = "OSM.01010015"
	CodeNoPermission    = "OSM.01010002"
	CodeNotAuth         = "OSM.0002"
	CodeForbidden       = "OSM.0003"
	CodeGatewayAuth     = "APIGW.0301"
	CodeGatewayThrottle = "APIGW.0308"
	CodeGatewayNoAPI    = "APIGW.0101"
)

// kindFor classifies an answer by its HTTP status and error_code.
func kindFor(httpStatus int, code string) ErrorKind {
	switch code {
	case CodeGatewayAuth, CodeNotAuth:
		return KindAuth
	case CodeForbidden, CodeNoPermission:
		return KindForbidden
	case CodeCaseNotFound:
		return KindCaseNotFound
	case CodeGatewayThrottle:
		return KindThrottled
	case CodeGatewayNoAPI:
		return KindNotFound
	}
	switch {
	case httpStatus == 401:
		return KindAuth
	case httpStatus == 403:
		return KindForbidden
	case httpStatus == 404:
		return KindNotFound
	case httpStatus == 429:
		return KindThrottled
	case httpStatus >= 500:
		return KindServer
	case httpStatus >= 400:
		return KindBadRequest
	case httpStatus >= 200 && httpStatus < 300:
		return KindService
	}
	return KindUnexpected
}

// Sanitize makes untrusted text safe to quote in one line of a diagnostic:
// at most maxBytes bytes of input, invalid UTF-8 and control characters
// replaced by U+FFFD, and "..." appended when something was cut.
func Sanitize(s string, maxBytes int) string {
	cut := false
	if len(s) > maxBytes {
		s = s[:maxBytes]
		cut = true
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size <= 1 {
			if cut && !utf8.FullRuneInString(s) {
				break // a rune split by the cut: drop it
			}
			b.WriteRune(utf8.RuneError)
		} else if unicode.IsControl(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteRune(r)
		}
		s = s[size:]
	}
	if cut {
		b.WriteString("...")
	}
	return b.String()
}
