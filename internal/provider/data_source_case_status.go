package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var (
	_ datasource.DataSource              = (*caseStatusDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*caseStatusDataSource)(nil)
)

// NewCaseStatusDataSource returns the servicerequest_case_status data source.
func NewCaseStatusDataSource() datasource.DataSource { return &caseStatusDataSource{} }

type caseStatusDataSource struct {
	data *providerData
}

type caseStatusModel struct {
	CaseID   types.String `tfsdk:"case_id"`
	Language types.String `tfsdk:"language"`
	TimeZone types.String `tfsdk:"time_zone"`
	ID       types.String `tfsdk:"id"`
	statusFields

	caseStatusWaitModel // wait_for_statuses, poll_interval, timeouts: data_source_case_status_wait.go
}

func (d *caseStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_case_status"
}

// statusTable renders the status catalogue as a markdown list for schema
// descriptions, from the same table the client uses.
func statusTable() string {
	var parts []string
	for _, s := range osm.KnownStatuses() {
		parts = append(parts, fmt.Sprintf("`%d` %s", int(s), s.Name()))
	}
	return strings.Join(parts, ", ")
}

func closedList() string {
	var parts []string
	for _, s := range osm.KnownStatuses() {
		if s.Closed() {
			parts = append(parts, fmt.Sprintf("`%d` (%s)", int(s), s.Name()))
		}
	}
	return strings.Join(parts, ", ")
}

// statusAttributes are the schema of statusFields: the status, status_name
// and closed attributes that every data source reporting a ticket's status
// exposes.
func statusAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"status": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("The status number as the service returned it, %d to %d: %s. "+
				"Other values in range are legal and kept as they are.", osm.MinStatus, osm.MaxStatus, statusTable()),
			Computed: true,
		},
		"status_name": schema.StringAttribute{
			MarkdownDescription: "English label of `status` (`" + osm.UnknownStatusName + "` for a value with no documented meaning).",
			Computed:            true,
		},
		"closed": schema.BoolAttribute{
			MarkdownDescription: "Whether the status is terminal, so the ticket will not move again on its own: " + closedList() + ".",
			Computed:            true,
		},
	}
}

func (d *caseStatusDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := statusAttributes()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the status of one Huawei Cloud service ticket with " +
			"`GET /v2/servicerequest/cases/{case_id}/status`. The status is read at every plan and refresh, " +
			"so a `postcondition` or a `check` on it gates a plan on the ticket.",
		Attributes: map[string]schema.Attribute{
			"case_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("ID of the service ticket, 1 to %d characters with no control characters. "+
					"It is sent path-escaped as one segment of the request path.", osm.CaseIDMaxLength),
				Required:   true,
				Validators: []validator.String{caseID()},
			},
			"language":  languageOverride("this ticket"),
			"time_zone": timeZoneOverride("this ticket"),
			"id": schema.StringAttribute{
				MarkdownDescription: "The case ID.",
				Computed:            true,
			},
		},
	}
	for name, attr := range attrs {
		resp.Schema.Attributes[name] = attr
	}
	// Waiting for a status: data_source_case_status_wait.go.
	addWaitSchema(ctx, &resp.Schema)
}

func (d *caseStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataOf(req, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *caseStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m caseStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured",
			"The servicerequest provider was not configured before reading data. Please report this issue to the provider developers.")
		return
	}
	d.data.addWarnings(&resp.Diagnostics)
	id := m.CaseID.ValueString()
	// Reading once, or polling until wait_for_statuses: data_source_case_status_wait.go.
	// The outcomes of a wait arrive as diagnostics; err is a single read's.
	status, err := d.fetchStatus(ctx, &m, id, osm.RequestOptions{
		Language: m.Language.ValueString(),
		TimeZone: m.TimeZone.ValueString(),
	}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		summary, detail := describeError(err, id)
		if osm.IsKind(err, osm.KindCaseNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("case_id"), summary, detail)
		} else {
			resp.Diagnostics.AddError(summary, detail)
		}
		return
	}
	m.ID = types.StringValue(id)
	m.statusFields = newStatusFields(status)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
