package provider

import (
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

func TestProgressMessage(t *testing.T) {
	completed := []osm.Status{osm.StatusCompleted}
	for _, tc := range []struct {
		targets []osm.Status
		once    bool
		poll    osm.Poll
		want    string
	}{
		{completed, false, osm.Poll{N: 3, Status: 1, Elapsed: 130 * time.Second},
			"Ticket CS-1 is Processing (1); waiting for Completed; 2m10s elapsed"},
		{[]osm.Status{2, 3, 9}, false, osm.Poll{Status: 0, Elapsed: 40 * time.Millisecond},
			"Ticket CS-1 is To be processed (0); waiting for To be confirmed, Completed or status 9; 40ms elapsed"},
		{completed, false, osm.Poll{Status: 3, Elapsed: time.Minute},
			"Ticket CS-1 is Completed (3); proceeding; 1m elapsed"},
		{completed, true, osm.Poll{Status: 17},
			"Ticket CS-1 is Pending feedback (17); required Completed"},
		{completed, false, osm.Poll{Err: &osm.Error{Kind: osm.KindServer, HTTPStatus: 503}, Transient: true, Elapsed: 5 * time.Second},
			"Ticket CS-1 could not be read (server error: HTTP 503); polling again; waiting for Completed; 5s elapsed"},
		{completed, false, osm.Poll{Err: &osm.Error{Kind: osm.KindAuth, HTTPStatus: 401}, Elapsed: 2 * time.Second},
			"Ticket CS-1 could not be read; 2s elapsed"},
	} {
		if got := progressMessage("CS-1", tc.targets, tc.once, tc.poll); got != tc.want {
			t.Errorf("progressMessage(%+v)\n got %q\nwant %q", tc.poll, got, tc.want)
		}
	}
}
