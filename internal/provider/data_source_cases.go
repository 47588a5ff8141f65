package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var (
	_ datasource.DataSource                   = (*casesDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*casesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*casesDataSource)(nil)
)

// NewCasesDataSource returns the servicerequest_cases data source.
func NewCasesDataSource() datasource.DataSource { return &casesDataSource{} }

type casesDataSource struct {
	data *providerData
}

type casesModel struct {
	Statuses      types.Set    `tfsdk:"statuses"`
	Search        types.List   `tfsdk:"search"`
	CaseID        types.String `tfsdk:"case_id"`
	LabelIDs      types.Set    `tfsdk:"label_ids"`
	CreatedAfter  types.String `tfsdk:"created_after"`
	CreatedBefore types.String `tfsdk:"created_before"`
	GroupID       types.String `tfsdk:"group_id"`
	SubUserID     types.String `tfsdk:"sub_user_id"`
	SubUserName   types.String `tfsdk:"sub_user_name"`
	MaxResults    types.Int64  `tfsdk:"max_results"`
	Language      types.String `tfsdk:"language"`
	TimeZone      types.String `tfsdk:"time_zone"`
	ID            types.String `tfsdk:"id"`
	Cases         types.List   `tfsdk:"cases"`
	TotalCount    types.Int64  `tfsdk:"total_count"`
	Truncated     types.Bool   `tfsdk:"truncated"`
	Counts        types.Map    `tfsdk:"counts"`
}

func (d *casesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cases"
}

// rfc3339 validates an RFC 3339 time in the configuration.
func rfc3339() validator.String {
	return checkValidator{
		check: func(s string) error {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return fmt.Errorf("is not an RFC 3339 time")
			}
			return nil
		},
		desc: `an RFC 3339 time such as "2026-11-30T10:00:00+08:00" or "2026-11-30T02:00:00Z" (plantimestamp() and timeadd() return one)`,
	}
}

func (d *casesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	empty := " Empty when the service sends none."
	item := map[string]schema.Attribute{
		"id":                 computedString("The case ID (`incident_id`)."),
		"description":        computedString("The ticket's short description." + empty),
		"type_name":          computedString("Name of the ticket type, in the request's language." + empty),
		"business_type_name": computedString("Name of the problem type." + empty),
		"product_category":   computedString("Name of the product category (`product_category_name`)." + empty),
		"service_type":       computedString("Service type (`incident_service_type`)." + empty),
		"root_cause":         computedString("Which party the problem was attributed to." + empty),
		"resolution":         computedString("The resolution text." + empty),
		"customer_id":        computedString("ID of the account that owns the ticket." + empty),
		"sub_user_id":        computedString("ID of the IAM user who created the ticket." + empty),
		"sub_user_name":      computedString("Name of the IAM user who created the ticket." + empty),
		"region_name":        computedString("Name of the region (`dc_name`)." + empty),
		"labels": schema.ListNestedAttribute{
			MarkdownDescription: "The ticket's labels.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":    computedInt("Label ID."),
				"name":  computedString("Label name."),
				"color": computedString("Colour ID of the label."),
			}},
		},
	}
	for k, v := range statusAttributes() {
		item[k] = v
	}
	timeSchema(item, "created_at", "When the ticket was created")
	timeSchema(item, "confirmed_at", "When the ticket's result was confirmed (`confirmed_time`)")
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Searches the account's Huawei Cloud service tickets with "+
			"`GET /v2/servicerequest/cases`, reading %d tickets a request: the first page gives the total and the "+
			"following pages are read concurrently (the provider's `max_concurrency`). With several `statuses` it runs one "+
			"search per status and merges them, newest first. Every filter is optional; all given filters apply together.",
			osm.PageSize),
		Attributes: map[string]schema.Attribute{
			"statuses": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("Only tickets in one of these statuses (%d to %d; see `status`). The service "+
					"filters on one status a request, so each status is one search. Empty or unset: every status.", osm.MinStatus, osm.MaxStatus),
				ElementType: types.Int64Type,
				Optional:    true,
				Validators:  []validator.Set{setvalidator.ValueInt64sAre(int64validator.Between(osm.MinStatus, osm.MaxStatus))},
			},
			"search": schema.ListAttribute{
				MarkdownDescription: fmt.Sprintf("Keywords the short description must match (`search_key`), at most %d, "+
					"each 1 to %d characters.", osm.MaxSearchKeywords, osm.SearchKeywordMaxLength),
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{listvalidator.SizeAtMost(osm.MaxSearchKeywords),
					listvalidator.ValueStringsAre(headerValue(osm.SearchKeywordMaxLength))},
			},
			"case_id": schema.StringAttribute{
				MarkdownDescription: "Only the ticket with this ID (`incident_id`).",
				Optional:            true,
				Validators:          []validator.String{caseID()},
			},
			"label_ids": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("Only tickets with one of these label IDs (`label_id_list`), at most %d.", osm.MaxSearchLabels),
				ElementType:         types.Int64Type,
				Optional:            true,
				Validators: []validator.Set{setvalidator.SizeAtMost(osm.MaxSearchLabels),
					setvalidator.ValueInt64sAre(int64validator.Between(0, math.MaxInt32))},
			},
			"created_after": schema.StringAttribute{
				MarkdownDescription: "Only tickets created at or after this RFC 3339 time (`query_start_time`). It is sent to the " +
					"second, converted to the request's time zone in the service's `yyyy-MM-dd HH:mm:ss` format.",
				Optional:   true,
				Validators: []validator.String{rfc3339()},
			},
			"created_before": schema.StringAttribute{
				MarkdownDescription: "Only tickets created at or before this RFC 3339 time (`query_end_time`), sent like `created_after`.",
				Optional:            true,
				Validators:          []validator.String{rfc3339()},
			},
			"group_id": groupIDAttribute("searching the tickets"),
			"sub_user_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only tickets created by the IAM user with this ID (`x_customer_id`), 1 to %d characters.", osm.GroupIDMaxLength),
				Optional:            true,
				Validators:          []validator.String{headerValue(osm.GroupIDMaxLength)},
			},
			"sub_user_name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only tickets created by the IAM user with this name (`x_customer_name`), 1 to %d characters.", osm.GroupIDMaxLength),
				Optional:            true,
				Validators:          []validator.String{headerValue(osm.GroupIDMaxLength)},
			},
			"max_results": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most tickets to return, 1 to %d; default %d. Each %d tickets cost one request "+
					"(per status when several are given). When more tickets match, `truncated` is `true`.",
					osm.MaxMaxResults, osm.DefaultMaxResults, osm.PageSize),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, osm.MaxMaxResults)},
			},
			"language":  languageOverride("this search"),
			"time_zone": timeZoneOverride("this search; the creation window is sent in it and the times of the answer are read in it"),
			"id":        computedString("A stable hash (SHA-256, hex) of the filters."),
			"cases": schema.ListNestedAttribute{
				MarkdownDescription: "The tickets found, at most `max_results`, in the service's order (newest first when several `statuses` were searched).",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: item},
			},
			"total_count": computedInt("How many tickets match, as the service reported it (`total_count`, summed over the statuses): more than `length(cases)` when `truncated`."),
			"truncated":   schema.BoolAttribute{MarkdownDescription: "Whether `max_results` cut the list: more tickets match than `cases` holds.", Computed: true},
			"counts": schema.MapAttribute{
				MarkdownDescription: "Number of tickets in `cases` per `status_name`. Every documented status name and `" +
					osm.UnknownStatusName + "` is present, with 0 when no ticket has it.",
				ElementType: types.Int64Type,
				Computed:    true,
			},
		},
	}
}

