package provider

// The servicerequest_wait_for_case_status action: an apply-time gate. It
// checks a ticket once, or polls it until its status is in a set, through
// the same osm.Client.WaitForStatus as the data source's wait_for_statuses,
// and fails the action (and so the apply) otherwise.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

var (
	_ action.Action                   = (*waitForCaseStatusAction)(nil)
	_ action.ActionWithConfigure      = (*waitForCaseStatusAction)(nil)
	_ action.ActionWithValidateConfig = (*waitForCaseStatusAction)(nil)
)

// NewWaitForCaseStatusAction returns the servicerequest_wait_for_case_status action.
func NewWaitForCaseStatusAction() action.Action { return &waitForCaseStatusAction{} }

type waitForCaseStatusAction struct {
	data *providerData
}

type waitForCaseStatusModel struct {
	CaseID       types.String `tfsdk:"case_id"`
	Statuses     types.Set    `tfsdk:"statuses"`
	Timeout      types.String `tfsdk:"timeout"`
	PollInterval types.String `tfsdk:"poll_interval"`
	Language     types.String `tfsdk:"language"`
	TimeZone     types.String `tfsdk:"time_zone"`
}

func (a *waitForCaseStatusAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wait_for_case_status"
}

// actionString turns a data source string attribute (the shared language
// and time_zone overrides) into the action schema's equivalent, so both
// keep one wording and one validator.
func actionString(a interface {
	GetMarkdownDescription() string
	StringValidators() []validator.String
}) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: a.GetMarkdownDescription(), Optional: true, Validators: a.StringValidators()}
}

func (a *waitForCaseStatusAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks, at apply time, that a Huawei Cloud service ticket has one of the given statuses, " +
			"or waits until it has, and fails otherwise. Triggered from a resource's " +
			"`lifecycle { action_trigger { events = [before_create, before_update] ... } }`, a failure stops the apply " +
			"before that resource is created or updated: an apply-time gate, checked when the change is made rather than " +
			"when it was planned. It can also be run on its own with `terraform apply -invoke=action.servicerequest_wait_for_case_status.NAME`. " +
			"Actions need Terraform 1.14 or later: older versions and OpenTofu reject a configuration with an `action` block, " +
			"while the provider's data sources and functions keep working there.",
		Attributes: map[string]schema.Attribute{
			"case_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("ID of the service ticket, 1 to %d characters with no control characters.", osm.CaseIDMaxLength),
				Required:            true,
				Validators:          []validator.String{caseID()},
			},
			"statuses": schema.SetAttribute{
				ElementType: types.NumberType,
				MarkdownDescription: fmt.Sprintf("The statuses that let the action succeed: status numbers, each %d to %d "+
					"(for example `[3]` for Completed, or `[2, 3]`). Statuses: %s. "+
					"If the ticket is in a terminal status (%s) that is not listed, the action fails at once, "+
					"since a closed ticket does not move on its own.", osm.MinStatus, osm.MaxStatus, statusTable(), closedList()),
				Required:   true,
				Validators: []validator.Set{statusSet{}},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long to wait for one of `statuses`, polls and pauses included, as a duration "+
					"such as `10m` or `2h` (units `s`, `m`, `h`), at least `%s`. Unset by default: the ticket is checked once "+
					"and the action fails at once if its status is not in `statuses`. When set, the action polls every "+
					"`poll_interval` and fails after `timeout` with an error naming the ticket, the last status and the time waited. "+
					"Server errors, throttling and connection failures while waiting are retried at the next poll; "+
					"any other error (credentials, permission, ticket not found) fails the action at once.", osm.FormatDuration(MinPollInterval)),
				Optional:   true,
				Validators: []validator.String{durationAtLeast(MinPollInterval, "since the action polls at least once a second")},
			},
			"poll_interval": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Pause between two polls while waiting, as a duration such as `30s` or `2m`. "+
					"Default `%s`, at least `%s`. Has no effect without `timeout`.", osm.FormatDuration(DefaultPollInterval), osm.FormatDuration(MinPollInterval)),
				Optional:   true,
				Validators: []validator.String{durationAtLeast(MinPollInterval, "so that polling does not hammer the API")},
			},
			"language":  actionString(languageOverride("this check")),
			"time_zone": actionString(timeZoneOverride("this check")),
		},
	}
}

