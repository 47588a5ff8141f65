package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var (
	_ datasource.DataSource              = (*caseDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*caseDataSource)(nil)
)

// NewCaseDataSource returns the servicerequest_case data source.
func NewCaseDataSource() datasource.DataSource { return &caseDataSource{} }

type caseDataSource struct {
	data *providerData
}

// statusFields are the status, status_name and closed attributes that every
// data source describing a ticket shares.
type statusFields struct {
	Status     types.Int64  `tfsdk:"status"`
	StatusName types.String `tfsdk:"status_name"`
	Closed     types.Bool   `tfsdk:"closed"`
}

func newStatusFields(s osm.Status) statusFields {
	return statusFields{types.Int64Value(int64(s)), types.StringValue(s.Name()), types.BoolValue(s.Closed())}
}

// timeSchema adds a time attribute and its *_raw companion to attrs.
func timeSchema(attrs map[string]schema.Attribute, name, what string) {
	attrs[name] = schema.StringAttribute{
		MarkdownDescription: what + ", as RFC 3339 with the offset of the request's time zone (`time_zone`), for example " +
			"`2026-11-30T10:00:00+08:00`, so that `timecmp()` and `plantimestamp()` comparisons are right. " +
			"Null when the service sent none or sent a time the provider cannot read (then `" + name + "_raw` holds it).",
		Computed: true,
	}
	attrs[name+"_raw"] = schema.StringAttribute{
		MarkdownDescription: "The service's text of `" + name + "` when the provider could not read it as a time (a warning says so); " +
			"empty otherwise (an empty string rather than null keeps large searches cheap to plan).",
		Computed: true,
	}
}

// timeValues renders a timestamp as the value of a time attribute and of
// its *_raw companion.
func timeValues(t osm.Timestamp) (types.String, types.String) {
	switch {
	case t.OK:
		return types.StringValue(t.RFC3339()), types.StringValue("")
	case t.Raw != "":
		return types.StringNull(), types.StringValue(t.Raw)
	}
	return types.StringNull(), types.StringValue("")
}

// rawTimes collects the time attributes that were kept raw, for one warning.
type rawTimes struct {
	fields []string
	zone   string
	zerr   error
}

// note records the attribute at where when t was not readable; quote adds
// the raw text to the warning (never for sensitive attributes).
func (r *rawTimes) note(where string, t osm.Timestamp, quote bool) {
	if t.OK || t.Raw == "" {
		return
	}
	if quote {
		where += fmt.Sprintf(" (%q)", t.Raw)
	}
	r.fields = append(r.fields, where)
}

func (r *rawTimes) warn(diags *diag.Diagnostics) {
	if len(r.fields) == 0 {
		return
	}
	const most = 10
	list := r.fields
	more := ""
	if len(list) > most {
		more = fmt.Sprintf("\n  ... and %d more", len(list)-most)
		list = list[:most]
	}
	detail := "The service sent times the provider could not read; each is kept as text in the attribute with the " +
		"same name and a _raw suffix, and the time attribute is null:\n  " + strings.Join(list, "\n  ") + more
	if r.zerr != nil {
		detail += fmt.Sprintf("\n\nThe time zone of the request, %q, is not one the provider can interpret (%s), so times "+
			"without an offset could not be placed. Set time_zone to a value such as \"GMT+8\", \"GMT-3:30\", \"UTC\" or "+
			"an IANA name such as \"Asia/Shanghai\".", r.zone, r.zerr)
	} else {
		detail += "\n\nIf the service changed its time format, please report this issue to the provider developers."
	}
	diags.AddWarning("Some ticket times could not be read", detail)
}

// describeReadError is describeError (diagnostics.go) for any read: what
// names the read ("Reading the details of case \"CS-1\"").
func describeReadError(err error, what string) (summary, detail string) {
	const marker = "\x00"
	summary, detail = describeError(err, marker)
	detail = strings.ReplaceAll(detail, fmt.Sprintf("Reading the status of case %q", marker), what)
	if summary == "Reading the service ticket status was canceled" {
		summary = "Reading service tickets was canceled"
	}
	return summary, detail
}

