package osm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Limits of the ticket list query, as documented.
const (
	// PageSize is the most rows one page of a list call returns.
	PageSize = 100
	// MaxSearchKeywords and SearchKeywordMaxLength bound search_key.
	MaxSearchKeywords      = 3
	SearchKeywordMaxLength = 64
	// MaxSearchLabels bounds label_id_list.
	MaxSearchLabels = 5
	// DefaultMaxResults and MaxMaxResults bound how many tickets one search
	// returns; the documented offset stops at 65535.
	DefaultMaxResults = 1000
	MaxMaxResults     = 10000
)

// SearchQuery is a ticket search. Zero fields do not filter.
type SearchQuery struct {
	// Statuses: each is one search (the status parameter takes one value);
	// the results are merged.
	Statuses []Status
	// Keywords match the short description (search_key, repeated).
	Keywords []string
	CaseID   string
	LabelIDs []int64
	// CreatedAfter and CreatedBefore bound the creation time; they are sent
	// to the second in the request's time zone.
	CreatedAfter, CreatedBefore time.Time
	GroupID                     string
	SubUserID, SubUserName      string
	// MaxResults caps the tickets returned (0: DefaultMaxResults); with
	// several statuses, the merged list.
	MaxResults int
}

// CaseSummary is one ticket of a search.
type CaseSummary struct {
	CaseID           string
	Status           Status
	Description      string
	TypeName         string
	BusinessTypeName string
	ProductCategory  string
	ServiceType      string
	RootCause        string
	Resolution       string
	CustomerID       string
	SubUserID        string
	SubUserName      string
	RegionName       string
	CreatedAt        Timestamp
	ConfirmedAt      Timestamp
	Labels           []Label
}

// Label is a label of a ticket.
type Label struct {
	ID    int64
	Name  string
	Color string
}

// SearchResult is what a search found.
type SearchResult struct {
	Cases []CaseSummary
	// TotalCount is the service's total_count, summed over the searches.
	TotalCount int
	// Truncated is true when MaxResults cut the list.
	Truncated bool
	// Requests is how many pages were read.
	Requests int
	Zone     string
	ZoneErr  error
}

type wireCasePage struct {
	TotalCount *int64        `json:"total_count"`
	Cases      []wireCaseRow `json:"incident_info_list"`
}

type wireCaseRow struct {
	XCustomerID         string          `json:"xcustomer_id"`
	XCustomerName       string          `json:"xcustomer_name"`
	Status              *int64          `json:"status"`
	IncidentID          string          `json:"incident_id"`
	BusinessTypeName    string          `json:"business_type_name"`
	IncidentTypeName    string          `json:"incident_type_name"`
	ProductCategoryName string          `json:"product_category_name"`
	IncidentServiceType string          `json:"incident_service_type"`
	CustomerID          string          `json:"customer_id"`
	DCName              string          `json:"dc_name"`
	SimpleDescription   string          `json:"simple_description"`
	RootCause           string          `json:"root_cause"`
	Resolution          string          `json:"resolution"`
	CreateTime          json.RawMessage `json:"create_time"`
	ConfirmedTime       json.RawMessage `json:"confirmed_time"`
	Labels              []struct {
		ID    *int64 `json:"label_id"`
		Name  string `json:"name"`
		Color string `json:"color"`
	} `json:"label_list"`
}

// Validate checks q against the documented limits.
func (q SearchQuery) Validate() error {
	if len(q.Keywords) > MaxSearchKeywords {
		return fmt.Errorf("at most %d search keywords are allowed, got %d", MaxSearchKeywords, len(q.Keywords))
	}
	for _, k := range q.Keywords {
		if err := ValidateHeaderValue(k, SearchKeywordMaxLength); err != nil {
			return fmt.Errorf("search keyword %w", err)
		}
	}
	if len(q.LabelIDs) > MaxSearchLabels {
		return fmt.Errorf("at most %d label ids are allowed, got %d", MaxSearchLabels, len(q.LabelIDs))
	}
	for _, s := range q.Statuses {
		if !s.Valid() {
			return fmt.Errorf("status %d is outside %d..%d", int(s), MinStatus, MaxStatus)
		}
	}
	if q.CaseID != "" {
		if err := ValidateCaseID(q.CaseID); err != nil {
			return fmt.Errorf("case id %w", err)
		}
	}
	if err := checkGroupID(q.GroupID); err != nil {
		return err
	}
	for name, v := range map[string]string{"sub-user id": q.SubUserID, "sub-user name": q.SubUserName} {
		if v != "" {
			if err := ValidateHeaderValue(v, GroupIDMaxLength); err != nil {
				return fmt.Errorf("%s %w", name, err)
			}
		}
	}
	if q.MaxResults < 0 || q.MaxResults > MaxMaxResults {
		return fmt.Errorf("max results must be between 1 and %d, got %d", MaxMaxResults, q.MaxResults)
	}
	if !q.CreatedAfter.IsZero() && !q.CreatedBefore.IsZero() && q.CreatedBefore.Before(q.CreatedAfter) {
		return errors.New("the end of the creation window is before its start")
	}
	return nil
}

