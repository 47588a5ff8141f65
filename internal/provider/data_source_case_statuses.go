package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var (
	_ datasource.DataSource              = (*caseStatusesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*caseStatusesDataSource)(nil)
)

// maxListedFailures is how many failing tickets one diagnostic names; the
// rest are counted.
const maxListedFailures = 20

// NewCaseStatusesDataSource returns the servicerequest_case_statuses data source.
func NewCaseStatusesDataSource() datasource.DataSource { return &caseStatusesDataSource{} }

type caseStatusesDataSource struct {
	data *providerData
}

// statusObjectTFType is the type of each value of `statuses`.
var statusObjectTFType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"status":      tftypes.Number,
	"status_name": tftypes.String,
	"closed":      tftypes.Bool,
}}

func (d *caseStatusesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_case_statuses"
}

func (d *caseStatusesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the status of many Huawei Cloud service tickets in one data source, each with " +
			"`GET /v2/servicerequest/cases/{case_id}/status`, several at once (the provider's `max_concurrency`). " +
			"Use it instead of one `servicerequest_case_status` per ticket when a plan gates on dozens to thousands of " +
			"tickets: Terraform's own cost per data source instance, not the API, dominates such plans.",
		Attributes: map[string]schema.Attribute{
			"case_ids": schema.ListAttribute{
				MarkdownDescription: fmt.Sprintf("IDs of the service tickets: 0 to %d items, each 1 to %d characters with no "+
					"control characters. A set (such as `toset(...)`) is accepted too. Each distinct ID is read once. "+
					"An empty list sends no request and gives empty `statuses` and `missing`, every count at 0 and "+
					"`all_closed = true`, so a gate over a list that may be empty (a `for` over tickets that may not "+
					"exist yet) passes when there is nothing to wait for.",
					osm.MaxBatchSize, osm.CaseIDMaxLength),
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.List{
					listvalidator.SizeAtMost(osm.MaxBatchSize),
					listvalidator.NoNullValues(),
					listvalidator.ValueStringsAre(caseID()),
				},
			},
			"language":  languageOverride("these tickets"),
			"time_zone": timeZoneOverride("these tickets"),
			"ignore_missing": schema.BoolAttribute{
				MarkdownDescription: "When `true`, tickets that do not exist (`OSM.01010015`) are left out of `statuses` " +
					"and listed in `missing` instead of failing the read. Default `false`.",
				Optional: true,
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "A stable hash (SHA-256, hex) of the sorted distinct case IDs.",
				Computed:            true,
			},
			"statuses": schema.MapNestedAttribute{
				MarkdownDescription: "The status of each ticket, keyed by case ID.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: statusAttributes(), // data_source_case_status.go
				},
			},
			"all_closed": schema.BoolAttribute{
				MarkdownDescription: "Whether every ticket in `statuses` is closed. `true` when `case_ids` is empty, as " +
					"Terraform's `alltrue([])` is. `false` when `case_ids` lists tickets but `statuses` is empty (every " +
					"ticket missing), so that a gate on it never passes on tickets it could not read. With `ignore_missing`, " +
					"missing tickets are not counted: check `length(missing) == 0` as well if a missing ticket must block.",
				Computed: true,
			},
			"counts": schema.MapAttribute{
				MarkdownDescription: "Number of tickets per `status_name`. Every documented status name and `" +
					osm.UnknownStatusName + "` is present, with 0 when no ticket has it, so `counts[\"Processing\"]` always works.",
				ElementType: types.Int64Type,
				Computed:    true,
			},
			"missing": schema.ListAttribute{
				MarkdownDescription: "With `ignore_missing = true`, the IDs of the tickets that do not exist, in the order of " +
					"`case_ids`; otherwise empty.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

func (d *caseStatusesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataOf(req, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *caseStatusesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	// With up to 10,000 tickets, the framework's reflection over a model
	// struct of attr.Values would hold several copies of every ticket at
	// once. This reads the configuration and writes the state as tftypes
	// values directly, reusing the configured case_ids value and one shared
	// object per status value, which keeps the provider's memory flat.
	var cfg map[string]tftypes.Value
	if err := req.Config.Raw.As(&cfg); err != nil {
		resp.Diagnostics.AddError("Cannot read the configuration",
			"Decoding the configuration failed: "+err.Error()+". Please report this issue to the provider developers.")
		return
	}
	var language, timeZone types.String
	var ignoreMissingAttr types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("language"), &language)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("time_zone"), &timeZone)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ignore_missing"), &ignoreMissingAttr)...)
	ids, err := distinctIDs(cfg["case_ids"])
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("case_ids"), "Cannot read case_ids",
			"Decoding case_ids failed: "+err.Error()+". Please report this issue to the provider developers.")
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured",
			"The servicerequest provider was not configured before reading data. Please report this issue to the provider developers.")
		return
	}
	results := map[string]osm.Result{}
	if len(ids) > 0 {
		results = d.data.client.CaseStatuses(ctx, ids, osm.RequestOptions{
			Language: language.ValueString(),
			TimeZone: timeZone.ValueString(),
		})
	}

	ignoreMissing := ignoreMissingAttr.ValueBool()
	statuses := make(map[string]tftypes.Value, len(ids))
	counts := map[string]int64{osm.UnknownStatusName: 0}
	for _, s := range osm.KnownStatuses() {
		counts[s.Name()] = 0
	}
	shared := map[osm.Status]tftypes.Value{}
	missing := []tftypes.Value{}
	var failed []string
	allClosed := true
	for _, id := range ids {
		r := results[id]
		if r.Err != nil {
			if ignoreMissing && osm.IsKind(r.Err, osm.KindCaseNotFound) {
				missing = append(missing, tftypes.NewValue(tftypes.String, id))
			} else {
				failed = append(failed, id)
			}
			continue
		}
		v, ok := shared[r.Status]
		if !ok {
			v = tftypes.NewValue(statusObjectTFType, map[string]tftypes.Value{
				"status":      tftypes.NewValue(tftypes.Number, int64(r.Status)),
				"status_name": tftypes.NewValue(tftypes.String, r.Status.Name()),
				"closed":      tftypes.NewValue(tftypes.Bool, r.Status.Closed()),
			})
			shared[r.Status] = v
		}
		statuses[id] = v
		counts[r.Status.Name()]++
		allClosed = allClosed && r.Status.Closed()
	}
	if len(failed) > 0 {
		summary, detail := describeBatchFailure(ids, failed, results, ignoreMissing)
		if allKind(failed, results, osm.KindCaseNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("case_ids"), summary, detail)
		} else {
			resp.Diagnostics.AddError(summary, detail)
		}
		return
	}

	countValues := make(map[string]tftypes.Value, len(counts))
	for k, v := range counts {
		countValues[k] = tftypes.NewValue(tftypes.Number, v)
	}
	stateType := resp.State.Schema.Type().TerraformType(ctx)
	state := map[string]tftypes.Value{
		"case_ids":       cfg["case_ids"],
		"language":       cfg["language"],
		"time_zone":      cfg["time_zone"],
		"ignore_missing": cfg["ignore_missing"],
		"id":             tftypes.NewValue(tftypes.String, idsHash(ids)),
		"statuses":       tftypes.NewValue(tftypes.Map{ElementType: statusObjectTFType}, statuses),
		"all_closed":     tftypes.NewValue(tftypes.Bool, allClosed && (len(statuses) > 0 || len(ids) == 0)),
		"counts":         tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, countValues),
		"missing":        tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, missing),
	}
	if err := tftypes.ValidateValue(stateType, state); err != nil {
		resp.Diagnostics.AddError("Cannot build the state",
			"The state does not match the schema: "+err.Error()+". Please report this issue to the provider developers.")
		return
	}
	resp.State.Raw = tftypes.NewValue(stateType, state)
}

