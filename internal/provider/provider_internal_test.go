package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

func TestResolveEndpoint(t *testing.T) {
	t.Setenv(EnvEndpoint, "https://from-env.example.com")
	for _, tc := range []struct {
		name     string
		endpoint types.String
		site     types.String
		want     string
		source   string
	}{
		{"env", types.StringNull(), types.StringNull(), "https://from-env.example.com", EnvEndpoint},
		{"endpoint attribute", types.StringValue("https://attr.example.com/p/"), types.StringNull(), "https://attr.example.com/p/", "attribute"},
		{"china", types.StringNull(), types.StringValue("china"), "https://osm.cn-south-1.myhuaweicloud.com", "attribute"},
		{"international", types.StringNull(), types.StringValue("international"), "https://osm.ap-southeast-3.myhuaweicloud.com", "attribute"},
		{"europe", types.StringNull(), types.StringValue("europe"), "https://osm.eu-west-101.myhuaweicloud.eu", "attribute"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, src := resolveEndpoint(providerModel{Endpoint: tc.endpoint, Site: tc.site})
			if got != tc.want || src != tc.source {
				t.Fatalf("got %q from %s, want %q from %s", got, src, tc.want, tc.source)
			}
			if _, err := osm.ParseEndpoint(got); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Setenv(EnvEndpoint, "")
	if got, src := resolveEndpoint(providerModel{Endpoint: types.StringNull(), Site: types.StringNull()}); got != DefaultEndpoint || src != "default" {
		t.Fatalf("default: got %q from %s", got, src)
	}
}