type caseModel struct {
	CaseID         types.String `tfsdk:"case_id"`
	GroupID        types.String `tfsdk:"group_id"`
	Language       types.String `tfsdk:"language"`
	TimeZone       types.String `tfsdk:"time_zone"`
	IncludeHistory types.Bool   `tfsdk:"include_history"`
	ID             types.String `tfsdk:"id"`
	statusFields
	Description           types.String `tfsdk:"description"`
	TypeName              types.String `tfsdk:"type_name"`
	BusinessTypeName      types.String `tfsdk:"business_type_name"`
	SeverityName          types.String `tfsdk:"severity_name"`
	SourceName            types.String `tfsdk:"source_name"`
	RegionName            types.String `tfsdk:"region_name"`
	CustomerID            types.String `tfsdk:"customer_id"`
	SubUserID             types.String `tfsdk:"sub_user_id"`
	SubUserName           types.String `tfsdk:"sub_user_name"`
	BusinessOwnership     types.Int64  `tfsdk:"business_ownership"`
	BusinessOwnershipName types.String `tfsdk:"business_ownership_name"`
	Judgement             types.String `tfsdk:"judgement"`
	CreatedAt             types.String `tfsdk:"created_at"`
	CreatedAtRaw          types.String `tfsdk:"created_at_raw"`
	ResolvedAt            types.String `tfsdk:"resolved_at"`
	ResolvedAtRaw         types.String `tfsdk:"resolved_at_raw"`
	Satisfaction          types.List   `tfsdk:"satisfaction"`
	Messages              types.List   `tfsdk:"messages"`
	MessageCount          types.Int64  `tfsdk:"message_count"`
	History               types.List   `tfsdk:"history"`
}

var (
	satisfactionType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"id": types.Int64Type, "name": types.StringType, "value": types.Int64Type, "total_score": types.Int64Type,
		"per_step": types.Int64Type, "dimension_id": types.StringType, "dimension_name": types.StringType,
	}}
	messageType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"id": types.StringType, "from": types.StringType, "author_id": types.StringType, "author_name": types.StringType,
		"content": types.StringType, "created_at": types.StringType, "created_at_raw": types.StringType,
		"attachments": types.ListType{ElemType: types.StringType},
	}}
	historyType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"id": types.StringType, "operation_type": types.Int64Type, "operation_name": types.StringType,
		"operator_type": types.Int64Type, "operator_id": types.StringType, "operator_name": types.StringType,
		"description": types.StringType, "time": types.StringType, "time_raw": types.StringType,
	}}
)

func (d *caseDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_case"
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

func computedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
}

// groupIDAttribute is the optional group_id of the reads of other group
// members' tickets.
func groupIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("ID of the IAM user group, needed when %s another member of the group created. "+
			"1 to %d characters.", what, osm.GroupIDMaxLength),
		Optional:   true,
		Validators: []validator.String{headerValue(osm.GroupIDMaxLength)},
	}
}

func ownershipList() string {
	var parts []string
	for n := range int64(3) {
		parts = append(parts, fmt.Sprintf("`%d` %s", n, osm.BusinessOwnershipName(n)))
	}
	return strings.Join(parts, ", ")
}

func operationList() string {
	var parts []string
	for _, n := range osm.OperationCodes() {
		parts = append(parts, fmt.Sprintf("`%d` %s", n, osm.OperationName(n)))
	}
	return strings.Join(parts, ", ")
}

