package osm

import (
	"context"
)

// CaseCounts is the number of the account's tickets in each status.
type CaseCounts map[Status]int64

// Open is the number of tickets whose status is not terminal (unknown
// statuses included: nothing says they will not move).
func (c CaseCounts) Open() int64 {
	var n int64
	for s, k := range c {
		if !s.Closed() {
			n += k
		}
	}
	return n
}

// Total is the number of tickets.
func (c CaseCounts) Total() int64 {
	var n int64
	for _, k := range c {
		n += k
	}
	return n
}

type wireCounts struct {
	Counts []struct {
		Status *int64 `json:"status"`
		Count  *int64 `json:"count"`
	} `json:"incident_status_counts"`
}

// CaseCounts counts the account's tickets per status with
// GET /v2/servicerequest/cases/count: one request, whatever the number of
// tickets.
func (c *Client) CaseCounts(ctx context.Context, opts RequestOptions) (CaseCounts, error) {
	var body wireCounts
	if err := c.getJSON(ctx, []string{"cases", "count"}, nil, opts, &body); err != nil {
		return nil, err
	}
	out := CaseCounts{}
	for _, e := range body.Counts {
		s, err := c.checkStatus(e.Status)
		if err != nil {
			return nil, err
		}
		if e.Count == nil {
			continue
		}
		if *e.Count < 0 {
			return nil, c.unexpected("a count in the answer is negative")
		}
		out[s] += *e.Count
	}
	return out, nil
}
