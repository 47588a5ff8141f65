package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var _ function.Function = (*isClosedFunction)(nil)

// NewIsClosedFunction returns provider::servicerequest::is_closed.
func NewIsClosedFunction() function.Function { return &isClosedFunction{} }

type isClosedFunction struct{}

func (f *isClosedFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "is_closed"
}

func (f *isClosedFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Whether a service ticket status number is terminal",
		MarkdownDescription: "Returns whether a service ticket status number is terminal, so the ticket will not move " +
			"again on its own: true for " + closedList() + ", false for every other number in range. " +
			"It is the same rule as the `closed` attribute of `servicerequest_case_status`. " +
			fmt.Sprintf("A number that is not a whole number from %d to %d is an error. Requires Terraform 1.8 or later.",
				osm.MinStatus, osm.MaxStatus),
		Parameters: []function.Parameter{statusParameter()},
		Return:     function.BoolReturn{},
	}
}

func (f *isClosedFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	s, ok := statusArgument(ctx, req, resp)
	if !ok {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, s.Closed()))
}
