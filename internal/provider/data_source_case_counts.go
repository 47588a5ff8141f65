package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var (
	_ datasource.DataSource              = (*caseCountsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*caseCountsDataSource)(nil)
)

// NewCaseCountsDataSource returns the servicerequest_case_counts data source.
func NewCaseCountsDataSource() datasource.DataSource { return &caseCountsDataSource{} }

type caseCountsDataSource struct {
	data *providerData
}

type caseCountsModel struct {
	Language types.String `tfsdk:"language"`
	TimeZone types.String `tfsdk:"time_zone"`
	Counts   types.Map    `tfsdk:"counts"`
	Open     types.Int64  `tfsdk:"open"`
	Total    types.Int64  `tfsdk:"total"`
}

func (d *caseCountsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_case_counts"
}

func (d *caseCountsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Counts the account's Huawei Cloud service tickets per status with one request, " +
			"`GET /v2/servicerequest/cases/count`, whatever the number of tickets: the cheap way to ask \"is anything still open\".",
		Attributes: map[string]schema.Attribute{
			"language":  languageOverride("this call"),
			"time_zone": timeZoneOverride("this call"),
			"counts": schema.MapAttribute{
				MarkdownDescription: "Number of tickets per status name (see `servicerequest_case_status`). Every documented status " +
					"name and `" + osm.UnknownStatusName + "` (every undocumented status together) is present, with 0 when no ticket has it.",
				ElementType: types.Int64Type,
				Computed:    true,
			},
			"open": computedInt("Number of tickets whose status is not terminal (terminal: " + closedList() +
				"). Undocumented statuses count as open."),
			"total": computedInt("Number of tickets in every status."),
		},
	}
}

func (d *caseCountsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataOf(req, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *caseCountsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m caseCountsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || notConfigured(d.data, &resp.Diagnostics) {
		return
	}
	counts, err := d.data.client.CaseCounts(ctx, osm.RequestOptions{Language: m.Language.ValueString(), TimeZone: m.TimeZone.ValueString()})
	if err != nil {
		addReadError(&resp.Diagnostics, err, "Counting the service tickets", path.Root("language"), false)
		return
	}
	byName := map[string]int64{osm.UnknownStatusName: 0}
	for _, s := range osm.KnownStatuses() {
		byName[s.Name()] = 0
	}
	for s, n := range counts {
		byName[s.Name()] += n
	}
	vals := make(map[string]attr.Value, len(byName))
	for k, v := range byName {
		vals[k] = types.Int64Value(v)
	}
	m.Counts, _ = types.MapValue(types.Int64Type, vals)
	m.Open = types.Int64Value(counts.Open())
	m.Total = types.Int64Value(counts.Total())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
