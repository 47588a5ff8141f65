package provider

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// The provider attributes that shape the client every data source of one
// configured provider shares: its concurrency and its request rate.

func maxConcurrencyAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: fmt.Sprintf("Most requests in flight at once, shared by every data source of this provider "+
			"configuration (a `servicerequest_case_statuses` batch and singular reads alike). Default `%d`; "+
			"1 to %d. When the API throttles (HTTP 429, `APIGW.0308`), the provider pauses every request for the "+
			"`Retry-After` the gateway asks for, halves the concurrency, and raises it again gradually.",
			osm.DefaultMaxConcurrency, osm.MaxMaxConcurrency),
		Optional:   true,
		Validators: []validator.Int64{int64validator.Between(1, osm.MaxMaxConcurrency)},
	}
}

func maxRequestsPerSecondAttribute() schema.Float64Attribute {
	return schema.Float64Attribute{
		MarkdownDescription: "Most requests per second the provider sends, shared by every data source of this " +
			"provider configuration. A number greater than 0, such as `50` or `0.5`; unset means no limit other than " +
			"`max_concurrency`. The API gateway's documented default limit is 200 calls per second per API.",
		Optional:   true,
		Validators: []validator.Float64{positiveFloat{}},
	}
}

// scaleSettings reads max_concurrency and max_requests_per_second; zero
// means the client's default.
func scaleSettings(maxConc types.Int64, rps types.Float64, diags *diag.Diagnostics) (int, float64) {
	if maxConc.IsUnknown() {
		diags.AddAttributeError(path.Root("max_concurrency"), "Unknown max_concurrency value",
			"The provider cannot be configured with a max_concurrency that is only known after apply. Use a value known at plan time, or leave it unset for the default.")
	}
	if rps.IsUnknown() {
		diags.AddAttributeError(path.Root("max_requests_per_second"), "Unknown max_requests_per_second value",
			"The provider cannot be configured with a max_requests_per_second that is only known after apply. Use a value known at plan time, or leave it unset for no limit.")
	}
	return int(maxConc.ValueInt64()), rps.ValueFloat64()
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
