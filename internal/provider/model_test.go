package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func caseStatusSchema(t *testing.T) datasource.SchemaResponse {
	t.Helper()
	var resp datasource.SchemaResponse
	NewCaseStatusDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}

// TestGetConfigSetState_matchTheFramework checks the reflection-free
// conversions against tfsdk.Config.Get and tfsdk.State.Set.
func TestGetConfigSetState_matchTheFramework(t *testing.T) {
	ctx := context.Background()
	s := caseStatusSchema(t).Schema
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	for name, raw := range map[string]map[string]tftypes.Value{
		"nulls": {"case_id": tftypes.NewValue(tftypes.String, "CS-1")},
		"all set": {"case_id": tftypes.NewValue(tftypes.String, "CS-2"), "language": tftypes.NewValue(tftypes.String, "en-us"),
			"time_zone": tftypes.NewValue(tftypes.String, "GMT+0")},
		"unknown": {"case_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)},
	} {
		t.Run(name, func(t *testing.T) {
			vals := map[string]tftypes.Value{}
			for a, at := range typ.AttributeTypes {
				vals[a] = tftypes.NewValue(at, nil)
			}
			for a, v := range raw {
				vals[a] = v
			}
			cfg := tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}
			var fast, framework caseStatusModel
			if d := getConfig(ctx, cfg, &fast); d.HasError() {
				t.Fatal(d)
			}
			if d := cfg.Get(ctx, &framework); d.HasError() {
				t.Fatal(d)
			}
			if !reflect.DeepEqual(fast, framework) {
				t.Fatalf("getConfig %+v, framework %+v", fast, framework)
			}
			if fastGet(ctx, s.Type(), cfg.Raw, &fast) != nil {
				t.Fatal("the fast path was not taken")
			}

			fast.ID, fast.Status, fast.StatusName, fast.Closed = types.StringValue("x"), types.Int64Value(3), types.StringValue("Completed"), types.BoolValue(true)
			a := tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, nil)}
			b := a
			if d := setState(ctx, &a, &fast); d.HasError() {
				t.Fatal(d)
			}
			if d := b.Set(ctx, &fast); d.HasError() {
				t.Fatal(d)
			}
			if !a.Raw.Equal(b.Raw) {
				t.Fatalf("setState %v, framework %v", a.Raw, b.Raw)
			}
		})
	}
}

func TestGetConfigSetState_fallBackToTheFramework(t *testing.T) {
	ctx := context.Background()
	s := caseStatusSchema(t).Schema
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for a, at := range typ.AttributeTypes {
		vals[a] = tftypes.NewValue(at, nil)
	}
	vals["case_id"] = tftypes.NewValue(tftypes.String, "CS-1")
	cfg := tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}

	// A model that lacks attributes: the framework's answer, an error.
	var partial struct {
		CaseID types.String `tfsdk:"case_id"`
	}
	if fastGet(ctx, s.Type(), cfg.Raw, &partial) == nil {
		t.Fatal("the fast path took a partial model")
	}
	if d := getConfig(ctx, cfg, &partial); !d.HasError() {
		t.Fatal("a partial model must fail like the framework's Get")
	}
	// A field of another type: the framework converts it.
	var other struct {
		CaseID     string       `tfsdk:"case_id"`
		Language   types.String `tfsdk:"language"`
		TimeZone   types.String `tfsdk:"time_zone"`
		ID         types.String `tfsdk:"id"`
		Status     types.Int64  `tfsdk:"status"`
		StatusName types.String `tfsdk:"status_name"`
		Closed     types.Bool   `tfsdk:"closed"`
		caseStatusWaitModel
	}
	if d := getConfig(ctx, cfg, &other); d.HasError() || other.CaseID != "CS-1" {
		t.Fatalf("fallback: %v %+v", d, other)
	}
	st := tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, nil)}
	if d := setState(ctx, &st, &partial); !d.HasError() {
		t.Fatal("a partial model must fail like the framework's Set")
	}
}
