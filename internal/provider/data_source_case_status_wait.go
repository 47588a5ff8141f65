package provider

// Waiting for a status on servicerequest_case_status: the wait_for_statuses
// and poll_interval attributes, the timeouts block, their validation and the
// read that polls through osm.Client.WaitForStatus.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// Waiting defaults and limits.
const (
	DefaultPollInterval = 30 * time.Second
	MinPollInterval     = time.Second
	DefaultWaitTimeout  = 20 * time.Minute
)

var _ datasource.DataSourceWithValidateConfig = (*caseStatusDataSource)(nil)

// caseStatusWaitModel holds the waiting settings; caseStatusModel embeds it.
type caseStatusWaitModel struct {
	WaitForStatuses types.Set      `tfsdk:"wait_for_statuses"`
	PollInterval    types.String   `tfsdk:"poll_interval"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// addWaitSchema adds the waiting attributes and the timeouts block.
func addWaitSchema(ctx context.Context, s *schema.Schema) {
	s.MarkdownDescription += " With `wait_for_statuses`, the read polls until the ticket reaches one of the given statuses."
	s.Attributes["wait_for_statuses"] = schema.SetAttribute{
		ElementType: types.NumberType,
		MarkdownDescription: fmt.Sprintf("When set, the read polls the ticket until its status is one of these numbers "+
			"(each %d to %d; for example `[3]` waits until the ticket is Completed), then returns it. "+
			"Waiting stops at once with an error if the ticket reaches a terminal status (%s) that is not in the set, "+
			"since waiting longer cannot help, and with a timeout error after `timeouts.read` (default `%s`). "+
			"Server errors, throttling and connection failures while polling are logged as warnings and polling goes on "+
			"until the timeout; any other error (credentials, permission, ticket not found) ends the wait at once. "+
			"Each poll logs its status at INFO level: run `TF_LOG_PROVIDER=INFO terraform plan` to see the provider's "+
			"lines alone (`TF_LOG=INFO` shows them too, among Terraform's own). Unset by default: the status is read once. "+
			"A data source is read at every plan and refresh, so each of them waits.",
			osm.MinStatus, osm.MaxStatus, closedList(), osm.FormatDuration(DefaultWaitTimeout)),
		Optional:   true,
		Validators: []validator.Set{statusSet{}},
	}
	s.Attributes["poll_interval"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Pause between two polls while waiting for `wait_for_statuses`, as a duration "+
			"such as `30s`, `2m` or `1h` (units `s`, `m`, `h`). Default `%s`, at least `%s`. "+
			"Has no effect without `wait_for_statuses`.", osm.FormatDuration(DefaultPollInterval), osm.FormatDuration(MinPollInterval)),
		Optional:   true,
		Validators: []validator.String{durationAtLeast(MinPollInterval, "so that polling does not hammer the API")},
	}
	if s.Blocks == nil {
		s.Blocks = map[string]schema.Block{}
	}
	block := timeouts.BlockWithOpts(ctx, timeouts.Opts{
		ReadDescription: fmt.Sprintf("How long the read may take in all, polls and pauses included, as a duration such as "+
			"`45m` or `2h` (units `s`, `m`, `h`); must be positive. Default `%s` when `wait_for_statuses` is set; "+
			"otherwise it bounds the single request when set.", osm.FormatDuration(DefaultWaitTimeout)),
	})
	if b, ok := block.(schema.SingleNestedBlock); ok {
		b.MarkdownDescription = "Time limits of the read. Only `read` is supported."
		// The timeouts package sets only the plain Description; the
		// registry docs and the schema-description test read the markdown one.
		// Its validator answers a bad value with Go's duration syntax
		// ("-1.5h", "ns", "us"), which contradicts this description; ours
		// says what the description says.
		if read, ok := b.Attributes["read"].(schema.StringAttribute); ok {
			read.MarkdownDescription = read.Description
			read.Validators = []validator.String{timeoutDuration{}}
			b.Attributes["read"] = read
		}
		block = b
	}
	s.Blocks["timeouts"] = block
}

// readTimeoutSetting returns the configured timeouts.read, if it is set and
// known; err is set when it is not a duration.
func readTimeoutSetting(v timeouts.Value) (d time.Duration, set bool, err error) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false, nil
	}
	r, ok := v.Attributes()["read"].(types.String)
	if !ok || r.IsNull() || r.IsUnknown() {
		return 0, false, nil
	}
	d, err = time.ParseDuration(r.ValueString())
	return d, true, err
}

// ValidateConfig checks what the attribute validators cannot see alone.
func (d *caseStatusDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m caseStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	w := m.caseStatusWaitModel
	if !w.WaitForStatuses.IsNull() && !w.WaitForStatuses.IsUnknown() && len(w.WaitForStatuses.Elements()) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("wait_for_statuses"), "Empty wait_for_statuses",
			"wait_for_statuses lists no status, so the wait could never end. List the statuses to wait for, "+
				"for example [3] for Completed, or remove the attribute to read the status once without waiting.")
	}
	if !w.PollInterval.IsNull() && w.WaitForStatuses.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("poll_interval"), "poll_interval has no effect",
			"poll_interval is the pause between polls while waiting, and this data source does not wait: "+
				"set wait_for_statuses, or remove poll_interval.")
	}
	timeout, set, err := readTimeoutSetting(w.Timeouts)
	if set && err == nil && timeout <= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("timeouts").AtName("read"), "Invalid timeouts.read value",
			fmt.Sprintf("timeouts.read is %s; it must be %s.", timeout, timeoutDuration{}.Description(ctx)))
	}
	if set && err == nil && timeout > 0 && !w.WaitForStatuses.IsNull() && !w.PollInterval.IsNull() && !w.PollInterval.IsUnknown() {
		if interval, err := time.ParseDuration(w.PollInterval.ValueString()); err == nil && interval >= timeout {
			resp.Diagnostics.AddAttributeWarning(path.Root("poll_interval"), "poll_interval is not shorter than timeouts.read",
				fmt.Sprintf("poll_interval (%s) is not shorter than timeouts.read (%s), so the ticket is polled only once "+
					"and the wait then times out. Shorten poll_interval or raise timeouts.read.", interval, timeout))
		}
	}
}

// fetchStatus reads the status once, or polls until wait_for_statuses. The
// outcomes of waiting (timeout, terminal status, cancellation, an error that
// ends the wait) are added to diags; the error returned is that of a single
// read, for the caller to describe.
func (d *caseStatusDataSource) fetchStatus(ctx context.Context, m *caseStatusModel, id string, opts osm.RequestOptions, diags *diag.Diagnostics) (osm.Status, error) {
	w := m.caseStatusWaitModel
	if w.WaitForStatuses.IsNull() {
		timeout, set, err := readTimeoutSetting(w.Timeouts)
		if err != nil || !set {
			return d.data.client.CaseStatus(ctx, id, opts)
		}
		tctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		s, err := d.data.client.CaseStatus(tctx, id, opts)
		if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
			diags.AddError("Timed out reading the service ticket status",
				fmt.Sprintf("Reading the status of case %q did not finish within timeouts.read (%s). "+
					"Raise timeouts.read, or check the endpoint and network access to it.", id, timeout))
			return 0, nil
		}
		return s, err
	}

	var targets []osm.Status
	for _, v := range w.WaitForStatuses.Elements() {
		n, ok := v.(types.Number)
		var s osm.Status
		err := fmt.Errorf("got %v", v)
		if ok && !n.IsNull() && !n.IsUnknown() {
			s, err = statusFromNumber(n.ValueBigFloat())
		}
		if err != nil {
			diags.AddAttributeError(path.Root("wait_for_statuses"), "Invalid wait_for_statuses value",
				fmt.Sprintf("In wait_for_statuses, %s.", err))
			return 0, nil
		}
		targets = append(targets, s)
	}
	interval := DefaultPollInterval
	if !w.PollInterval.IsNull() {
		var err error
		if interval, err = time.ParseDuration(w.PollInterval.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("poll_interval"), "Invalid poll_interval value", err.Error())
			return 0, nil
		}
	}
	timeout, tdiags := w.Timeouts.Read(ctx, DefaultWaitTimeout)
	diags.Append(tdiags...)
	if diags.HasError() {
		return 0, nil
	}

	s, err := d.data.client.WaitForStatus(ctx, id, opts, osm.WaitOptions{Targets: targets, Interval: interval, Timeout: timeout})
	var we *osm.WaitError
	if !errors.As(err, &we) {
		return s, err
	}
	settings := fmt.Sprintf("poll_interval %s, timeouts.read %s", osm.FormatDuration(interval), osm.FormatDuration(timeout))
	switch we.Reason {
	case osm.WaitTimedOut:
		diags.AddError("Timed out waiting for the service ticket status",
			fmt.Sprintf("%s (%s).\n\nThe ticket has not reached a status in wait_for_statuses in time. "+
				"Raise timeouts.read if it may take longer, or follow up on the ticket.", upperFirst(we.Error()), settings))
	case osm.WaitTerminal:
		diags.AddAttributeError(path.Root("wait_for_statuses"), "Service ticket reached a terminal status",
			fmt.Sprintf("%s.\n\nIf %s is an acceptable outcome, add %d to wait_for_statuses; otherwise follow up on the ticket.",
				upperFirst(we.Error()), we.Last, int(we.Last)))
	case osm.WaitCanceled:
		diags.AddError("Waiting for the service ticket status was canceled", upperFirst(we.Error())+".")
	default:
		summary, detail := describeError(we.Err, id)
		polls := "1 poll"
		if we.Polls != 1 {
			polls = fmt.Sprintf("%d polls", we.Polls)
		}
		detail += fmt.Sprintf("\n\nThis ended the wait for %s after %s and %s (%s): "+
			"the error is not transient, so polling again would fail the same way.",
			osm.StatusList(we.Targets), osm.FormatDuration(we.Waited), polls, settings)
		if osm.IsKind(we.Err, osm.KindCaseNotFound) {
			diags.AddAttributeError(path.Root("case_id"), summary, detail)
		} else {
			diags.AddError(summary, detail)
		}
	}
	return 0, nil
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
