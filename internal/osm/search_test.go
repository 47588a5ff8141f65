package osm_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// manyTickets stores n tickets C-0000.. created a minute apart, newest
// last, with statuses cycling through 0, 1, 17, 3.
func manyTickets(f *fakeosm.Server, n int) {
	for i := range n {
		f.SetTicket(fakeosm.Ticket{ID: fmt.Sprintf("C-%04d", i), Status: []int{0, 1, 17, 3}[i%4],
			Description: "ticket " + strconv.Itoa(i), Created: at10GMT8.Add(time.Duration(i) * time.Minute)})
	}
}

func searchRequests(f *fakeosm.Server) []fakeosm.Request {
	var out []fakeosm.Request
	for _, r := range f.Requests() {
		if r.Call == fakeosm.CallSearch {
			out = append(out, r)
		}
	}
	return out
}

func TestSearchCases_pagesConcurrently(t *testing.T) {
	f, c := caseFake(t)
	manyTickets(f, 250)
	f.SetLatency(30 * time.Millisecond)
	res, err := c.SearchCases(context.Background(), osm.SearchQuery{}, osm.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) != 250 || res.TotalCount != 250 || res.Truncated || res.Requests != 3 {
		t.Fatalf("%d cases, total %d, truncated %v, %d pages", len(res.Cases), res.TotalCount, res.Truncated, res.Requests)
	}
	// The fake's order, newest first, survives the concurrent pages.
	for i, cs := range res.Cases {
		if want := fmt.Sprintf("C-%04d", 249-i); cs.CaseID != want {
			t.Fatalf("case %d is %s, want %s", i, cs.CaseID, want)
		}
	}
	reqs := searchRequests(f)
	var offsets []string
	for _, r := range reqs {
		offsets = append(offsets, r.Query.Get("offset")+"/"+r.Query.Get("limit"))
	}
	slices.Sort(offsets)
	if strings.Join(offsets, " ") != "0/100 100/100 200/50" {
		t.Errorf("pages %v", offsets)
	}
	if f.PeakInFlight() < 2 {
		t.Errorf("the pages after the first were not read concurrently (peak %d)", f.PeakInFlight())
	}
}

func TestSearchCases_maxResultsTruncates(t *testing.T) {
	f, c := caseFake(t)
	manyTickets(f, 250)
	for maxResults, pages := range map[int]int{1: 1, 100: 1, 101: 2, 150: 2} {
		f.Reset()
		res, err := c.SearchCases(context.Background(), osm.SearchQuery{MaxResults: maxResults}, osm.RequestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Cases) != maxResults || !res.Truncated || res.TotalCount != 250 || len(searchRequests(f)) != pages {
			t.Errorf("max %d: %d cases, truncated %v, total %d, %d pages", maxResults, len(res.Cases), res.Truncated, res.TotalCount, len(searchRequests(f)))
		}
	}
	res, err := c.SearchCases(context.Background(), osm.SearchQuery{MaxResults: 250}, osm.RequestOptions{})
	if err != nil || res.Truncated || len(res.Cases) != 250 {
		t.Errorf("exactly all: %d, %v, %v", len(res.Cases), res.Truncated, err)
	}
}

func TestSearchCases_oneSearchPerStatus(t *testing.T) {
	f, c := caseFake(t)
	manyTickets(f, 40)
	res, err := c.SearchCases(context.Background(), osm.SearchQuery{Statuses: []osm.Status{17, 0, 17}}, osm.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) != 20 || res.TotalCount != 20 {
		t.Fatalf("%d cases, total %d", len(res.Cases), res.TotalCount)
	}
	for i := 1; i < len(res.Cases); i++ {
		if !res.Cases[i-1].CreatedAt.Time.After(res.Cases[i].CreatedAt.Time) {
			t.Fatalf("merged list not newest first at %d", i)
		}
	}
	var statuses []string
	for _, r := range searchRequests(f) {
		statuses = append(statuses, strings.Join(r.Query["status"], ","))
		if r.Query.Has("incident_status") {
			t.Error("incident_status sent")
		}
	}
	slices.Sort(statuses)
	if strings.Join(statuses, " ") != "0 17" {
		t.Errorf("statuses sent %v", statuses)
	}
}