func (a *waitForCaseStatusAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Action Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	a.data = data
}

// ValidateConfig checks what the attribute validators cannot see alone.
func (a *waitForCaseStatusAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m waitForCaseStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Statuses.IsNull() && !m.Statuses.IsUnknown() && len(m.Statuses.Elements()) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("statuses"), "Empty statuses",
			"statuses lists no status, so the action could never succeed. List the statuses that let the change through, "+
				"for example [3] for Completed.")
	}
	if !m.PollInterval.IsNull() && m.Timeout.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("poll_interval"), "poll_interval has no effect",
			"poll_interval is the pause between polls while waiting, and without timeout the action checks the ticket once: "+
				"set timeout to wait, or remove poll_interval.")
	}
	if m.PollInterval.IsNull() || m.PollInterval.IsUnknown() || m.Timeout.IsNull() || m.Timeout.IsUnknown() {
		return
	}
	interval, err1 := time.ParseDuration(m.PollInterval.ValueString())
	timeout, err2 := time.ParseDuration(m.Timeout.ValueString())
	if err1 == nil && err2 == nil && interval >= timeout {
		resp.Diagnostics.AddAttributeWarning(path.Root("poll_interval"), "poll_interval is not shorter than timeout",
			fmt.Sprintf("poll_interval (%s) is not shorter than timeout (%s), so the ticket is polled only once "+
				"and the action then times out. Shorten poll_interval or raise timeout.", interval, timeout))
	}
}

// waitSettings converts the configuration into wait options, adding a
// diagnostic for anything the validators could not check (values unknown
// at validation time).
func (m waitForCaseStatusModel) waitSettings(diags *diag.Diagnostics) osm.WaitOptions {
	o := osm.WaitOptions{Interval: DefaultPollInterval, Once: m.Timeout.IsNull()}
	for _, v := range m.Statuses.Elements() {
		n, ok := v.(types.Number)
		var s osm.Status
		err := fmt.Errorf("got %v", v)
		if ok && !n.IsNull() && !n.IsUnknown() {
			s, err = statusFromNumber(n.ValueBigFloat())
		}
		if err != nil {
			diags.AddAttributeError(path.Root("statuses"), "Invalid statuses value", fmt.Sprintf("In statuses, %s.", err))
			return o
		}
		o.Targets = append(o.Targets, s)
	}
	if len(o.Targets) == 0 {
		diags.AddAttributeError(path.Root("statuses"), "Empty statuses",
			"statuses lists no status, so the action could never succeed. List the statuses that let the change through.")
	}
	duration := func(attr string, v types.String, least time.Duration) time.Duration {
		d, err := time.ParseDuration(v.ValueString())
		if err != nil || d < least {
			diags.AddAttributeError(path.Root(attr), "Invalid "+attr+" value",
				fmt.Sprintf("The value of %s, %q, is not a duration of at least %s, such as \"30s\" or \"10m\".",
					attr, osm.Sanitize(v.ValueString(), 64), osm.FormatDuration(least)))
		}
		return d
	}
	if !m.PollInterval.IsNull() {
		o.Interval = duration("poll_interval", m.PollInterval, MinPollInterval)
	}
	if !m.Timeout.IsNull() {
		o.Timeout = duration("timeout", m.Timeout, MinPollInterval)
	}
	return o
}