// distinctIDs returns the case ids in order of first appearance, each once.
func distinctIDs(list tftypes.Value) ([]string, error) {
	var elems []tftypes.Value
	if err := list.As(&elems); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(elems))
	seen := make(map[string]struct{}, len(elems))
	for _, e := range elems {
		var id string
		if !e.IsKnown() || e.IsNull() {
			continue
		}
		if err := e.As(&id); err != nil {
			return nil, err
		}
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// idsHash is the SHA-256 of the sorted distinct ids, one per line (an id
// cannot hold a line break: the validator refuses control characters).
func idsHash(ids []string) string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	h := sha256.New()
	for _, id := range sorted {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func allKind(ids []string, results map[string]osm.Result, k osm.ErrorKind) bool {
	for _, id := range ids {
		if !osm.IsKind(results[id].Err, k) {
			return false
		}
	}
	return true
}

// describeBatchFailure builds one diagnostic for every ticket that failed:
// each failing case id with its error (the first maxListedFailures, then a
// count of the rest), the tickets not read at all counted on one line, and
// the advice for each kind of failure once.
func describeBatchFailure(ids, failed []string, results map[string]osm.Result, ignoreMissing bool) (summary, detail string) {
	var listed, notRead []string
	for _, id := range failed {
		if osm.IsKind(results[id].Err, osm.KindCanceled) {
			notRead = append(notRead, id)
		} else {
			listed = append(listed, id)
		}
	}
	var b strings.Builder
	kinds := map[osm.ErrorKind]bool{}
	var advice []string
	firstSummary := ""
	if len(listed) > 0 {
		fmt.Fprintf(&b, "Reading %d of %d service tickets failed:\n", len(listed), len(ids))
	}
	for i, id := range listed {
		err := results[id].Err
		if i < maxListedFailures {
			fmt.Fprintf(&b, "  - %q: %s\n", id, err)
		}
		var kind osm.ErrorKind
		if e := asOSMError(err); e != nil {
			kind = e.Kind
		}
		if !kinds[kind] {
			kinds[kind] = true
			s, d := describeError(err, id)
			if firstSummary == "" {
				firstSummary = s
			}
			// describeError's detail is "what happened\n\nwhat to do".
			if _, what, ok := strings.Cut(d, "\n\n"); ok {
				advice = append(advice, what)
			}
		}
	}
	if n := len(listed) - maxListedFailures; n > 0 {
		fmt.Fprintf(&b, "  ... and %d more failed tickets.\n", n)
	}
	if len(notRead) > 0 {
		cause := results[notRead[0]].Err
		fmt.Fprintf(&b, "%d of %d tickets were not read (%s), for example %q.\n", len(notRead), len(ids), cause, notRead[0])
	}
	for _, a := range advice {
		b.WriteString("\n" + a + "\n")
	}
	if kinds[osm.KindCaseNotFound] && !ignoreMissing {
		b.WriteString("\nSet ignore_missing = true to leave out tickets that do not exist and list them in the missing attribute instead.\n")
	}
	switch {
	case len(kinds) == 1:
		summary = fmt.Sprintf("%s (%d of %d tickets)", firstSummary, len(failed), len(ids))
	case len(listed) == 0:
		summary = fmt.Sprintf("Reading %d service tickets was canceled", len(notRead))
	default:
		summary = fmt.Sprintf("Cannot read %d of %d service tickets", len(failed), len(ids))
	}
	return summary, strings.TrimRight(b.String(), "\n")
}

func asOSMError(err error) *osm.Error {
	var e *osm.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