func (d *caseDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	empty := " Empty when the service sends none."
	attrs := map[string]schema.Attribute{
		"case_id": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("ID of the service ticket, 1 to %d characters with no control characters.", osm.CaseIDMaxLength),
			Required:            true,
			Validators:          []validator.String{caseID()},
		},
		"group_id":  groupIDAttribute("the ticket is one"),
		"language":  languageOverride("this ticket"),
		"time_zone": timeZoneOverride("this ticket; the times of the answer are read in it"),
		"include_history": schema.BoolAttribute{
			MarkdownDescription: "When `true`, also read the ticket's operation log into `history` " +
				"(`GET /v2/servicerequest/cases/{case_id}/operate-logs`, 100 entries a request, to the end). Default `false`.",
			Optional: true,
		},
		"id":                 computedString("The case ID."),
		"description":        computedString("The ticket's short description (`simple_description`)." + empty),
		"type_name":          computedString("Name of the ticket type (`incident_type_name`), in the request's language." + empty),
		"business_type_name": computedString("Name of the problem type." + empty),
		"severity_name":      computedString("Name of the severity, as the service words it." + empty),
		"source_name":        computedString("Name of the channel the ticket came from." + empty),
		"region_name":        computedString("Name of the region (`dc_name`)." + empty),
		"customer_id":        computedString("ID of the account that owns the ticket." + empty),
		"sub_user_id":        computedString("ID of the IAM user who created the ticket (`xcustomer_id`)." + empty),
		"sub_user_name":      computedString("Name of the IAM user who created the ticket (`xcustomer_name`)." + empty),
		"business_ownership": computedInt("Who owns the business the ticket is about: " + ownershipList() +
			". Null when the service sends none."),
		"business_ownership_name": computedString("English label of `business_ownership` (`Unknown` for another value); null with it."),
		"judgement":               computedString("The customer's review text." + empty),
		"satisfaction": schema.ListNestedAttribute{
			MarkdownDescription: "The customer's ratings of the ticket.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":             computedInt("ID of the rated category (`satisfaction_id`)."),
				"name":           computedString("Name of the rated category."),
				"value":          computedInt("The rating given (`satisfaction_value`)."),
				"total_score":    computedInt("Total score (`value`); null when the service sends none."),
				"per_step":       computedInt("Points per step of the rating scale (`per_value`); null when the service sends none."),
				"dimension_id":   computedString("ID of the rating dimension."),
				"dimension_name": computedString("Name of the rating dimension."),
			}},
		},
		"messages": schema.ListNestedAttribute{
			MarkdownDescription: "The ticket's messages, oldest first as the service lists them. **Sensitive**: messages " +
				"can hold passwords, keys or personal data, so Terraform never prints them in plans or outputs (it still " +
				"stores them in the state: protect the state). Use `message_count` for conditions that need no content.",
			Computed:  true,
			Sensitive: true,
			NestedObject: schema.NestedAttributeObject{Attributes: func() map[string]schema.Attribute {
				m := map[string]schema.Attribute{
					"id":          computedString("Message ID."),
					"from":        computedString("Who wrote it: `customer`, `engineer` (Huawei Cloud) or `unknown`."),
					"author_id":   computedString("ID of the author."),
					"author_name": computedString("Name of the author."),
					"content":     computedString("The text of the message."),
					"attachments": schema.ListAttribute{
						MarkdownDescription: "Original file names of the message's attachments.",
						ElementType:         types.StringType,
						Computed:            true,
					},
				}
				timeSchema(m, "created_at", "When the message was written")
				return m
			}()},
		},
		"message_count": computedInt("Number of messages; not sensitive."),
		"history": schema.ListNestedAttribute{
			MarkdownDescription: "With `include_history = true`, the ticket's operation log in the order the service lists it; null otherwise.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: func() map[string]schema.Attribute {
				m := map[string]schema.Attribute{
					"id":             computedString("ID of the log entry."),
					"operation_type": computedInt("Operation type number; null when the service sends none. Documented: " + operationList() + "."),
					"operation_name": computedString("English label of `operation_type` (`Unknown` for an undocumented one)."),
					"operator_type":  computedInt("Operator type number as the service sends it (0 to 3; the service does not document their meanings); null when none."),
					"operator_id":    computedString("ID of who did it."),
					"operator_name":  computedString("Name of who did it."),
					"description":    computedString("The service's description of the operation."),
				}
				timeSchema(m, "time", "When it happened")
				return m
			}()},
		},
	}
	for k, v := range statusAttributes() {
		attrs[k] = v
	}
	timeSchema(attrs, "created_at", "When the ticket was created")
	timeSchema(attrs, "resolved_at", "When the ticket was resolved (`resolve_time`, epoch milliseconds on the wire)")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Huawei Cloud service ticket in full with `GET /v2/servicerequest/cases/{case_id}`: " +
			"its status, description, severity, who raised it and when, its ratings and its messages (sensitive), and " +
			"optionally its operation log. Times are read in the request's time zone and exposed as RFC 3339.",
		Attributes: attrs,
	}
}

func (d *caseDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataOf(req, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

// notConfigured reports a read before the provider was configured.
func notConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider not configured",
			"The servicerequest provider was not configured before reading data. Please report this issue to the provider developers.")
		return true
	}
	data.addWarnings(diags)
	return false
}

func int64OrNull(n *int64) types.Int64 {
	if n == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*n)
}

