package provider_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

// BenchmarkCaseStatusesRead is the provider side of one plan of a
// servicerequest_case_statuses with 10,000 ids, through the protocol
// server Terraform talks to: config decoding, validation, the reads
// against the fake, and the state encoding.
//
//	go test -run '^$' -bench CaseStatusesRead -benchmem ./internal/provider/
func BenchmarkCaseStatusesRead(b *testing.B) {
	const n = 10000
	f := fakeosm.New(testToken)
	ids := make([]tftypes.Value, n)
	for i := range ids {
		id := fmt.Sprintf("T-%05d", i)
		f.SetStatus(id, i%20)
		ids[i] = tftypes.NewValue(tftypes.String, id)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx := context.Background()
	server, schemas := configuredServer(b, srv.URL)

	dsType := schemas.DataSourceSchemas["servicerequest_case_statuses"].ValueType().(tftypes.Object)
	dsCfg := map[string]tftypes.Value{}
	for name, t := range dsType.AttributeTypes {
		dsCfg[name] = tftypes.NewValue(t, nil)
	}
	dsCfg["case_ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids)
	cfg, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, dsCfg))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		readOnce(ctx, b, server, "servicerequest_case_statuses", &cfg)
		f.Reset()
	}
}

// BenchmarkCaseStatusRead is the provider side of one singular data
// source instance in a plan: what Terraform pays per ticket on top of its
// own work when each ticket is its own data source.
func BenchmarkCaseStatusRead(b *testing.B) {
	f := fakeosm.New(testToken)
	f.SetStatus("CS-1", 3)
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx := context.Background()
	server, schemas := configuredServer(b, srv.URL)
	dsType := schemas.DataSourceSchemas["servicerequest_case_status"].ValueType().(tftypes.Object)
	dsCfg := map[string]tftypes.Value{}
	for name, t := range dsType.AttributeTypes {
		dsCfg[name] = tftypes.NewValue(t, nil)
	}
	dsCfg["case_id"] = tftypes.NewValue(tftypes.String, "CS-1")
	cfg, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, dsCfg))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		readOnce(ctx, b, server, "servicerequest_case_status", &cfg)
		f.Reset()
	}
}

// readOnce is what Terraform asks of a data source instance during a plan.
func readOnce(ctx context.Context, b *testing.B, server tfprotov6.ProviderServer, typeName string, cfg *tfprotov6.DynamicValue) {
	vresp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName, Config: cfg})
	if err != nil || len(vresp.Diagnostics) > 0 {
		b.Fatal(err, vresp.Diagnostics)
	}
	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatal(err, resp.Diagnostics)
	}
}

func configuredServer(b *testing.B, url string) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	b.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(provider.New("bench")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	providerCfg := map[string]tftypes.Value{}
	for name, t := range providerType.(tftypes.Object).AttributeTypes {
		providerCfg[name] = tftypes.NewValue(t, nil)
	}
	providerCfg["endpoint"] = tftypes.NewValue(tftypes.String, url)
	providerCfg["token"] = tftypes.NewValue(tftypes.String, testToken)
	pcfg, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, providerCfg))
	if err != nil {
		b.Fatal(err)
	}
	cresp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &pcfg})
	if err != nil || len(cresp.Diagnostics) > 0 {
		b.Fatal(err, cresp.Diagnostics)
	}

	return server, schemas
}
