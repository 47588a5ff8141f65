package osm

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Redaction of secrets from the text the client quotes or logs.
//
// The client quotes what a server sent (the start of an unexpected body,
// error_msg, X-Request-Id, a transport error that repeats a malformed
// answer) in its errors and log lines. A proxy or web application firewall
// may reflect request headers into such text ("<pre>Offending header
// X-Auth-Token: ..."), so the client removes every secret it knows from it:
// the configured token, secret key, security token and password, every
// token a password login minted, and an agency's temporary keys. The rule, for every secret:
//
//  1. the whole secret, wherever it appears, whatever its length;
//  2. every run of at least RedactRunBytes (16) bytes of it, wherever it
//     appears: the rest of a token a page wrapped onto its next line, or
//     the part of one a proxy truncated itself;
//  3. a prefix of at least RedactPrefixBytes (8) bytes of it that ends
//     where the text ends or where a cut mark ("..." or "…") follows: what
//     a quote cut at its length limit leaves ("X-Auth-Token: MIIZRQYJ...").
//
// Shorter runs in the middle of text are kept on purpose: passwords are
// often made of words, and matching every 8-byte run would blank ordinary
// text (a wrong password "my password" would hide " password" in IAM's
// "The username or password is wrong."), while 8 to 15 bytes from the
// middle of a token or key cannot be used. A false match of rules 2 and 3
// hides only a few bytes of quoted text.
//
// Each secret is also matched in the escaped forms in which quoted text
// carries it: Go-quoted (%q, as errors and log fields quote bodies) and
// HTML-escaped (as a block page shows a header).

// The lengths of the redaction rule above.
const (
	RedactRunBytes    = 16
	RedactPrefixBytes = 8
)

// Redacted replaces a secret, or part of one, in quoted text.
const Redacted = "(redacted)"

// cutMarks are what a quote cut at its length limit ends with: Sanitize's
// "..." and the ellipsis some servers use.
var cutMarks = []string{"...", "…"}

// Secrets is a set of secret values to remove from quoted text. The zero
// value and nil are empty sets. It is safe for concurrent use: a password
// login adds each token it mints while other goroutines redact.
type Secrets struct {
	mu    sync.RWMutex
	seen  map[string]bool                   // every value added, escaped forms included
	short []string                          // values shorter than RedactRunBytes: rule 1
	runs  map[[RedactRunBytes]byte]struct{} // every RedactRunBytes-byte run of the longer values: rules 1 and 2
	heads []string                          // the first RedactRunBytes-1 bytes (at most) of values of RedactPrefixBytes or more: rule 3
	also  []*Secrets                        // further sets redacted with this one (joinSecrets)
}

// NewSecrets returns a set holding values (empty ones are ignored).
func NewSecrets(values ...string) *Secrets {
	s := &Secrets{}
	s.Add(values...)
	return s
}

// Add puts values into the set; empty values are ignored. Add is safe to
// call while other goroutines redact.
func (s *Secrets) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v == "" {
			continue
		}
		// The forms a secret takes when a server echoes it: as it is, in
		// JSON (a reflected request body: "&" becomes \u0026), HTML-escaped,
		// and each of those Go-quoted once more by an error's %q.
		for _, form := range []string{v, jsonString(v), html.EscapeString(v)} {
			quoted := strconv.Quote(form)
			s.addLocked(form)
			s.addLocked(quoted[1 : len(quoted)-1])
		}
	}
}

// jsonString is v as encoding/json writes it inside a string, without the
// quotes.
func jsonString(v string) string {
	b, err := json.Marshal(v)
	if err != nil || len(b) < 2 {
		return v
	}
	return string(b[1 : len(b)-1])
}

func (s *Secrets) addLocked(v string) {
	if s.seen[v] {
		return
	}
	if s.seen == nil {
		s.seen, s.runs = map[string]bool{}, map[[RedactRunBytes]byte]struct{}{}
	}
	s.seen[v] = true
	if len(v) >= RedactPrefixBytes {
		s.heads = append(s.heads, v[:min(len(v), RedactRunBytes-1)])
	}
	if len(v) < RedactRunBytes {
		s.short = append(s.short, v)
		return
	}
	for i := 0; i+RedactRunBytes <= len(v); i++ {
		s.runs[[RedactRunBytes]byte([]byte(v[i:i+RedactRunBytes]))] = struct{}{}
	}
}

// Redact returns text with every secret of the set, and the parts of one
// the rule above names, replaced by Redacted. Adjacent matches become one
// Redacted; a match is widened to whole UTF-8 sequences so that the result
// stays valid UTF-8 when text was.
func (s *Secrets) Redact(text string) string {
	if s == nil || text == "" {
		return text
	}
	text = s.redactOwn(text)
	for _, o := range s.also {
		text = o.Redact(text)
	}
	return text
}

