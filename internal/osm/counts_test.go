package osm_test

import (
	"context"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

func TestCaseCounts_openAndTotal(t *testing.T) {
	f, c := caseFake(t)
	for id, s := range map[string]int{"a": 0, "b": 1, "c": 1, "d": 3, "e": 17, "f": 12, "g": 9} {
		f.SetStatus(id, s)
	}
	f.SetTicket(fakeosm.Ticket{ID: "other", Status: 1, GroupID: "grp"}) // another member's: not counted
	counts, err := c.CaseCounts(context.Background(), osm.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if counts[osm.StatusProcessing] != 2 || counts[osm.StatusCompleted] != 1 || counts[9] != 1 {
		t.Errorf("counts %v", counts)
	}
	if counts.Open() != 5 || counts.Total() != 7 {
		t.Errorf("open %d total %d", counts.Open(), counts.Total())
	}
	if r := f.Requests(); len(r) != 1 || r[0].Path != "/v2/servicerequest/cases/count" {
		t.Errorf("requests %+v", r)
	}
}

func TestCaseCounts_badAnswers(t *testing.T) {
	f, c := caseFake(t)
	f.SetResponses(fakeosm.CountKey, fakeosm.Response{Body: `{}`})
	if counts, err := c.CaseCounts(context.Background(), osm.RequestOptions{}); err != nil || counts.Total() != 0 {
		t.Errorf("no counts: %v %v", counts, err)
	}
	for _, body := range []string{
		`{"incident_status_counts":[{"count":1}]}`,
		`{"incident_status_counts":[{"status":1,"count":-1}]}`,
		`{"incident_status_counts":[{"status":99,"count":1}]}`,
		`{"incident_status_counts":{"status":1}}`,
	} {
		f.SetResponses(fakeosm.CountKey, fakeosm.Response{Body: body})
		if _, err := c.CaseCounts(context.Background(), osm.RequestOptions{}); !osm.IsKind(err, osm.KindUnexpected) {
			t.Errorf("%s: %v", body, err)
		}
	}
	f.SetResponses(fakeosm.CountKey, fakeosm.Response{HTTPStatus: 403, Body: `{"error_code":"OSM.0003","error_msg":"Forbidden"}`})
	if _, err := c.CaseCounts(context.Background(), osm.RequestOptions{}); !osm.IsKind(err, osm.KindForbidden) {
		t.Errorf("403: %v", err)
	}
}