// statusNames renders statuses by name for progress messages:
// "Completed", "Completed or Canceled".
func statusNames(ss []osm.Status) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name()
		if s.Name() == osm.UnknownStatusName {
			names[i] = fmt.Sprintf("status %d", int(s))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// progressMessage is the line Terraform shows for one poll:
// "Ticket CS-1 is Processing (1); waiting for Completed; 2m10s elapsed".
func progressMessage(caseID string, targets []osm.Status, once bool, p osm.Poll) string {
	elapsed := osm.FormatDuration(p.Elapsed) + " elapsed"
	want := statusNames(targets)
	switch {
	case p.Err != nil && p.Transient:
		return fmt.Sprintf("Ticket %s could not be read (%s); polling again; waiting for %s; %s", caseID, osm.Sanitize(p.Err.Error(), 200), want, elapsed)
	case p.Err != nil:
		return fmt.Sprintf("Ticket %s could not be read; %s", caseID, elapsed)
	case inStatuses(targets, p.Status):
		return fmt.Sprintf("Ticket %s is %s (%d); proceeding; %s", caseID, p.Status.Name(), int(p.Status), elapsed)
	case once:
		return fmt.Sprintf("Ticket %s is %s (%d); required %s", caseID, p.Status.Name(), int(p.Status), want)
	}
	return fmt.Sprintf("Ticket %s is %s (%d); waiting for %s; %s", caseID, p.Status.Name(), int(p.Status), want, elapsed)
}

func inStatuses(ss []osm.Status, s osm.Status) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}

func (a *waitForCaseStatusAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m waitForCaseStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.AddError("Provider not configured",
			"The servicerequest provider was not configured before invoking the action. Please report this issue to the provider developers.")
		return
	}
	a.data.addWarnings(&resp.Diagnostics)
	o := m.waitSettings(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.CaseID.ValueString()
	o.OnPoll = func(p osm.Poll) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: progressMessage(id, o.Targets, o.Once, p)})
		}
	}
	_, err := a.data.client.WaitForStatus(ctx, id, osm.RequestOptions{
		Language: m.Language.ValueString(),
		TimeZone: m.TimeZone.ValueString(),
	}, o)
	if err == nil {
		return
	}
	var we *osm.WaitError
	if !errors.As(err, &we) {
		// Options the wait refused (the case ID): the validators should have
		// caught them at plan time.
		resp.Diagnostics.AddError("Cannot check the service ticket status", upperFirst(err.Error())+".")
		return
	}
	settings := "checked once: timeout is unset"
	if !o.Once {
		settings = fmt.Sprintf("poll_interval %s, timeout %s", osm.FormatDuration(o.Interval), osm.FormatDuration(o.Timeout))
	}
	gate := "Any create or update that triggered this action is not made."
	switch we.Reason {
	case osm.WaitNotReached:
		resp.Diagnostics.AddError("Service ticket is not in the required status",
			fmt.Sprintf("%s (%s).\n\n%s Apply again once the ticket is in one of the statuses, "+
				"or set timeout to wait for it.", upperFirst(we.Error()), settings, gate))
	case osm.WaitTimedOut:
		resp.Diagnostics.AddError("Timed out waiting for the service ticket status",
			fmt.Sprintf("%s (%s).\n\n%s Raise timeout if the ticket may take longer, or follow up on the ticket.",
				upperFirst(we.Error()), settings, gate))
	case osm.WaitTerminal:
		resp.Diagnostics.AddError("Service ticket reached a terminal status",
			fmt.Sprintf("%s.\n\n%s If %s is an acceptable outcome, add %d to statuses; otherwise follow up on the ticket.",
				upperFirst(we.Error()), gate, we.Last, int(we.Last)))
	case osm.WaitCanceled:
		resp.Diagnostics.AddError("Waiting for the service ticket status was canceled",
			fmt.Sprintf("%s.\n\n%s", upperFirst(we.Error()), gate))
	default:
		summary, detail := describeError(we.Err, id)
		detail += fmt.Sprintf("\n\nThis ended the check for %s after %s and %s (%s). %s",
			osm.StatusList(we.Targets), osm.FormatDuration(we.Waited), plural(we.Polls, "poll"), settings, gate)
		resp.Diagnostics.AddError(summary, detail)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