// query builds the query parameters of q's search for one status (nil: no
// status filter), without offset and limit.
func (q SearchQuery) query(status *Status, loc *time.Location) url.Values {
	v := url.Values{}
	for _, k := range q.Keywords {
		v.Add("search_key", k)
	}
	for _, l := range q.LabelIDs {
		v.Add("label_id_list", strconv.FormatInt(l, 10))
	}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("incident_id", q.CaseID)
	set("group_id", q.GroupID)
	set("x_customer_id", q.SubUserID)
	set("x_customer_name", q.SubUserName)
	if !q.CreatedAfter.IsZero() {
		// The window is to the second: a fraction of the start rounds down.
		set("query_start_time", q.CreatedAfter.In(loc).Format(QueryTimeLayout))
	}
	if !q.CreatedBefore.IsZero() {
		// ... and a fraction of the end rounds up, so the window never shrinks.
		end := q.CreatedBefore.In(loc)
		if end.Nanosecond() != 0 {
			end = end.Truncate(time.Second).Add(time.Second)
		}
		set("query_end_time", end.Format(QueryTimeLayout))
	}
	if status != nil {
		v.Set("status", strconv.Itoa(int(*status)))
	}
	return v
}

// SearchCases runs a ticket search with GET /v2/servicerequest/cases. It
// reads PageSize tickets a page: the first page of each search gives its
// total_count, and the pages after it are read concurrently, every request
// through the client's shared limiter. With several statuses it runs one
// search per status, concurrently, and merges them newest first.
func (c *Client) SearchCases(ctx context.Context, q SearchQuery, opts RequestOptions) (*SearchResult, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.MaxResults == 0 {
		q.MaxResults = DefaultMaxResults
	}
	zone, loc, zoneErr := c.zoneOf(opts)
	if zoneErr != nil && (!q.CreatedAfter.IsZero() || !q.CreatedBefore.IsZero()) {
		return nil, fmt.Errorf("cannot send the creation window: the time zone %w", zoneErr)
	}
	statuses := slices.Clone(q.Statuses)
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)
	var searches []*Status
	if len(statuses) == 0 {
		searches = []*Status{nil}
	}
	for i := range statuses {
		searches = append(searches, &statuses[i])
	}

	start := time.Now()
	type outcome struct {
		rows  []wireCaseRow
		total int
		pages int
	}
	outcomes := make([]outcome, len(searches))
	err := forEachConcurrently(ctx, len(searches), func(ctx context.Context, i int) error {
		base := q.query(searches[i], loc)
		var pages int
		var mu sync.Mutex
		rows, total, err := fetchPages(ctx, q.MaxResults, func(ctx context.Context, offset, limit int) ([]wireCaseRow, int, error) {
			v := url.Values{}
			for k, vs := range base {
				v[k] = vs
			}
			v.Set("offset", strconv.Itoa(offset))
			v.Set("limit", strconv.Itoa(limit))
			var page wireCasePage
			mu.Lock()
			pages++
			mu.Unlock()
			if err := c.getJSON(ctx, []string{"cases"}, v, opts, &page); err != nil {
				return nil, 0, err
			}
			t := -1
			if page.TotalCount != nil {
				t = int(*page.TotalCount)
			}
			return page.Cases, t, nil
		})
		outcomes[i] = outcome{rows: rows, total: total, pages: pages}
		return err
	})
	if err != nil {
		return nil, err
	}

	res := &SearchResult{Cases: []CaseSummary{}, Zone: zone, ZoneErr: zoneErr}
	seen := map[string]bool{}
	for _, o := range outcomes {
		res.TotalCount += max(o.total, len(o.rows))
		res.Requests += o.pages
		for _, r := range o.rows {
			// Offset paging over a list that changes can show a ticket twice.
			if seen[r.IncidentID] {
				continue
			}
			seen[r.IncidentID] = true
			cs, err := c.caseSummary(r, loc)
			if err != nil {
				return nil, err
			}
			res.Cases = append(res.Cases, cs)
		}
	}
	if len(searches) > 1 {
		slices.SortStableFunc(res.Cases, newestFirst)
	}
	if len(res.Cases) > q.MaxResults {
		res.Cases = res.Cases[:q.MaxResults]
	}
	res.Truncated = res.TotalCount > len(res.Cases) && len(res.Cases) == q.MaxResults
	c.log.Log(ctx, LevelDebug, "OSM API ticket search", map[string]any{
		"searches": len(searches), "pages": res.Requests, "tickets": len(res.Cases),
		"total_count": res.TotalCount, "truncated": res.Truncated, "duration_ms": time.Since(start).Milliseconds(),
	})
	return res, nil
}

