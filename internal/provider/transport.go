package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// The reliability and transport settings: retries, timeouts, TLS trust.

// Environment variables of the transport settings, named as the Huawei
// Cloud provider names them.
const (
	EnvMaxRetries = "HW_MAX_RETRIES"
	EnvInsecure   = "HW_INSECURE"
)

// Limits of the transport settings.
const (
	maxRetriesLimit   = 20
	retryDelayLimit   = time.Hour
	minRequestTimeout = 10 * time.Millisecond
	maxRequestTimeout = time.Hour
)

// transportModel is embedded in providerModel.
type transportModel struct {
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RetryMinDelay  types.String `tfsdk:"retry_min_delay"`
	RetryMaxDelay  types.String `tfsdk:"retry_max_delay"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	CACertFile     types.String `tfsdk:"ca_cert_file"`
	CACertPEM      types.String `tfsdk:"ca_cert_pem"`
	Insecure       types.Bool   `tfsdk:"insecure"`
}

// withTransportAttributes adds the transport settings to the provider's
// schema attributes.
func withTransportAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["max_retries"] = schema.Int64Attribute{
		MarkdownDescription: fmt.Sprintf("How many times a failed request is retried: after a connection failure "+
			"(refused, reset, closed or cut before a complete answer, no answer within `request_timeout`) or an "+
			"HTTP 429, 500, 502, 503 or 504 answer. Other answers (other 4xx, 501, a TLS verification failure, "+
			"an HTTP 200 with an `error_code`) are never retried. `0` disables retries. "+
			"Falls back to the `%s` environment variable, then `%d`. 0 to %d.",
			EnvMaxRetries, osm.DefaultMaxRetries, maxRetriesLimit),
		Optional:   true,
		Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
	}
	attrs["retry_min_delay"] = schema.StringAttribute{
		MarkdownDescription: "Shortest wait before a retry, as a duration such as `500ms`, `1s` or `2m`. " +
			"Retry *n* waits a random time (full jitter) between `retry_min_delay` and " +
			"min(`retry_max_delay`, `retry_min_delay` × 2<sup>n</sup>), unless a 429 or 503 answer carries " +
			"`Retry-After` (seconds or an HTTP date): then that, capped by `retry_max_delay`. " +
			fmt.Sprintf("Defaults to `%s`. `0s` to `%s`, and at most `retry_max_delay`.", fmtDuration(osm.DefaultRetryMinDelay), fmtDuration(retryDelayLimit)),
		Optional:   true,
		Validators: []validator.String{durationBetween(0, retryDelayLimit)},
	}
	attrs["retry_max_delay"] = schema.StringAttribute{
		MarkdownDescription: "Longest wait before a retry, `Retry-After` included, as a duration such as `30s`. " +
			fmt.Sprintf("Defaults to `%s`. `0s` to `%s`. ", fmtDuration(osm.DefaultRetryMaxDelay), fmtDuration(retryDelayLimit)) +
			"When only this is set and it is shorter than the default `retry_min_delay`, the minimum is lowered to it.",
		Optional:   true,
		Validators: []validator.String{durationBetween(0, retryDelayLimit)},
	}
	attrs["request_timeout"] = schema.StringAttribute{
		MarkdownDescription: "Time limit of each attempt, from sending the request to the end of the answer's body, " +
			"as a duration such as `10s`. An attempt that runs out of time is retried like a connection failure. " +
			fmt.Sprintf("Defaults to `%s`. `%s` to `%s`. ", fmtDuration(osm.DefaultRequestTimeout), fmtDuration(minRequestTimeout), fmtDuration(maxRequestTimeout)) +
			"Whatever the settings, Terraform's cancellation (Ctrl-C) stops a read at once.",
		Optional:   true,
		Validators: []validator.String{durationBetween(minRequestTimeout, maxRequestTimeout)},
	}
	attrs["ca_cert_file"] = schema.StringAttribute{
		MarkdownDescription: "Path of a PEM file of CA certificates to trust, in addition to the system's, " +
			"for an endpoint whose certificate a private CA issued (or a TLS-inspecting proxy). " +
			"Conflicts with `ca_cert_pem`. Not set by default.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("ca_cert_pem"))},
	}
	attrs["ca_cert_pem"] = schema.StringAttribute{
		MarkdownDescription: "PEM-encoded CA certificates to trust, in addition to the system's (see `ca_cert_file`). " +
			"Only `CERTIFICATE` blocks are accepted. Conflicts with `ca_cert_file`. Not set by default.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("ca_cert_file"))},
	}
	attrs["insecure"] = schema.BoolAttribute{
		MarkdownDescription: "Skips the verification of the endpoint's TLS certificate. **Insecure**: anyone on the " +
			"network path can then read the token. Every use adds a warning to Terraform's output. " +
			"Prefer `ca_cert_file` or `ca_cert_pem`. " +
			"Falls back to the `" + EnvInsecure + "` environment variable (`true` or `false`), then `false`.",
		Optional: true,
	}
	return attrs
}

// transportSettings are the resolved transport settings of a provider.
type transportSettings struct {
	maxRetries int
	minDelay   time.Duration
	maxDelay   time.Duration
	timeout    time.Duration
	caPEM      []byte
	insecure   bool
	insecureBy string // "attribute" or the environment variable
}

// resolveTransport applies configuration over environment over defaults and
// reports any problem against the attribute it concerns.
func resolveTransport(m transportModel, diags *diag.Diagnostics) transportSettings {
	s := transportSettings{
		maxRetries: osm.DefaultMaxRetries,
		minDelay:   osm.DefaultRetryMinDelay,
		maxDelay:   osm.DefaultRetryMaxDelay,
		timeout:    osm.DefaultRequestTimeout,
	}
	unknown := map[string]bool{
		"max_retries": m.MaxRetries.IsUnknown(), "retry_min_delay": m.RetryMinDelay.IsUnknown(),
		"retry_max_delay": m.RetryMaxDelay.IsUnknown(), "request_timeout": m.RequestTimeout.IsUnknown(),
		"ca_cert_file": m.CACertFile.IsUnknown(), "ca_cert_pem": m.CACertPEM.IsUnknown(), "insecure": m.Insecure.IsUnknown(),
	}
	for _, name := range []string{"max_retries", "retry_min_delay", "retry_max_delay", "request_timeout", "ca_cert_file", "ca_cert_pem", "insecure"} {
		if unknown[name] {
			diags.AddAttributeError(path.Root(name), "Unknown "+name+" value",
				"The provider cannot be configured with a "+name+" that is only known after apply. "+
					"Use a value known at plan time, or leave it unset to use the environment variable or the default.")
		}
	}
	if diags.HasError() {
		return s
	}

	// max_retries: attribute, HW_MAX_RETRIES, default.
	if !m.MaxRetries.IsNull() {
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	} else if v, ok := os.LookupEnv(EnvMaxRetries); ok && strings.TrimSpace(v) != "" {
		checkSetting(diags, "max_retries", EnvMaxRetries, func() error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 || n > maxRetriesLimit {
				return fmt.Errorf("must be a whole number from 0 to %d, got %q", maxRetriesLimit, osm.Sanitize(v, 40))
			}
			s.maxRetries = n
			return nil
		})
	}

	// insecure: attribute, HW_INSECURE, default false.
	if !m.Insecure.IsNull() {
		s.insecure, s.insecureBy = m.Insecure.ValueBool(), "attribute"
	} else if v, ok := os.LookupEnv(EnvInsecure); ok && strings.TrimSpace(v) != "" {
		checkSetting(diags, "insecure", EnvInsecure, func() error {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf(`must be "true" or "false", got %q`, osm.Sanitize(v, 40))
			}
			s.insecure, s.insecureBy = b, EnvInsecure
			return nil
		})
	}

	// Durations: the schema validated their form and range.
	for _, d := range []struct {
		v   types.String
		dst *time.Duration
	}{{m.RetryMinDelay, &s.minDelay}, {m.RetryMaxDelay, &s.maxDelay}, {m.RequestTimeout, &s.timeout}} {
		if !d.v.IsNull() {
			if parsed, err := time.ParseDuration(d.v.ValueString()); err == nil {
				*d.dst = parsed
			}
		}
	}
	if s.minDelay > s.maxDelay {
		if m.RetryMinDelay.IsNull() {
			s.minDelay = s.maxDelay
		} else {
			diags.AddAttributeError(path.Root("retry_min_delay"), "Invalid retry_min_delay value",
				fmt.Sprintf("retry_min_delay (%s) is longer than retry_max_delay (%s). Lower retry_min_delay or raise retry_max_delay.",
					s.minDelay, s.maxDelay))
		}
	}

	// TLS trust.
	switch {
	case !m.CACertFile.IsNull():
		file := m.CACertFile.ValueString()
		b, err := os.ReadFile(file)
		if err != nil {
			diags.AddAttributeError(path.Root("ca_cert_file"), "Cannot read ca_cert_file",
				fmt.Sprintf("Reading the CA certificate file failed: %v. Check the path and its permissions.", unwrapPathError(err)))
			break
		}
		if _, err := osm.ParseCertificatesPEM(b); err != nil {
			diags.AddAttributeError(path.Root("ca_cert_file"), "Invalid ca_cert_file value",
				fmt.Sprintf("The file %q %s. It must hold one or more PEM \"CERTIFICATE\" blocks.", file, err))
			break
		}
		s.caPEM = b
	case !m.CACertPEM.IsNull():
		b := []byte(m.CACertPEM.ValueString())
		if _, err := osm.ParseCertificatesPEM(b); err != nil {
			diags.AddAttributeError(path.Root("ca_cert_pem"), "Invalid ca_cert_pem value",
				fmt.Sprintf("The ca_cert_pem value %s. It must hold one or more PEM \"CERTIFICATE\" blocks.", err))
			break
		}
		s.caPEM = b
	}
	return s
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// insecureWarning is added by Configure and by every read while TLS
// verification is off, so that it cannot be forgotten.
func (s transportSettings) insecureWarning(diags *diag.Diagnostics) {
	if !s.insecure {
		return
	}
	summary := "TLS certificate verification is disabled"
	detail := "The provider does not verify the Service Ticket API's certificate, so anyone on the network path " +
		"can impersonate the service and read the token. "
	if s.insecureBy == "attribute" {
		diags.AddAttributeWarning(path.Root("insecure"), summary, detail+
			"Remove insecure = true from the provider block; to trust a private CA, set ca_cert_file or ca_cert_pem instead.")
		return
	}
	diags.AddWarning(summary, detail+"It was disabled by the "+s.insecureBy+
		" environment variable. Unset it; to trust a private CA, set ca_cert_file or ca_cert_pem in the provider block instead.")
}

// addWarnings adds the warnings every data source read repeats.
func (d *providerData) addWarnings(diags *diag.Diagnostics) {
	d.transport.insecureWarning(diags)
}

// describeAttempts adds to an error's text how often the request was
// tried, so that an exhausted retry reads as such.
func describeAttempts(e *osm.Error) string {
	if e.Attempts <= 1 || e.Kind == osm.KindCanceled {
		return ""
	}
	return fmt.Sprintf(" All %d attempts failed and the error above is the last answer; "+
		"max_retries, retry_min_delay and retry_max_delay set how long the provider keeps trying.", e.Attempts)
}

// transportHint says what to change for a connection failure that the
// settings can fix.
func transportHint(e *osm.Error) string {
	var (
		hostErr    x509.HostnameError
		certErr    *tls.CertificateVerificationError
		timeoutErr interface{ Timeout() bool }
	)
	switch {
	case errors.As(e.Err, &hostErr):
		return " The endpoint's TLS certificate is not valid for its host name: check the endpoint."
	case errors.As(e.Err, &certErr):
		return " The endpoint's TLS certificate could not be verified. If a private CA (or a TLS-inspecting proxy) " +
			"issued it, set ca_cert_file or ca_cert_pem in the provider block."
	case errors.As(e.Err, &timeoutErr) && timeoutErr.Timeout():
		return " The service did not answer in time; raise request_timeout (and max_retries) if it is slow."
	}
	return ""
}

// durationRangeValidator checks a Go duration string within bounds.
type durationRangeValidator struct{ min, max time.Duration }

var _ validator.String = durationRangeValidator{}

func durationBetween(lo, hi time.Duration) validator.String {
	return durationRangeValidator{min: lo, max: hi}
}

func (v durationRangeValidator) Description(context.Context) string {
	return fmt.Sprintf(`a duration such as "500ms", "1s" or "2m" from %s to %s`, fmtDuration(v.min), fmtDuration(v.max))
}

func (v durationRangeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationRangeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
			fmt.Sprintf("The value of %s is not a duration. Expected %s.", req.Path, v.Description(ctx)))
	case d < v.min || d > v.max:
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
			fmt.Sprintf("The value of %s, %s, is out of range. Expected %s.", req.Path, d, v.Description(ctx)))
	}
}

// fmtDuration renders d as a user would type it: 1h rather than 1h0m0s.
func fmtDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
