package provider_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// BenchmarkCasesRead is the provider side of one plan of a
// servicerequest_cases finding 1,000 tickets (10 pages) through the
// protocol server, the fake service included.
//
//	go test -run '^$' -bench CasesRead -benchmem ./internal/provider/
func BenchmarkCasesRead(b *testing.B) {
	const n = 1000
	f := fakeosm.New(testToken)
	for i := range n {
		f.SetTicket(fakeosm.Ticket{ID: fmt.Sprintf("T-%05d", i), Status: i % 20, Description: "bench ticket about ECS",
			TypeName: "Technical issue", BusinessTypeName: "ECS", RegionName: "cn-south-1", CustomerID: "acct",
			Created: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
			Labels:  []fakeosm.Label{{ID: 1, Name: "bench", Color: "blue"}}})
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx := context.Background()
	server, schemas := configuredServer(b, srv.URL)
	dsType := schemas.DataSourceSchemas["servicerequest_cases"].ValueType().(tftypes.Object)
	dsCfg := map[string]tftypes.Value{}
	for name, t := range dsType.AttributeTypes {
		dsCfg[name] = tftypes.NewValue(t, nil)
	}
	cfg, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, dsCfg))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		readOnce(ctx, b, server, "servicerequest_cases", &cfg)
		f.Reset()
	}
}
