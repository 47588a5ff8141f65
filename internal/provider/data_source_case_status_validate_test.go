package provider_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

// validateCaseStatus runs the data source's ValidateConfig on a
// configuration built from attrs (every other attribute null).
func validateCaseStatus(t *testing.T, attrs map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	ds := provider.NewCaseStatusDataSource()
	var sresp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T", sresp.Schema.Type().TerraformType(ctx))
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		vals[name] = v
	}
	v, ok := ds.(datasource.DataSourceWithValidateConfig)
	if !ok {
		t.Fatal("servicerequest_case_status has no ValidateConfig")
	}
	var resp datasource.ValidateConfigResponse
	v.ValidateConfig(ctx, datasource.ValidateConfigRequest{
		Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, vals)},
	}, &resp)
	return resp.Diagnostics
}

var (
	numberSet   = tftypes.Set{ElementType: tftypes.Number}
	timeoutsObj = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}}
)

func statusesValue(ns ...int) tftypes.Value {
	var elems []tftypes.Value
	for _, n := range ns {
		elems = append(elems, tftypes.NewValue(tftypes.Number, n))
	}
	return tftypes.NewValue(numberSet, elems)
}

func readTimeout(s string) tftypes.Value {
	return tftypes.NewValue(timeoutsObj, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, s)})
}

func TestCaseStatusDataSource_validateConfig(t *testing.T) {
	caseID := tftypes.NewValue(tftypes.String, "CS-1")
	for name, tc := range map[string]struct {
		attrs    map[string]tftypes.Value
		errors   []string
		warnings []string
	}{
		"no waiting":            {attrs: map[string]tftypes.Value{"case_id": caseID}},
		"waiting with defaults": {attrs: map[string]tftypes.Value{"case_id": caseID, "wait_for_statuses": statusesValue(3)}},
		"poll_interval without waiting": {
			attrs:    map[string]tftypes.Value{"case_id": caseID, "poll_interval": tftypes.NewValue(tftypes.String, "10s")},
			warnings: []string{"poll_interval has no effect"},
		},
		"a read timeout without waiting bounds the single read": {
			attrs: map[string]tftypes.Value{"case_id": caseID, "timeouts": readTimeout("30s")},
		},
		"empty wait_for_statuses": {
			attrs:  map[string]tftypes.Value{"case_id": caseID, "wait_for_statuses": tftypes.NewValue(numberSet, []tftypes.Value{})},
			errors: []string{"Empty wait_for_statuses"},
		},
		"interval as long as the timeout": {
			attrs: map[string]tftypes.Value{"case_id": caseID, "wait_for_statuses": statusesValue(3),
				"poll_interval": tftypes.NewValue(tftypes.String, "5m"), "timeouts": readTimeout("5m")},
			warnings: []string{"poll_interval is not shorter than timeouts.read"},
		},
		"interval shorter than the timeout": {
			attrs: map[string]tftypes.Value{"case_id": caseID, "wait_for_statuses": statusesValue(3),
				"poll_interval": tftypes.NewValue(tftypes.String, "1m"), "timeouts": readTimeout("5m")},
		},
		"zero timeout": {
			attrs:  map[string]tftypes.Value{"case_id": caseID, "wait_for_statuses": statusesValue(3), "timeouts": readTimeout("0s")},
			errors: []string{"Invalid timeouts.read value"},
		},
		"unknown values are left for later": {
			attrs: map[string]tftypes.Value{"case_id": caseID,
				"wait_for_statuses": tftypes.NewValue(numberSet, tftypes.UnknownValue),
				"poll_interval":     tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				"timeouts":          tftypes.NewValue(timeoutsObj, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})},
		},
	} {
		t.Run(name, func(t *testing.T) {
			diags := validateCaseStatus(t, tc.attrs)
			var gotErr, gotWarn []string
			for _, d := range diags {
				if d.Severity() == diag.SeverityError {
					gotErr = append(gotErr, d.Summary())
				} else {
					gotWarn = append(gotWarn, d.Summary())
				}
			}
			if strings.Join(gotErr, "|") != strings.Join(tc.errors, "|") || strings.Join(gotWarn, "|") != strings.Join(tc.warnings, "|") {
				t.Fatalf("errors %q warnings %q, want errors %q warnings %q (%v)", gotErr, gotWarn, tc.errors, tc.warnings, diags)
			}
		})
	}
}

// TestCaseStatusDataSource_timeoutsReadValidatorSaysWhatDocsSay: the
// timeouts block's own validator would answer a bad timeouts.read with Go's
// duration syntax ("-1.5h", "ns", "us"); the only validator left on it must
// describe the documented form.
func TestCaseStatusDataSource_timeoutsReadValidatorSaysWhatDocsSay(t *testing.T) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	provider.NewCaseStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &sresp)
	block, ok := sresp.Schema.Blocks["timeouts"].(schema.SingleNestedBlock)
	if !ok {
		t.Fatalf("timeouts block is %T", sresp.Schema.Blocks["timeouts"])
	}
	read, ok := block.Attributes["read"].(schema.StringAttribute)
	if !ok {
		t.Fatalf("timeouts.read is %T", block.Attributes["read"])
	}
	if len(read.Validators) != 1 {
		t.Fatalf("timeouts.read has %d validators, want 1 (ours)", len(read.Validators))
	}
	desc := read.Validators[0].Description(ctx)
	if strings.Contains(desc, "ns") || !strings.Contains(desc, "units s, m, h") || !strings.Contains(read.MarkdownDescription, "(units `s`, `m`, `h`); must be positive") {
		t.Fatalf("validator says %q, description says %q: they must agree on units s, m, h and positive", desc, read.MarkdownDescription)
	}
}
