package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// getConfig and setState do what tfsdk.Config.Get and tfsdk.State.Set do
// for a flat model struct whose fields are the attr.Value types of the
// schema, without the framework's per-call reflection: terraform-plugin-
// framework v1.19 compiles a regular expression for every struct field on
// every Get and Set, which was the largest single cost of a singular data
// source read, paid once per instance in a plan with hundreds of them.
// Whatever does not fit (a field of another type, an attribute missing from
// the model) falls back to the framework's own conversion.

type modelField struct {
	index []int // through embedded structs, as reflect.Value.FieldByIndex takes it
	name  string
}

var modelFields sync.Map // reflect.Type -> []modelField

func fieldsOf(t reflect.Type) []modelField {
	if f, ok := modelFields.Load(t); ok {
		if fs, ok := f.([]modelField); ok {
			return fs
		}
	}
	fs := collectFields(t, nil)
	modelFields.Store(t, fs)
	return fs
}

// collectFields lists the tagged fields of t, descending into embedded
// structs without a tfsdk tag, as the framework does.
func collectFields(t reflect.Type, prefix []int) []modelField {
	var fs []modelField
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		name := sf.Tag.Get("tfsdk")
		switch {
		case sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct:
			fs = append(fs, collectFields(sf.Type, index)...)
		case name != "" && name != "-":
			fs = append(fs, modelField{index: index, name: name})
		}
	}
	return fs
}

// getConfig fills the struct target points to from the configuration.
func getConfig(ctx context.Context, cfg tfsdk.Config, target any) diag.Diagnostics {
	if fastGet(ctx, cfg.Schema.Type(), cfg.Raw, target) != nil {
		return cfg.Get(ctx, target)
	}
	return nil
}

func fastGet(ctx context.Context, schemaType attr.Type, raw tftypes.Value, target any) error {
	ot, ok := schemaType.(basetypes.ObjectType)
	rv := reflect.ValueOf(target)
	if !ok || rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("not a flat model")
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil {
		return err
	}
	rv = rv.Elem()
	fs := fieldsOf(rv.Type())
	if len(fs) != len(ot.AttrTypes) {
		return fmt.Errorf("the model has %d fields for %d attributes", len(fs), len(ot.AttrTypes))
	}
	out := make([]reflect.Value, len(fs))
	for i, f := range fs {
		at, ok := ot.AttrTypes[f.name]
		tv, present := vals[f.name]
		if !ok || !present {
			return fmt.Errorf("no attribute %s", f.name)
		}
		v, err := at.ValueFromTerraform(ctx, tv)
		if err != nil {
			return err
		}
		out[i] = reflect.ValueOf(v)
		if !out[i].Type().AssignableTo(rv.FieldByIndex(f.index).Type()) {
			return fmt.Errorf("field %s has another type", f.name)
		}
	}
	for i, f := range fs {
		rv.FieldByIndex(f.index).Set(out[i])
	}
	return nil
}

// setState writes the struct src points to as the whole state.
func setState(ctx context.Context, state *tfsdk.State, src any) diag.Diagnostics {
	raw, err := fastSet(ctx, state.Schema.Type(), src)
	if err != nil {
		return state.Set(ctx, src)
	}
	state.Raw = raw
	return nil
}

func fastSet(ctx context.Context, schemaType attr.Type, src any) (tftypes.Value, error) {
	rv := reflect.ValueOf(src)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return tftypes.Value{}, fmt.Errorf("not a flat model")
	}
	rv = rv.Elem()
	vals := map[string]tftypes.Value{}
	for _, f := range fieldsOf(rv.Type()) {
		v, ok := rv.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("field %s is not an attr.Value", f.name)
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, err
		}
		vals[f.name] = tv
	}
	t := schemaType.TerraformType(ctx)
	if err := tftypes.ValidateValue(t, vals); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(t, vals), nil
}
