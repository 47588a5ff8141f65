package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var _ function.Function = (*statusNameFunction)(nil)

// NewStatusNameFunction returns provider::servicerequest::status_name.
func NewStatusNameFunction() function.Function { return &statusNameFunction{} }

type statusNameFunction struct{}

func (f *statusNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "status_name"
}

func (f *statusNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "English label of a service ticket status number",
		MarkdownDescription: "Returns the English label of a service ticket status number, the same label as the " +
			"`status_name` attribute of `servicerequest_case_status`: " + statusTable() + ", and `" +
			osm.UnknownStatusName + "` for any other number in range. " +
			fmt.Sprintf("A number that is not a whole number from %d to %d is an error. Requires Terraform 1.8 or later.",
				osm.MinStatus, osm.MaxStatus),
		Parameters: []function.Parameter{statusParameter()},
		Return:     function.StringReturn{},
	}
}

func (f *statusNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	s, ok := statusArgument(ctx, req, resp)
	if !ok {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, s.Name()))
}
