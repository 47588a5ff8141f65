package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

func TestDescribeBatchFailure(t *testing.T) {
	ids := []string{"A", "B", "C", "D", "E"}
	results := map[string]osm.Result{
		"A": {Status: osm.StatusCompleted},
		"B": {Err: &osm.Error{Kind: osm.KindCaseNotFound, HTTPStatus: 200, Code: osm.CodeCaseNotFound, Message: "This case does not exist"}},
		"C": {Err: &osm.Error{Kind: osm.KindServer, HTTPStatus: 500, Code: "OSM.0004", RequestID: "r-1"}},
		"D": {Err: &osm.Error{Kind: osm.KindCaseNotFound, HTTPStatus: 200, Code: osm.CodeCaseNotFound}},
		"E": {Err: &osm.Error{Kind: osm.KindCanceled, Host: "h:1", Err: context.Canceled}},
	}
	summary, detail := describeBatchFailure(ids, []string{"B", "C", "D", "E"}, results, false)
	t.Logf("%s\n%s", summary, detail)
	if summary != "Cannot read 4 of 5 service tickets" {
		t.Errorf("summary %q", summary)
	}
	for _, want := range []string{
		`Reading 3 of 5 service tickets failed:`,
		`- "B": case not found: HTTP 200, error_code OSM.01010015, error_msg "This case does not exist"`,
		`- "C": server error: HTTP 500, error_code OSM.0004 (request id r-1)`,
		`- "D": case not found`,
		`1 of 5 tickets were not read (canceled for host h:1: context canceled), for example "E".`,
		`Set ignore_missing = true`,
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	// The advice for each kind appears once.
	if n := strings.Count(detail, "Check case_id, and that the ticket belongs"); n != 1 {
		t.Errorf("case-not-found advice %d times", n)
	}

	// A long list is capped.
	ids, results = nil, map[string]osm.Result{}
	for i := range 50 {
		id := fmt.Sprintf("N-%02d", i)
		ids = append(ids, id)
		results[id] = osm.Result{Err: &osm.Error{Kind: osm.KindService, HTTPStatus: 200, Code: "OSM.01010014"}}
	}
	summary, detail = describeBatchFailure(ids, ids, results, true)
	if !strings.HasPrefix(summary, "Service Ticket API returned an error (50 of 50 tickets)") {
		t.Errorf("summary %q", summary)
	}
	if !strings.Contains(detail, `"N-19"`) || strings.Contains(detail, `"N-20"`) || !strings.Contains(detail, "and 30 more failed tickets") {
		t.Errorf("the list is not capped at %d:\n%s", maxListedFailures, detail)
	}
	if strings.Contains(detail, "ignore_missing") {
		t.Error("ignore_missing advice without a missing ticket")
	}

	// Not an *osm.Error: still named.
	_, detail = describeBatchFailure([]string{"X"}, []string{"X"}, map[string]osm.Result{"X": {Err: errors.New("boom")}}, false)
	if !strings.Contains(detail, `"X": boom`) {
		t.Errorf("detail %q", detail)
	}
}