func (d *caseDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m caseModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || notConfigured(d.data, &resp.Diagnostics) {
		return
	}
	id, group := m.CaseID.ValueString(), m.GroupID.ValueString()
	opts := osm.RequestOptions{Language: m.Language.ValueString(), TimeZone: m.TimeZone.ValueString()}
	detail, err := d.data.client.CaseDetail(ctx, id, group, opts)
	var history []osm.LogEntry
	if err == nil && m.IncludeHistory.ValueBool() {
		history, err = d.data.client.CaseHistory(ctx, id, group, opts)
	}
	if err != nil {
		what := fmt.Sprintf("Reading the details of case %q", id)
		if detail != nil {
			what = fmt.Sprintf("Reading the operation log of case %q", id)
		}
		addReadError(&resp.Diagnostics, err, what, path.Root("case_id"), group == "")
		return
	}

	raw := rawTimes{zone: detail.Zone, zerr: detail.ZoneErr}
	m.ID = types.StringValue(id)
	m.statusFields = newStatusFields(detail.Status)
	for p, v := range map[*types.String]string{
		&m.Description: detail.Description, &m.TypeName: detail.TypeName, &m.BusinessTypeName: detail.BusinessTypeName,
		&m.SeverityName: detail.SeverityName, &m.SourceName: detail.SourceName, &m.RegionName: detail.RegionName,
		&m.CustomerID: detail.CustomerID, &m.SubUserID: detail.SubUserID, &m.SubUserName: detail.SubUserName,
		&m.Judgement: detail.Judgement,
	} {
		*p = types.StringValue(v)
	}
	m.BusinessOwnership = int64OrNull(detail.BusinessOwnership)
	m.BusinessOwnershipName = types.StringNull()
	if detail.BusinessOwnership != nil {
		m.BusinessOwnershipName = types.StringValue(osm.BusinessOwnershipName(*detail.BusinessOwnership))
	}
	m.CreatedAt, m.CreatedAtRaw = timeValues(detail.CreatedAt)
	m.ResolvedAt, m.ResolvedAtRaw = timeValues(detail.ResolvedAt)
	raw.note("created_at", detail.CreatedAt, true)
	raw.note("resolved_at", detail.ResolvedAt, true)

	var diags diag.Diagnostics
	sat := make([]attr.Value, 0, len(detail.Satisfaction))
	for _, s := range detail.Satisfaction {
		sat = append(sat, caseObject(satisfactionType, map[string]attr.Value{
			"id": types.Int64Value(s.ID), "name": types.StringValue(s.Name), "value": types.Int64Value(s.Value),
			"total_score": int64OrNull(s.TotalScore), "per_step": int64OrNull(s.PerStep),
			"dimension_id": types.StringValue(s.DimensionID), "dimension_name": types.StringValue(s.DimensionName),
		}, &diags))
	}
	msgs := make([]attr.Value, 0, len(detail.Messages))
	for i, msg := range detail.Messages {
		at, atRaw := timeValues(msg.CreatedAt)
		raw.note(fmt.Sprintf("messages[%d].created_at", i), msg.CreatedAt, false)
		files := make([]attr.Value, 0, len(msg.Attachments))
		for _, f := range msg.Attachments {
			files = append(files, types.StringValue(f))
		}
		msgs = append(msgs, caseObject(messageType, map[string]attr.Value{
			"id": types.StringValue(msg.ID), "from": types.StringValue(msg.From), "author_id": types.StringValue(msg.AuthorID),
			"author_name": types.StringValue(msg.AuthorName), "content": types.StringValue(msg.Content),
			"created_at": at, "created_at_raw": atRaw, "attachments": listValue(types.StringType, files, &diags),
		}, &diags))
	}
	m.Satisfaction = listValue(satisfactionType, sat, &diags)
	m.Messages = listValue(messageType, msgs, &diags)
	m.MessageCount = types.Int64Value(int64(len(msgs)))
	m.History = types.ListNull(historyType)
	if m.IncludeHistory.ValueBool() {
		entries := make([]attr.Value, 0, len(history))
		for i, e := range history {
			at, atRaw := timeValues(e.Time)
			raw.note(fmt.Sprintf("history[%d].time", i), e.Time, true)
			name := types.StringNull()
			if e.OperationType != nil {
				name = types.StringValue(osm.OperationName(*e.OperationType))
			}
			entries = append(entries, caseObject(historyType, map[string]attr.Value{
				"id": types.StringValue(e.ID), "operation_type": int64OrNull(e.OperationType), "operation_name": name,
				"operator_type": int64OrNull(e.OperatorType), "operator_id": types.StringValue(e.OperatorID),
				"operator_name": types.StringValue(e.OperatorName), "description": types.StringValue(e.Description),
				"time": at, "time_raw": atRaw,
			}, &diags))
		}
		m.History = listValue(historyType, entries, &diags)
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	raw.warn(&resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// addReadError adds the diagnostic of a failed read; a missing ticket points
// at the attribute that named it. noGroup adds the group_id hint to a
// permission error.
func addReadError(diags *diag.Diagnostics, err error, what string, attrPath path.Path, noGroup bool) {
	summary, detail := describeReadError(err, what)
	if osm.IsKind(err, osm.KindForbidden) && noGroup {
		detail += " If another member of your IAM user group created the ticket, set group_id."
	}
	if asOSMError(err) == nil { // data_source_case_statuses.go
		// A request the client refused to build: the configuration is wrong.
		diags.AddAttributeError(attrPath, "Invalid request", fmt.Sprintf("%s cannot be sent: %s.", what, err))
		return
	}
	if osm.IsKind(err, osm.KindCaseNotFound) {
		diags.AddAttributeError(attrPath, summary, detail)
		return
	}
	diags.AddError(summary, detail)
}

func caseObject(t types.ObjectType, vals map[string]attr.Value, diags *diag.Diagnostics) attr.Value {
	v, d := types.ObjectValue(t.AttrTypes, vals)
	diags.Append(d...)
	return v
}

func listValue(elem attr.Type, vals []attr.Value, diags *diag.Diagnostics) types.List {
	v, d := types.ListValue(elem, vals)
	diags.Append(d...)
	return v
}