func (s *Secrets) redactOwn(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.seen) == 0 {
		return text
	}
	var hit []bool // the bytes to redact, allocated on the first match
	mark := func(i, j int) {
		if hit == nil {
			hit = make([]bool, len(text))
		}
		for i > 0 && !utf8.RuneStart(text[i]) {
			i-- // widen to whole UTF-8 sequences
		}
		for j < len(text) && !utf8.RuneStart(text[j]) {
			j++
		}
		for ; i < j; i++ {
			hit[i] = true
		}
	}
	if len(s.runs) > 0 {
		var key [RedactRunBytes]byte
		for i := 0; i+RedactRunBytes <= len(text); i++ {
			copy(key[:], text[i:])
			if _, ok := s.runs[key]; ok {
				mark(i, i+RedactRunBytes)
			}
		}
	}
	for _, v := range s.short {
		for from := 0; ; {
			k := strings.Index(text[from:], v)
			if k < 0 {
				break
			}
			mark(from+k, from+k+len(v))
			from += k + len(v)
		}
	}
	// Rule 3: a prefix (shorter than a run, else rule 2 caught it) that
	// ends at a cut.
	cut := func(p int) {
		for _, h := range s.heads {
			for k := min(len(h), p); k >= RedactPrefixBytes; k-- {
				if text[p-k:p] == h[:k] {
					mark(p-k, p)
					break
				}
			}
		}
	}
	cut(len(text))
	for _, m := range cutMarks {
		for from := 0; ; {
			k := strings.Index(text[from:], m)
			if k < 0 {
				break
			}
			cut(from + k)
			from += k + len(m)
		}
	}
	if hit == nil {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && hit[j] == hit[i] {
			j++
		}
		if hit[i] {
			b.WriteString(Redacted)
		} else {
			b.WriteString(text[i:j])
		}
		i = j
	}
	return b.String()
}

// secretKeeper is implemented by the Authenticators of this package: the
// secrets they put on the wire or mint, which the Client redacts.
type secretKeeper interface{ Secrets() *Secrets }

func secretsOf(a Authenticator) *Secrets {
	if k, ok := a.(secretKeeper); ok {
		return k.Secrets()
	}
	return nil
}

// joinSecrets returns a set that redacts with every one of sets (nil ones
// skipped), or nil if there is none.
func joinSecrets(sets ...*Secrets) *Secrets {
	var out []*Secrets
	for _, s := range sets {
		dup := s == nil
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return &Secrets{also: out}
}

// RedactError returns err with every text it quotes redacted: for *Error
// and *LoginError a copy whose quoted fields (code, message, title,
// reason, body snippet, request id, cause) are redacted, so that a shared
// error is never changed; for any other error whose text holds a secret, an
// error with the redacted text that unwraps to err. errors.Is and
// errors.As keep working on the result.
func (s *Secrets) RedactError(err error) error {
	out, _ := s.redactError(err)
	return out
}

// redactError is RedactError, and whether anything was redacted. It
// never compares errors, some of which are not comparable.
func (s *Secrets) redactError(err error) (error, bool) {
	if s == nil || err == nil {
		return err, false
	}
	changed := false
	red := func(f *string) {
		if r := s.Redact(*f); r != *f {
			*f, changed = r, true
		}
	}
	switch e := err.(type) {
	case *Error:
		c := *e
		for _, f := range []*string{&c.Code, &c.Message, &c.Reason, &c.Snippet, &c.RequestID} {
			red(f)
		}
		var cause bool
		c.Err, cause = s.redactError(c.Err)
		if !changed && !cause {
			return err, false // nothing to redact: keep the error as it is
		}
		return &c, true
	case *LoginError:
		c := *e
		for _, f := range []*string{&c.Code, &c.Message, &c.Title, &c.Reason, &c.Snippet, &c.RequestID} {
			red(f)
		}
		var cause bool
		c.Err, cause = s.redactError(c.Err)
		if !changed && !cause {
			return err, false
		}
		return &c, true
	}
	text := err.Error()
	if r := s.Redact(text); r != text {
		return &redactedError{text: r, err: err}, true
	}
	return err, false
}

// redactedError is an error whose text held a secret.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// RedactFields returns a copy of a log line's fields with every string,
// error and fmt.Stringer value redacted (as a string); other values, such
// as numbers, are copied as they are.
func (s *Secrets) RedactFields(fields map[string]any) map[string]any {
	if s == nil || len(fields) == 0 {
		return fields
	}
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch x := v.(type) {
		case string:
			out[k] = s.Redact(x)
		case error:
			out[k] = s.Redact(x.Error())
		case fmt.Stringer:
			out[k] = s.Redact(x.String())
		default:
			out[k] = v
		}
	}
	return out
}

// Logger returns a Logger that passes every line to next with its message
// and fields redacted; next nil discards (without redacting for nothing).
func (s *Secrets) Logger(next Logger) Logger {
	if next == nil {
		return nopLogger{}
	}
	return &redactingLogger{secrets: s, next: next}
}

type redactingLogger struct {
	secrets *Secrets
	next    Logger
}

func (l *redactingLogger) Log(ctx context.Context, level Level, msg string, fields map[string]any) {
	l.next.Log(ctx, level, l.secrets.Redact(msg), l.secrets.RedactFields(fields))
}
