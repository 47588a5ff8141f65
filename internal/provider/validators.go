package provider

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// checkValidator adapts one of the osm package's checks, so that what the
// schema accepts is exactly what the client will put on the wire.
type checkValidator struct {
	check func(string) error
	desc  string
}

var _ validator.String = checkValidator{}

func (v checkValidator) Description(context.Context) string         { return v.desc }
func (v checkValidator) MarkdownDescription(context.Context) string { return v.desc }

func (v checkValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path,
			fmt.Sprintf("Invalid %s value", req.Path),
			fmt.Sprintf("The value of %s %s. Expected %s.", req.Path, err, v.desc))
	}
}

// headerValue validates a value that is sent as an HTTP header.
func headerValue(maxLen int) validator.String {
	return checkValidator{
		check: func(s string) error { return osm.ValidateHeaderValue(s, maxLen) },
		desc:  fmt.Sprintf("1 to %d characters with no control characters (CR, LF, NUL, TAB ...) and no leading or trailing spaces", maxLen),
	}
}

// caseID validates a service ticket ID.
func caseID() validator.String {
	return checkValidator{
		check: osm.ValidateCaseID,
		desc:  fmt.Sprintf(`a ticket ID of 1 to %d characters with no control characters, other than "." and ".."`, osm.CaseIDMaxLength),
	}
}

// endpointURL validates the service base URL.
func endpointURL() validator.String {
	return checkValidator{
		check: func(s string) error { _, err := osm.ParseEndpoint(s); return err },
		desc:  `an absolute http(s) URL such as "https://osm.cn-south-1.myhuaweicloud.com", optionally with a path prefix`,
	}
}

// languageOverride and timeZoneOverride are the data sources' per-read
// overrides of the provider's headers; what names the tickets they cover.
func languageOverride(what string) dsschema.StringAttribute {
	return headerOverride("language", "X-Language", what, osm.LanguageMaxLength)
}

func timeZoneOverride(what string) dsschema.StringAttribute {
	return headerOverride("time_zone", "X-Time-Zone", what, osm.TimeZoneMaxLength)
}

func headerOverride(attr, header, what string, maxLen int) dsschema.StringAttribute {
	return dsschema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Overrides the provider's `%s` (`%s` header) for %s. 1 to %d characters.",
			attr, header, what, maxLen),
		Optional:   true,
		Validators: []validator.String{headerValue(maxLen)},
	}
}

// durationRangeValidator checks a Go duration string within bounds; max 0
// means no upper bound, and why, when set, says why the minimum is there.
type durationRangeValidator struct {
	min, max time.Duration
	why      string
}

var _ validator.String = durationRangeValidator{}

func durationBetween(lo, hi time.Duration) validator.String {
	return durationRangeValidator{min: lo, max: hi}
}

// durationAtLeast accepts any duration from least up; why completes "it
// must be at least <least>".
func durationAtLeast(least time.Duration, why string) validator.String {
	return durationRangeValidator{min: least, why: why}
}

func (v durationRangeValidator) Description(context.Context) string {
	if v.max == 0 {
		return fmt.Sprintf(`a duration such as "30s" or "2m", at least %s`, osm.FormatDuration(v.min))
	}
	return fmt.Sprintf(`a duration such as "500ms", "1s" or "2m" from %s to %s`, osm.FormatDuration(v.min), osm.FormatDuration(v.max))
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
			fmt.Sprintf("The value of %s, %q, is not a duration. Expected %s.", req.Path,
				osm.Sanitize(req.ConfigValue.ValueString(), 64), v.Description(ctx)))
	case d < v.min && v.why != "":
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
			fmt.Sprintf("The value of %s, %s, is too short: it must be at least %s, %s.", req.Path, d, osm.FormatDuration(v.min), v.why))
	case d < v.min || (v.max > 0 && d > v.max):
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
			fmt.Sprintf("The value of %s, %s, is out of range. Expected %s.", req.Path, d, v.Description(ctx)))
	}
}

// positiveFloat accepts finite numbers greater than 0.
type positiveFloat struct{}

var _ validator.Float64 = positiveFloat{}

func (positiveFloat) Description(context.Context) string { return "a number greater than 0" }
func (v positiveFloat) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveFloat) ValidateFloat64(_ context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if f := req.ConfigValue.ValueFloat64(); !(f > 0) || math.IsInf(f, 0) {
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
			fmt.Sprintf("The value of %s must be a number greater than 0, got %v. Leave it unset for no limit.", req.Path, f))
	}
}

// statusSet checks that every element of a set of numbers is a status:
// a whole number in 0..20. The elements are numbers rather than int64 so
// that a fraction gets this message instead of a conversion error.
type statusSet struct{}

func (statusSet) Description(context.Context) string {
	return fmt.Sprintf("every element a whole number from %d to %d", osm.MinStatus, osm.MaxStatus)
}

func (v statusSet) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (statusSet) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		n, ok := e.(types.Number)
		if !ok || n.IsNull() || n.IsUnknown() {
			continue
		}
		if _, err := statusFromNumber(n.ValueBigFloat()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
				fmt.Sprintf("In %s, %s. List status numbers such as [3] (Completed) or [2, 3].", req.Path, err))
		}
	}
}

// timeoutDuration checks that timeouts.read is a duration, in the words of
// its description; ValidateConfig checks that it is positive.
type timeoutDuration struct{}

func (timeoutDuration) Description(context.Context) string {
	return "a positive duration such as \"45m\" or \"2h\" (units s, m, h)"
}

func (v timeoutDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v timeoutDuration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if _, err := time.ParseDuration(value); err == nil {
		return
	}
	hint := ""
	if n := strings.TrimSpace(value); strings.Trim(n, "0123456789.") == "" {
		if _, err := strconv.ParseFloat(n, 64); err == nil {
			hint = fmt.Sprintf(" A number needs a unit: %q is %s seconds, %q %s minutes.", n+"s", n, n+"m", n)
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s value", req.Path),
		fmt.Sprintf("The value of %s, %q, is not a duration. Expected %s.%s",
			req.Path, osm.Sanitize(value, 64), v.Description(ctx), hint))
}
