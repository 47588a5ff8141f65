package osm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Documented length limits, counted in characters (Unicode code points).
const (
	CaseIDMaxLength   = 64
	TokenMaxLength    = 5000
	LanguageMaxLength = 32
	TimeZoneMaxLength = 32
)

// Defaults the service applies when a header is absent; the client sends
// them explicitly so that what goes on the wire is never a guess.
const (
	DefaultLanguage = "zh-cn"
	DefaultTimeZone = "GMT+8"
)

// ValidateHeaderValue checks a value that will be sent as an HTTP header:
// 1..maxLen characters, valid UTF-8 and no control characters (CR, LF, NUL,
// TAB, DEL, C1 ...), so it can never split or smuggle a header. The error
// never quotes the value: header values may be secrets.
func ValidateHeaderValue(value string, maxLen int) error {
	if err := checkText(value, maxLen); err != nil {
		return err
	}
	if strings.TrimSpace(value) != value {
		return errors.New("must not start or end with white space")
	}
	return nil
}

// ValidateCaseID checks a service ticket ID: 1..64 characters, valid UTF-8,
// no control characters, and not a dot segment ("." or ".."), which a proxy
// could resolve into another path. Anything else is path-escaped into a
// single segment by the client.
func ValidateCaseID(id string) error {
	if err := checkText(id, CaseIDMaxLength); err != nil {
		return err
	}
	if id == "." || id == ".." {
		return errors.New(`must not be "." or ".."`)
	}
	return nil
}

func checkText(value string, maxLen int) error {
	if value == "" {
		return errors.New("must not be empty")
	}
	if !utf8.ValidString(value) {
		return errors.New("must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(value); n > maxLen {
		return fmt.Errorf("must be at most %d characters long, got %d", maxLen, n)
	}
	for i, r := range value {
		if unicode.IsControl(r) {
			return fmt.Errorf("must not contain control characters (found %U at byte %d)", r, i)
		}
	}
	return nil
}

// ParseEndpoint checks and normalises the service base URL: an absolute
// https URL with a host, optionally a path prefix, and no user information,
// query or fragment; plain http only for a loopback host, since every
// request carries credentials (a token, or a security token and signature).
// A trailing slash is dropped.
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := parseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return nil, errors.New(`must start with "https://": every request carries the credentials, which plain "http://" would send in cleartext (it is accepted only for a loopback address such as 127.0.0.1)`)
	}
	return u, nil
}

// parseBaseURL checks and normalises an absolute http or https base URL.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("must not be empty")
	}
	for _, r := range raw {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return nil, errors.New("must not contain white space or control characters")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("is not a valid URL (%v); write it as https://host[:port][/path]", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New(`must be an absolute URL starting with "https://", such as https://host[:port][/path]`)
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("must include a host name")
	case u.User != nil:
		return nil, errors.New("must not include user information; configure credentials with the provider's authentication attributes")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("must not include a query string")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("must not include a fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}
