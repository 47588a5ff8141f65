package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// envOf is an environment of the given variables only.
func envOf(vars map[string]string) LookupEnv {
	return func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
}

// providerConfig is a provider block with the given attributes set and
// every other attribute null.
func providerConfig(t *testing.T, set map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var sresp provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &sresp)
	return tfsdk.Config{Schema: sresp.Schema, Raw: objectValue(t, sresp.Schema.Type().TerraformType(ctx), set)}
}

func TestResolveSettings_endpoint(t *testing.T) {
	env := envOf(map[string]string{EnvEndpoint: "https://from-env.example.com"})
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for _, tc := range []struct {
		name   string
		set    map[string]tftypes.Value
		env    LookupEnv
		want   string
		source string
	}{
		{"env", nil, env, "https://from-env.example.com", EnvEndpoint},
		{"endpoint attribute", map[string]tftypes.Value{"endpoint": str("https://attr.example.com/p/")}, env, "https://attr.example.com/p/", "attribute"},
		{"china", map[string]tftypes.Value{"site": str("china")}, env, "https://osm.cn-south-1.myhuaweicloud.com", "attribute"},
		{"international", map[string]tftypes.Value{"site": str("international")}, env, "https://osm.ap-southeast-3.myhuaweicloud.com", "attribute"},
		{"europe", map[string]tftypes.Value{"site": str("europe")}, env, "https://osm.eu-west-101.myhuaweicloud.eu", "attribute"},
		{"default", nil, envOf(nil), DefaultEndpoint, "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			s := resolveSettings(context.Background(), providerConfig(t, tc.set), tc.env, &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got := s["endpoint"]; got.value != tc.want || got.source != tc.source {
				t.Fatalf("got %q from %s, want %q from %s", got.value, got.source, tc.want, tc.source)
			}
			if _, err := osm.ParseEndpoint(s.str("endpoint")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestResolveSettings_environmentErrorsQuoteTheValue: a bad environment
// value is reported against its attribute, naming the variable, quoting the
// value (never a secret's) and saying what is expected.
func TestResolveSettings_environmentErrorsQuoteTheValue(t *testing.T) {
	for _, tc := range []struct {
		env    map[string]string
		attr   string
		want   []string
		hidden string
	}{
		{map[string]string{EnvEndpoint: "127.0.0.1:45485"}, "endpoint",
			[]string{EnvEndpoint, `"127.0.0.1:45485"`, "is not a valid URL", "https://"}, ""},
		{map[string]string{EnvEndpoint: "http://192.0.2.2:8080"}, "endpoint",
			[]string{EnvEndpoint, `"http://192.0.2.2:8080"`, "cleartext", "loopback"}, ""},
		{map[string]string{EnvMaxRetries: "many"}, "max_retries", []string{EnvMaxRetries, `"many"`, "a whole number from 0 to 20"}, ""},
		{map[string]string{EnvInsecure: "yes please"}, "insecure", []string{EnvInsecure, `"yes please"`, `"true" or "false"`}, ""},
		{map[string]string{EnvLanguage: " en-us"}, "language", nil, ""}, // trimmed: fine
		{map[string]string{EnvAuthToken: "bad\ntoken-SECRET"}, "token", []string{EnvAuthToken, "control characters"}, "SECRET"},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			var diags diag.Diagnostics
			s := resolveSettings(context.Background(), providerConfig(t, nil), envOf(tc.env), &diags)
			if s["token"].set() {
				resolveCredentials(context.Background(), s, &diags)
			}
			if tc.want == nil {
				if diags.HasError() {
					t.Fatal(diags)
				}
				return
			}
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags.Errors()[0]
			if d.Summary() != "Invalid "+tc.attr+" value" {
				t.Fatalf("summary %q", d.Summary())
			}
			for _, w := range tc.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail %q lacks %q", d.Detail(), w)
				}
			}
			if tc.hidden != "" && strings.Contains(d.Detail(), tc.hidden) {
				t.Errorf("detail %q quotes a secret", d.Detail())
			}
		})
	}
}

// TestResolveSettings_unknownValueIsOneError: an attribute known only after
// apply gets one diagnostic naming it, whatever its type.
func TestResolveSettings_unknownValueIsOneError(t *testing.T) {
	for attr, typ := range map[string]tftypes.Type{
		"token": tftypes.String, "max_retries": tftypes.Number, "insecure": tftypes.Bool, "max_requests_per_second": tftypes.Number,
	} {
		var diags diag.Diagnostics
		resolveSettings(context.Background(), providerConfig(t, map[string]tftypes.Value{attr: tftypes.NewValue(typ, tftypes.UnknownValue)}),
			envOf(nil), &diags)
		if diags.ErrorsCount() != 1 || diags.Errors()[0].Summary() != "Unknown "+attr+" value" {
			t.Errorf("%s: %v", attr, diags)
		}
	}
}

func TestLanguageWarning_onlyForUndocumentedLanguages(t *testing.T) {
	for value, warns := range map[string]int{"zh-cn": 0, "en-us": 0, "EN-US": 0, "english": 1} {
		var diags diag.Diagnostics
		languageWarning(resolved{attr: "language", value: value, source: "attribute"}, &diags)
		if len(diags.Warnings()) != warns || diags.HasError() {
			t.Errorf("%s: %v", value, diags)
		}
	}
}

// TestCredentials_environmentTokenOverridingTheBlockWarns: a token from the
// environment wins over an access key written in the block, with a warning
// naming both and the variable; the error source names where it came from.
func TestCredentials_environmentTokenOverridingTheBlockWarns(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	var diags diag.Diagnostics
	s := resolveSettings(context.Background(), providerConfig(t, map[string]tftypes.Value{
		"access_key": str("AKFROMTHEBLOCK"), "secret_key": str("sk-from-the-block"),
	}), envOf(map[string]string{EnvAuthToken: "stale-token"}), &diags)
	c := resolveCredentials(context.Background(), s, &diags)
	if c == nil || c.method != osm.SchemeToken {
		t.Fatalf("method %v, diags %v", c, diags)
	}
	ws := diags.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0].Detail(), "access_key and secret_key") || !strings.Contains(ws[0].Detail(), EnvAuthToken) {
		t.Fatalf("warnings %v", ws)
	}
	if got := c.source(); got != "token by the "+EnvAuthToken+" environment variable" {
		t.Fatalf("source %q", got)
	}
	// The same credentials all in the block: no warning.
	diags = nil
	s = resolveSettings(context.Background(), providerConfig(t, map[string]tftypes.Value{
		"token": str("block-token"), "access_key": str("AKFROMTHEBLOCK"), "secret_key": str("sk-from-the-block"),
	}), envOf(nil), &diags)
	if c := resolveCredentials(context.Background(), s, &diags); c == nil || len(diags.Warnings()) != 0 {
		t.Fatalf("block only: %v", diags)
	}
}
