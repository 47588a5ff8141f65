package provider

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// objectValue builds a configuration value of typ with the given
// attributes set and every other attribute null.
func objectValue(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%v is not an object type", typ)
	}
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(obj, vals)
}

func warnings(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags.Warnings() {
		out = append(out, d.Summary())
	}
	return out
}

// TestInsecure_warnsInConfigureAndAtEveryRead: the framework tests cannot
// see warnings, so this drives Configure and Read directly.
func TestInsecure_warnsInConfigureAndAtEveryRead(t *testing.T) {
	ctx := context.Background()
	const token = "internal-test-token"
	f := fakeosm.New(token)
	f.SetStatus("CS1", 3)
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()

	for name, tc := range map[string]struct {
		insecure *bool
		env      string
		warns    int
	}{
		"attribute":   {ptr(true), "", 1},
		"HW_INSECURE": {nil, "1", 1},
		"verified":    {ptr(false), "true", 0},
	} {
		t.Run(name, func(t *testing.T) {
			p := NewWithEnv("test", envOf(map[string]string{EnvInsecure: tc.env}))().(*servicerequestProvider)
			var sresp provider.SchemaResponse
			p.Schema(ctx, provider.SchemaRequest{}, &sresp)
			set := map[string]tftypes.Value{
				"endpoint": tftypes.NewValue(tftypes.String, srv.URL),
				"token":    tftypes.NewValue(tftypes.String, token),
			}
			if tc.insecure != nil {
				set["insecure"] = tftypes.NewValue(tftypes.Bool, *tc.insecure)
			}
			cfg := tfsdk.Config{Schema: sresp.Schema, Raw: objectValue(t, sresp.Schema.Type().TerraformType(ctx), set)}
			var cresp provider.ConfigureResponse
			p.Configure(ctx, provider.ConfigureRequest{Config: cfg, TerraformVersion: "1.11.4"}, &cresp)
			if cresp.Diagnostics.HasError() {
				t.Fatalf("Configure: %v", cresp.Diagnostics)
			}
			if got := warnings(cresp.Diagnostics); len(got) != tc.warns {
				t.Fatalf("Configure warnings %v, want %d", got, tc.warns)
			}

			ds := NewCaseStatusDataSource().(*caseStatusDataSource)
			var dcresp datasource.ConfigureResponse
			ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: cresp.DataSourceData}, &dcresp)
			var dsresp datasource.SchemaResponse
			ds.Schema(ctx, datasource.SchemaRequest{}, &dsresp)
			typ := dsresp.Schema.Type().TerraformType(ctx)
			for i := 0; i < 2; i++ {
				req := datasource.ReadRequest{Config: tfsdk.Config{Schema: dsresp.Schema,
					Raw: objectValue(t, typ, map[string]tftypes.Value{"case_id": tftypes.NewValue(tftypes.String, "CS1")})}}
				resp := datasource.ReadResponse{State: tfsdk.State{Schema: dsresp.Schema, Raw: tftypes.NewValue(typ, nil)}}
				ds.Read(ctx, req, &resp)
				if tc.insecure != nil && !*tc.insecure {
					if !resp.Diagnostics.HasError() {
						t.Fatal("a verified connection to a self-signed server must fail")
					}
					return
				}
				if resp.Diagnostics.HasError() {
					t.Fatalf("Read: %v", resp.Diagnostics)
				}
				if got := warnings(resp.Diagnostics); len(got) != 1 || got[0] != "TLS certificate verification is disabled" {
					t.Fatalf("read %d warnings %v, want the insecure warning", i, got)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