func TestSearchCases_filtersOnTheWire(t *testing.T) {
	f, c := caseFake(t)
	f.SetTicket(fakeosm.Ticket{ID: "CS-A", Status: 1, Description: "ECS disk full", Created: at10GMT8,
		Labels: []fakeosm.Label{{ID: 7, Name: "prod"}}, SubUserID: "u1", SubUserName: "alice"})
	f.SetTicket(fakeosm.Ticket{ID: "CS-B", Status: 1, Description: "ECS network", Created: at10GMT8.Add(time.Hour)})
	q := osm.SearchQuery{
		Keywords: []string{"ECS", "disk full"}, CaseID: "CS-A", LabelIDs: []int64{7, 8},
		CreatedAfter: at10GMT8.Add(-time.Minute), CreatedBefore: at10GMT8.Add(500 * time.Millisecond),
		SubUserID: "u1", SubUserName: "alice", Statuses: []osm.Status{1},
	}
	res, err := c.SearchCases(context.Background(), q, osm.RequestOptions{TimeZone: "GMT-3:30"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) != 1 || res.Cases[0].CaseID != "CS-A" || res.Cases[0].Labels[0].Name != "prod" {
		t.Fatalf("%+v", res.Cases)
	}
	got := searchRequests(f)[0].Query
	for k, want := range map[string]string{
		"search_key": "ECS|disk full", "label_id_list": "7|8", "incident_id": "CS-A", "status": "1",
		// 01:59:00Z and 02:00:00.5Z in GMT-3:30, the end rounded up.
		"query_start_time": "2026-11-29 22:29:00", "query_end_time": "2026-11-29 22:30:01",
		"x_customer_id": "u1", "x_customer_name": "alice", "offset": "0", "limit": "100",
	} {
		if v := strings.Join(got[k], "|"); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if got.Has("group_id") {
		t.Error("group_id sent without one")
	}
}

func TestSearchCases_validation(t *testing.T) {
	_, c := caseFake(t)
	for name, q := range map[string]osm.SearchQuery{
		"4 keywords":     {Keywords: []string{"a", "b", "c", "d"}},
		"long keyword":   {Keywords: []string{strings.Repeat("x", 65)}},
		"empty keyword":  {Keywords: []string{""}},
		"6 labels":       {LabelIDs: []int64{1, 2, 3, 4, 5, 6}},
		"status 21":      {Statuses: []osm.Status{21}},
		"max 10001":      {MaxResults: 10001},
		"window reverse": {CreatedAfter: at10GMT8, CreatedBefore: at10GMT8.Add(-time.Second)},
		"case id ..":     {CaseID: ".."},
		"group CRLF":     {GroupID: "a\r\nb"},
	} {
		if _, err := c.SearchCases(context.Background(), q, osm.RequestOptions{}); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	_, err := c.SearchCases(context.Background(), osm.SearchQuery{CreatedAfter: at10GMT8}, osm.RequestOptions{TimeZone: "Mars/Base"})
	if err == nil || !strings.Contains(err.Error(), "time zone") {
		t.Errorf("uninterpretable zone with a window: %v", err)
	}
}

func TestSearchCases_firstErrorStopsThePages(t *testing.T) {
	f, c := caseFake(t)
	manyTickets(f, 350)
	// The first page answers; every later page gets an HTTP-200 error.
	body := `{"total_count":350,"incident_info_list":[` + strings.Repeat(`{"incident_id":"X","status":0},`, 99) + `{"incident_id":"Y","status":0}]}`
	f.SetResponses(fakeosm.SearchKey, fakeosm.Response{Body: body},
		fakeosm.Response{Body: `{"error_code":"OSM.01010014","error_msg":"Operation fail"}`})
	_, err := c.SearchCases(context.Background(), osm.SearchQuery{}, osm.RequestOptions{})
	if !osm.IsKind(err, osm.KindService) || !strings.Contains(err.Error(), "OSM.01010014") {
		t.Errorf("error %v", err)
	}
	f.SetResponses(fakeosm.SearchKey, fakeosm.Response{Body: `{"total_count":1,"incident_info_list":[{"incident_id":"Z","status":40}]}`})
	if _, err := c.SearchCases(context.Background(), osm.SearchQuery{}, osm.RequestOptions{}); !osm.IsKind(err, osm.KindUnexpected) {
		t.Errorf("status 40: %v", err)
	}
}
