package provider_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"

	sr "github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

// describedAttribute is what every schema attribute of the framework offers.
type describedAttribute interface {
	GetMarkdownDescription() string
}

func requireDescription(t *testing.T, where string, a describedAttribute) {
	t.Helper()
	if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
		t.Errorf("%s has no MarkdownDescription: the registry docs would show nothing for it", where)
	}
}

// walkDataSourceAttributes checks attributes, nested attributes and blocks.
func walkDataSourceAttributes(t *testing.T, where string, attrs map[string]dsschema.Attribute, blocks map[string]dsschema.Block) {
	t.Helper()
	for name, a := range attrs {
		p := where + "." + name
		requireDescription(t, p, a)
		switch n := a.(type) {
		case dsschema.MapNestedAttribute:
			walkDataSourceAttributes(t, p, n.NestedObject.Attributes, nil)
		case dsschema.ListNestedAttribute:
			walkDataSourceAttributes(t, p, n.NestedObject.Attributes, nil)
		case dsschema.SetNestedAttribute:
			walkDataSourceAttributes(t, p, n.NestedObject.Attributes, nil)
		case dsschema.SingleNestedAttribute:
			walkDataSourceAttributes(t, p, n.Attributes, nil)
		}
	}
	for name, b := range blocks {
		p := where + "." + name
		switch n := b.(type) {
		case dsschema.SingleNestedBlock:
			walkDataSourceAttributes(t, p, n.Attributes, n.Blocks)
		case dsschema.ListNestedBlock:
			walkDataSourceAttributes(t, p, n.NestedObject.Attributes, n.NestedObject.Blocks)
		case dsschema.SetNestedBlock:
			walkDataSourceAttributes(t, p, n.NestedObject.Attributes, n.NestedObject.Blocks)
		default:
			t.Errorf("%s: block type %T not walked; extend this test", p, b)
		}
	}
}

// TestSchemas_everyAttributeDescribed walks the provider, data source,
// action and function schemas and fails on any attribute, parameter or return value
// without a description.
func TestSchemas_everyAttributeDescribed(t *testing.T) {
	ctx := context.Background()
	p := sr.New("test")()

	var presp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &presp)
	if presp.Schema.MarkdownDescription == "" {
		t.Error("provider schema has no MarkdownDescription")
	}
	if len(presp.Schema.Attributes) == 0 {
		t.Fatal("provider schema has no attributes: the walk would prove nothing")
	}
	for name, a := range presp.Schema.Attributes {
		requireDescription(t, "provider."+name, a)
		if n, ok := a.(pschema.SingleNestedAttribute); ok {
			for sub, sa := range n.Attributes {
				requireDescription(t, "provider."+name+"."+sub, sa)
			}
		}
	}

	dataSources := p.DataSources(ctx)
	if len(dataSources) == 0 {
		t.Fatal("no data sources")
	}
	for _, newDS := range dataSources {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "servicerequest"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("data source %s has no MarkdownDescription", meta.TypeName)
		}
		walkDataSourceAttributes(t, meta.TypeName, resp.Schema.Attributes, resp.Schema.Blocks)
	}

	pa, ok := p.(provider.ProviderWithActions)
	if !ok {
		t.Fatal("the provider serves no actions")
	}
	for _, newA := range pa.Actions(ctx) {
		a := newA()
		var meta action.MetadataResponse
		a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: "servicerequest"}, &meta)
		var resp action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("action %s has no MarkdownDescription", meta.TypeName)
		}
		if len(resp.Schema.Attributes) == 0 {
			t.Errorf("action %s has no attributes", meta.TypeName)
		}
		for name, at := range resp.Schema.Attributes {
			requireDescription(t, meta.TypeName+"."+name, at)
		}
	}

	pf, ok := p.(provider.ProviderWithFunctions)
	if !ok {
		return
	}
	for _, newF := range pf.Functions(ctx) {
		f := newF()
		var meta function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &meta)
		var def function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &def)
		d := def.Definition
		if d.Summary == "" || d.MarkdownDescription == "" {
			t.Errorf("function %s lacks a summary or description", meta.Name)
		}
		for i, param := range d.Parameters {
			if strings.TrimSpace(param.GetMarkdownDescription()) == "" {
				t.Errorf("function %s parameter %d (%s) has no MarkdownDescription", meta.Name, i, param.GetName())
			}
		}
	}
}
