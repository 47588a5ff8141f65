package fakeosm_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

func getTZ(t *testing.T, url, zone string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Auth-Token", "tok")
	if zone != "" {
		req.Header.Set("X-Time-Zone", zone)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s: HTTP %d %s %v", url, resp.StatusCode, b, err)
	}
	return string(b)
}

func TestCases_asDocumented(t *testing.T) {
	f := fakeosm.New("tok")
	created := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	f.SetTicket(fakeosm.Ticket{ID: "T-1", Status: 1, Description: "ECS", Created: created})
	f.SetStatus("T-2", 17) // status only
	srv := httptest.NewServer(f)
	defer srv.Close()
	base := srv.URL + "/v2/servicerequest/cases"
	for _, tc := range []struct{ url, zone, want string }{
		{base + "/T-1", "", `"create_time":"2026-11-30 10:00:00"`},
		{base + "/T-1", "GMT-3:30", `"create_time":"2026-11-29 22:30:00"`},
		{base + "/T-1", "UTC", `"create_time":"2026-11-30 02:00:00"`},
		{base + "/T-1", "Asia/Tokyo", `"create_time":"2026-11-30 11:00:00"`},
		{base + "/NOPE", "", `"error_code":"OSM.01010015"`},
		{base + "/NOPE/operate-logs", "", `"error_code":"OSM.01010015"`},
		{base + "?limit=101", "", `"error_code":"OSM.01010001"`},
		{base + "?limit=0", "", `"error_code":"OSM.01010001"`},
		{base + "?offset=-1", "", `"error_code":"OSM.01010001"`},
		{base + "?limit=1", "", `"total_count":2`},
		{base + "?limit=1&offset=1", "", `"incident_id":"T-2"`},
		{base + "?status=17", "", `"total_count":1`},
		{base + "/count", "", `{"count":1,"status":1},{"count":1,"status":17}`},
		{base + "/T-1/status", "", `{"status":1}`}, // the status call is unchanged
	} {
		if got := getTZ(t, tc.url, tc.zone); !strings.Contains(got, tc.want) {
			t.Errorf("%s (%s): %s, want %s", tc.url, tc.zone, got, tc.want)
		}
	}
	f.SetTimeLayout(time.RFC3339)
	if got := getTZ(t, base+"/T-1", "GMT+8"); !strings.Contains(got, `"create_time":"2026-11-30T10:00:00+08:00"`) {
		t.Errorf("RFC 3339 layout: %s", got)
	}
	f.SetAnswerZone(time.UTC)
	if got := getTZ(t, base+"/T-1", "GMT+8"); !strings.Contains(got, `"create_time":"2026-11-30T02:00:00Z"`) {
		t.Errorf("forced zone: %s", got)
	}
	calls := map[string]int{}
	for _, r := range f.Requests() {
		calls[r.Call]++
	}
	if calls[fakeosm.CallDetail] != 7 || calls[fakeosm.CallSearch] != 6 || calls[fakeosm.CallCount] != 1 || calls[fakeosm.CallStatus] != 1 || calls[fakeosm.CallOperateLogs] != 1 {
		t.Errorf("calls %v", calls)
	}
}