func (d *casesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataOf(req, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

// ValidateConfig refuses a creation window that ends before it starts.
func (d *casesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var after, before types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("created_after"), &after)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("created_before"), &before)...)
	if after.IsNull() || after.IsUnknown() || before.IsNull() || before.IsUnknown() {
		return
	}
	a, err1 := time.Parse(time.RFC3339, after.ValueString())
	b, err2 := time.Parse(time.RFC3339, before.ValueString())
	if err1 == nil && err2 == nil && b.Before(a) {
		resp.Diagnostics.AddAttributeError(path.Root("created_before"), "Invalid creation window",
			fmt.Sprintf("created_before (%s) is before created_after (%s): no ticket could match. Swap them or widen the window.",
				before.ValueString(), after.ValueString()))
	}
}

func (d *casesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m casesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || notConfigured(d.data, &resp.Diagnostics) {
		return
	}
	q := osm.SearchQuery{
		CaseID: m.CaseID.ValueString(), GroupID: m.GroupID.ValueString(),
		SubUserID: m.SubUserID.ValueString(), SubUserName: m.SubUserName.ValueString(),
		MaxResults: int(m.MaxResults.ValueInt64()),
	}
	var statuses, labels []int64
	resp.Diagnostics.Append(m.Statuses.ElementsAs(ctx, &statuses, false)...)
	resp.Diagnostics.Append(m.LabelIDs.ElementsAs(ctx, &labels, false)...)
	resp.Diagnostics.Append(m.Search.ElementsAs(ctx, &q.Keywords, false)...)
	slices.Sort(statuses) // a stable id whatever the set's order
	slices.Sort(labels)
	for _, s := range statuses {
		q.Statuses = append(q.Statuses, osm.Status(s))
	}
	q.LabelIDs = labels
	for p, v := range map[*time.Time]types.String{&q.CreatedAfter: m.CreatedAfter, &q.CreatedBefore: m.CreatedBefore} {
		if !v.IsNull() {
			*p, _ = time.Parse(time.RFC3339, v.ValueString()) // validated by the schema
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	res, err := d.data.client.SearchCases(ctx, q, osm.RequestOptions{Language: m.Language.ValueString(), TimeZone: m.TimeZone.ValueString()})
	if err != nil {
		addReadError(&resp.Diagnostics, err, "Searching the service tickets", path.Root("time_zone"), m.GroupID.IsNull())
		return
	}

	// A search returns up to 10,000 tickets of 22 attributes: the state is
	// built as tftypes values directly, as servicerequest_case_statuses
	// does, instead of through attr.Values converted afterwards.
	var cfg map[string]tftypes.Value
	if err := req.Config.Raw.As(&cfg); err != nil {
		resp.Diagnostics.AddError("Cannot read the configuration",
			"Decoding the configuration failed: "+err.Error()+". Please report this issue to the provider developers.")
		return
	}
	stateType, _ := resp.State.Schema.Type().TerraformType(ctx).(tftypes.Object)
	listType, _ := stateType.AttributeTypes["cases"].(tftypes.List)
	caseType, _ := listType.ElementType.(tftypes.Object)
	labelsType, _ := caseType.AttributeTypes["labels"].(tftypes.List)
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	tm := func(t osm.Timestamp) (tftypes.Value, tftypes.Value) {
		switch {
		case t.OK:
			return str(t.RFC3339()), str("")
		case t.Raw != "":
			return tftypes.NewValue(tftypes.String, nil), str(t.Raw)
		}
		// Every null costs the framework a schema lookup after Read:
		// *_raw is "" rather than null.
		return tftypes.NewValue(tftypes.String, nil), str("")
	}

	raw := rawTimes{zone: res.Zone, zerr: res.ZoneErr}
	counts := map[string]int64{osm.UnknownStatusName: 0}
	for _, s := range osm.KnownStatuses() {
		counts[s.Name()] = 0
	}
	items := make([]tftypes.Value, 0, len(res.Cases))
	for i, c := range res.Cases {
		counts[c.Status.Name()]++
		vals := map[string]tftypes.Value{
			"status":      tftypes.NewValue(tftypes.Number, int64(c.Status)),
			"status_name": str(c.Status.Name()),
			"closed":      tftypes.NewValue(tftypes.Bool, c.Status.Closed()),
			"id":          str(c.CaseID), "description": str(c.Description), "type_name": str(c.TypeName),
			"business_type_name": str(c.BusinessTypeName), "product_category": str(c.ProductCategory),
			"service_type": str(c.ServiceType), "root_cause": str(c.RootCause), "resolution": str(c.Resolution),
			"customer_id": str(c.CustomerID), "sub_user_id": str(c.SubUserID), "sub_user_name": str(c.SubUserName),
			"region_name": str(c.RegionName),
		}
		vals["created_at"], vals["created_at_raw"] = tm(c.CreatedAt)
		vals["confirmed_at"], vals["confirmed_at_raw"] = tm(c.ConfirmedAt)
		raw.note(fmt.Sprintf("cases[%d].created_at of %s", i, c.CaseID), c.CreatedAt, true)
		raw.note(fmt.Sprintf("cases[%d].confirmed_at of %s", i, c.CaseID), c.ConfirmedAt, true)
		lbs := make([]tftypes.Value, 0, len(c.Labels))
		for _, l := range c.Labels {
			lbs = append(lbs, tftypes.NewValue(labelsType.ElementType, map[string]tftypes.Value{
				"id": tftypes.NewValue(tftypes.Number, l.ID), "name": str(l.Name), "color": str(l.Color),
			}))
		}
		vals["labels"] = tftypes.NewValue(labelsType, lbs)
		items = append(items, tftypes.NewValue(caseType, vals))
	}
	countVals := make(map[string]tftypes.Value, len(counts))
	for k, v := range counts {
		countVals[k] = tftypes.NewValue(tftypes.Number, v)
	}
	state := maps.Clone(cfg)
	state["id"] = str(queryHash(q, m.Language.ValueString(), m.TimeZone.ValueString()))
	state["cases"] = tftypes.NewValue(listType, items)
	state["total_count"] = tftypes.NewValue(tftypes.Number, int64(res.TotalCount))
	state["truncated"] = tftypes.NewValue(tftypes.Bool, res.Truncated)
	state["counts"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, countVals)
	if err := tftypes.ValidateValue(stateType, state); err != nil {
		resp.Diagnostics.AddError("Cannot build the state",
			"The state does not match the schema: "+err.Error()+". Please report this issue to the provider developers.")
		return
	}
	raw.warn(&resp.Diagnostics)
	resp.State.Raw = tftypes.NewValue(stateType, state)
}

// queryHash is a stable ID for a search: the SHA-256 of its filters.
func queryHash(q osm.SearchQuery, language, timeZone string) string {
	b, _ := json.Marshal(struct {
		Q        osm.SearchQuery
		Language string
		TimeZone string
	}{q, language, timeZone})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
