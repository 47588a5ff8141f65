package main

import "testing"

// TestExports_printTheTokenQuoted: the fake prints the token it accepts
// (it is a fake's), quoted for the shell when it needs it.
func TestExports_printTheTokenQuoted(t *testing.T) {
	for token, want := range map[string]string{
		"demo-token": "export HW_OSM_ENDPOINT=http://127.0.0.1:1234 HW_AUTH_TOKEN=demo-token",
		"a b$'c":     `export HW_OSM_ENDPOINT=http://127.0.0.1:1234 HW_AUTH_TOKEN='a b$'\''c'`,
		"":           "export HW_OSM_ENDPOINT=http://127.0.0.1:1234 HW_AUTH_TOKEN=''",
	} {
		if got := exports("http://127.0.0.1:1234", token); got != want {
			t.Errorf("exports(%q) = %s, want %s", token, got, want)
		}
	}
}