// newestFirst orders tickets by creation time, newest first; tickets
// without a readable creation time go last, by id.
func newestFirst(a, b CaseSummary) int {
	switch {
	case a.CreatedAt.OK && b.CreatedAt.OK && !a.CreatedAt.Time.Equal(b.CreatedAt.Time):
		return b.CreatedAt.Time.Compare(a.CreatedAt.Time)
	case a.CreatedAt.OK != b.CreatedAt.OK:
		if a.CreatedAt.OK {
			return -1
		}
		return 1
	}
	switch {
	case a.CaseID < b.CaseID:
		return -1
	case a.CaseID > b.CaseID:
		return 1
	}
	return 0
}

func (c *Client) caseSummary(r wireCaseRow, loc *time.Location) (CaseSummary, error) {
	s, err := c.checkStatus(r.Status)
	if err != nil {
		return CaseSummary{}, err
	}
	cs := CaseSummary{
		CaseID: r.IncidentID, Status: s, Description: r.SimpleDescription, TypeName: r.IncidentTypeName,
		BusinessTypeName: r.BusinessTypeName, ProductCategory: r.ProductCategoryName, ServiceType: r.IncidentServiceType,
		RootCause: r.RootCause, Resolution: r.Resolution, CustomerID: r.CustomerID,
		SubUserID: r.XCustomerID, SubUserName: r.XCustomerName, RegionName: r.DCName,
		CreatedAt: parseTimestamp(r.CreateTime, loc), ConfirmedAt: parseTimestamp(r.ConfirmedTime, loc),
		Labels: make([]Label, 0, len(r.Labels)),
	}
	for _, l := range r.Labels {
		lb := Label{Name: l.Name, Color: l.Color}
		if l.ID != nil {
			lb.ID = *l.ID
		}
		cs.Labels = append(cs.Labels, lb)
	}
	return cs, nil
}

// fetchPages reads up to want rows of a paged list call: the first page
// (PageSize rows, fewer when want is smaller) gives the total, and the
// other pages are requested concurrently. get returns a page and the
// total it reports (-1 when the answer has none; the pages are then read one
// after the other until a short one). It returns the rows in order and the
// reported total.
func fetchPages[T any](ctx context.Context, want int, get func(ctx context.Context, offset, limit int) ([]T, int, error)) ([]T, int, error) {
	limit := min(PageSize, want)
	first, total, err := get(ctx, 0, limit)
	if err != nil {
		return nil, 0, err
	}
	rows := first
	if total < 0 {
		// No total_count: page sequentially until a short page.
		for len(first) == limit && len(rows) < want {
			n := min(PageSize, want-len(rows))
			page, _, err := get(ctx, len(rows), n)
			if err != nil {
				return nil, 0, err
			}
			rows = append(rows, page...)
			if len(page) < n {
				break
			}
		}
		return rows[:min(len(rows), want)], len(rows), nil
	}
	n := min(total, want)
	if len(first) < limit || len(first) >= n {
		return first[:min(len(first), want)], total, nil
	}
	var offsets []int
	for off := len(first); off < n; off += PageSize {
		offsets = append(offsets, off)
	}
	pages := make([][]T, len(offsets))
	err = forEachConcurrently(ctx, len(offsets), func(ctx context.Context, i int) error {
		page, _, err := get(ctx, offsets[i], min(PageSize, n-offsets[i]))
		pages[i] = page
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	for _, p := range pages {
		rows = append(rows, p...)
	}
	return rows[:min(len(rows), want)], total, nil
}

// forEachConcurrently runs f for 0..n-1, each in its own goroutine (the
// client's limiter bounds the requests in flight), and returns the first
// error; that error cancels the context of the others. It returns after
// every f has returned.
func forEachConcurrently(ctx context.Context, n int, f func(ctx context.Context, i int) error) error {
	if n == 1 {
		return f(ctx, 0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx, i); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return firstErr
}
