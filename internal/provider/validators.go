package provider

import (
	"context"
	"fmt"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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
