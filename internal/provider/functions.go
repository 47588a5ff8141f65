package provider

// Shared by the provider functions status_name and is_closed: the status
// parameter and its conversion, with the same catalogue as the data source.

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// statusParameter is the one parameter of the status functions. It is a
// number rather than an integer so that a fraction gets this provider's
// message instead of a conversion error.
func statusParameter() function.NumberParameter {
	return function.NumberParameter{
		Name: "status",
		MarkdownDescription: fmt.Sprintf("A service ticket status number, a whole number from %d to %d, "+
			"such as the `status` attribute of `servicerequest_case_status`.", osm.MinStatus, osm.MaxStatus),
	}
}

// statusArgument reads and checks the status argument. Out-of-range or
// fractional input is a function error naming the argument.
func statusArgument(ctx context.Context, req function.RunRequest, resp *function.RunResponse) (osm.Status, bool) {
	var n types.Number
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &n))
	if resp.Error != nil {
		return 0, false
	}
	s, err := statusFromNumber(n.ValueBigFloat())
	if err != nil {
		resp.Error = function.ConcatFuncErrors(resp.Error, function.NewArgumentFuncError(0, err.Error()))
		return 0, false
	}
	return s, true
}

// statusFromNumber converts a Terraform number to a status, refusing
// anything but a whole number in 0..20.
func statusFromNumber(f *big.Float) (osm.Status, error) {
	want := fmt.Sprintf("a service ticket status must be a whole number from %d to %d", osm.MinStatus, osm.MaxStatus)
	if f == nil {
		return 0, fmt.Errorf("%s, got null", want)
	}
	if !f.IsInt() {
		return 0, fmt.Errorf("%s, got %s", want, f.Text('g', 10))
	}
	i, acc := f.Int64()
	if acc != big.Exact || i < osm.MinStatus || i > osm.MaxStatus {
		return 0, fmt.Errorf("%s, got %s", want, f.Text('g', 10))
	}
	return osm.Status(i), nil
}
