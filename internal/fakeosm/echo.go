package fakeosm

import (
	"net/http"
	"strings"
)

// EchoHeader returns a placeholder for the Body of a canned Response: the
// fake replaces it with the value of the request's header name, as a web
// application firewall or proxy block page that quotes the offending
// request does ("<pre>Offending header X-Auth-Token: ..."). Tests use it
// to check that the client never repeats a secret the server reflected.
func EchoHeader(name string) string { return "{{echo " + http.CanonicalHeaderKey(name) + "}}" }

// expandEcho replaces every EchoHeader placeholder in body with the value
// of that header of the request.
func expandEcho(body string, h http.Header) string {
	var b strings.Builder
	for {
		i := strings.Index(body, "{{echo ")
		j := strings.Index(body[max(i, 0):], "}}")
		if i < 0 || j < 0 {
			b.WriteString(body)
			return b.String()
		}
		b.WriteString(body[:i])
		b.WriteString(h.Get(body[i+len("{{echo ") : i+j]))
		body = body[i+j+2:]
	}
}
