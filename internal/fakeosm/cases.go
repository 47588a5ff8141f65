package fakeosm

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The ticket calls besides the status: details, operation log, search and
// counts, served from the tickets the fake holds. A ticket set with
// SetStatus only is served with its status and empty fields; SetTicket
// gives it the rest.

// Calls the fake serves, as recorded in Request.Call.
const (
	CallStatus      = "status"
	CallDetail      = "detail"
	CallOperateLogs = "operate-logs"
	CallSearch      = "search"
	CallCount       = "count"
)

// Keys of canned responses (SetResponses) for the calls other than the
// status, whose key is the case id.
const (
	SearchKey = "search"
	CountKey  = "count"
)

// DetailKey and OperateLogsKey are the SetResponses keys of one ticket's
// details and operation log.
func DetailKey(caseID string) string      { return CallDetail + ":" + caseID }
func OperateLogsKey(caseID string) string { return CallOperateLogs + ":" + caseID }

// Ticket is everything the fake knows of one ticket.
type Ticket struct {
	ID                string
	Status            int
	Description       string
	TypeName          string
	BusinessTypeName  string
	SeverityName      string
	SourceName        string
	RegionName        string
	CustomerID        string
	SubUserID         string
	SubUserName       string
	BusinessOwnership *int
	Judgement         string
	ProductCategory   string
	ServiceType       string
	RootCause         string
	Resolution        string
	// GroupID is the IAM group of another member's ticket: it is found only
	// with that group_id (and the details of it are refused without it).
	GroupID      string
	Created      time.Time
	Confirmed    time.Time // zero: absent
	Resolved     time.Time // zero: absent; sent as epoch milliseconds
	Labels       []Label
	Messages     []Message
	History      []LogEntry
	Satisfaction []Satisfaction
	// RawTimes replaces a time field with this JSON text, verbatim:
	// "create_time", "confirmed_time" or "resolve_time".
	RawTimes map[string]string
}

// Label is a ticket label.
type Label struct {
	ID    int
	Name  string
	Color string
}

// Message is one message of a ticket.
type Message struct {
	ID           string
	FromEngineer bool
	AuthorID     string
	AuthorName   string
	Content      string
	Created      time.Time
	Attachments  []string
}

// LogEntry is one entry of a ticket's operation log.
type LogEntry struct {
	OperateType  int
	OperatorType int
	OperatorID   string
	OperatorName string
	Description  string
	Time         time.Time
	RawTime      string // when set, sent verbatim as timestamp_operate_time's JSON
}

// Satisfaction is one rating.
type Satisfaction struct {
	ID, Value     int
	Name          string
	DimensionID   string
	DimensionName string
}

type caseState struct {
	details    map[string]Ticket
	timeLayout string         // "" means "2006-01-02 15:04:05"
	answerZone *time.Location // nil: the request's X-Time-Zone
}

// SetTicket stores a ticket, replacing one with the same ID; its Status is
// the ticket's status as SetStatus would set it.
func (s *Server) SetTicket(t Ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cases.details == nil {
		s.cases.details = map[string]Ticket{}
	}
	s.cases.details[t.ID] = t
	s.tickets[t.ID] = t.Status
}

// SetTimeLayout makes the fake format its time strings with a Go layout
// (time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04:05+08:00", ...);
// "" restores the default "2006-01-02 15:04:05".
func (s *Server) SetTimeLayout(layout string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cases.timeLayout = layout
}

// SetAnswerZone makes the fake format times in loc whatever the request's
// X-Time-Zone; nil restores the default: the request's zone (GMT+8 when
// absent), as the service does.
func (s *Server) SetAnswerZone(loc *time.Location) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cases.answerZone = loc
}

var (
	detailPath = regexp.MustCompile(`^/v2/servicerequest/cases/([^/]+)$`)
	logsPath   = regexp.MustCompile(`^/v2/servicerequest/cases/([^/]+)/operate-logs$`)
)

// parseCallPath recognises the paths of the calls of this file. key is the
// SetResponses key of the call.
func (s *Server) parseCallPath(escaped string) (call, caseID, key string, ok bool) {
	s.mu.Lock()
	prefix := s.prefix
	s.mu.Unlock()
	rest, found := strings.CutPrefix(escaped, prefix)
	if !found {
		return "", "", "", false
	}
	switch rest {
	case "/v2/servicerequest/cases":
		return CallSearch, "", SearchKey, true
	case "/v2/servicerequest/cases/count":
		return CallCount, "", CountKey, true
	}
	for _, p := range []struct {
		re   *regexp.Regexp
		call string
	}{{detailPath, CallDetail}, {logsPath, CallOperateLogs}} {
		if m := p.re.FindStringSubmatch(rest); m != nil {
			id, err := url.PathUnescape(m[1])
			if err != nil {
				return "", "", "", false
			}
			return p.call, id, p.call + ":" + id, true
		}
	}
	return "", "", "", false
}

// fakeZone interprets an X-Time-Zone value: "GMT+8"-style offsets, UTC/GMT
// and IANA names. It is the fake's own reading, independent of the client's.
func fakeZone(name string) *time.Location {
	if name == "" {
		name = "GMT+8"
	}
	up := strings.ToUpper(name)
	if up == "UTC" || up == "GMT" {
		return time.UTC
	}
	for _, p := range []string{"GMT", "UTC"} {
		if rest, ok := strings.CutPrefix(up, p); ok && rest != "" && (rest[0] == '+' || rest[0] == '-') {
			sign := 1
			if rest[0] == '-' {
				sign = -1
			}
			h, m, _ := strings.Cut(rest[1:], ":")
			hours, err1 := strconv.Atoi(h)
			mins := 0
			var err2 error
			if m != "" {
				mins, err2 = strconv.Atoi(m)
			}
			if err1 == nil && err2 == nil {
				return time.FixedZone(name, sign*(hours*3600+mins*60))
			}
		}
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return nil
}

// timeFormatter formats times for one answer.
type timeFormatter struct {
	layout string
	loc    *time.Location
}

func (f timeFormatter) str(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(f.loc).Format(f.layout)
}

func (s *Server) formatterFor(r *http.Request) (timeFormatter, bool) {
	s.mu.Lock()
	f := timeFormatter{layout: s.cases.timeLayout, loc: s.cases.answerZone}
	s.mu.Unlock()
	if f.layout == "" {
		f.layout = "2006-01-02 15:04:05"
	}
	if f.loc == nil {
		f.loc = fakeZone(r.Header.Get("X-Time-Zone"))
	}
	return f, f.loc != nil
}

// ticketLocked returns the ticket caseID with its current status. s.mu
// must be held.
func (s *Server) ticketLocked(caseID string) (Ticket, bool) {
	status, ok := s.tickets[caseID]
	if !ok {
		return Ticket{}, false
	}
	t, ok := s.cases.details[caseID]
	if !ok {
		t = Ticket{ID: caseID}
	}
	t.Status = status
	return t, true
}

func withRaw(m map[string]any, raw map[string]string) {
	for k, v := range raw {
		m[k] = json.RawMessage(v)
	}
}

// paramError is the service's answer to a bad parameter: HTTP 200 with an
// error_code.
func paramError(w http.ResponseWriter, what string) {
	writeJSON(w, http.StatusOK, errorBody("OSM.01010001", "Param validation fail: "+what))
}

// pageParams reads offset (0..65535, default 0) and limit (1..100, default
// 10) as documented.
func pageParams(q url.Values) (offset, limit int, msg string) {
	offset, limit = 0, 10
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			return 0, 0, "offset"
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, "limit"
		}
		limit = n
	}
	return offset, limit, ""
}

// serveCall answers the calls of this file for an authorized GET.
func (s *Server) serveCall(w http.ResponseWriter, r *http.Request, call, caseID string) {
	f, ok := s.formatterFor(r)
	if !ok {
		paramError(w, "X-Time-Zone")
		return
	}
	q := r.URL.Query()
	switch call {
	case CallDetail:
		s.serveDetail(w, q, caseID, f)
	case CallOperateLogs:
		s.serveLogs(w, q, caseID, f)
	case CallSearch:
		s.serveSearch(w, q, f)
	case CallCount:
		s.serveCount(w, q)
	}
}

// lookup finds a ticket the request may read, or answers the error.
func (s *Server) lookup(w http.ResponseWriter, q url.Values, caseID string) (Ticket, bool) {
	s.mu.Lock()
	t, ok := s.ticketLocked(caseID)
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, errorBody("OSM.01010015", "This case does not exist"))
		return Ticket{}, false
	}
	if t.GroupID != q.Get("group_id") {
		writeJSON(w, http.StatusOK, errorBody("OSM.01010002", "No operation permission"))
		return Ticket{}, false
	}
	return t, true
}

func (s *Server) serveDetail(w http.ResponseWriter, q url.Values, caseID string, f timeFormatter) {
	t, ok := s.lookup(w, q, caseID)
	if !ok {
		return
	}
	msgs := []any{}
	for i, m := range t.Messages {
		typ := 0
		if m.FromEngineer {
			typ = 1
		}
		acc := []any{}
		for j, a := range m.Attachments {
			acc = append(acc, map[string]any{"accessory_id": strconv.Itoa(j + 1), "file_actual_name": a})
		}
		first := 0
		if i == 0 {
			first = 1
		}
		msgs = append(msgs, map[string]any{
			"type": typ, "replier": m.AuthorID, "content": m.Content, "message_id": m.ID,
			"replier_name": m.AuthorName, "create_time": f.str(m.Created), "is_first_message": first,
			"accessory_list": acc,
		})
	}
	sat := []any{}
	for _, r := range t.Satisfaction {
		sat = append(sat, map[string]any{
			"value": r.Value * 20, "satisfaction_id": r.ID, "satisfaction_value": r.Value,
			"satisfaction_name": r.Name, "per_value": 20, "sat_category_id": r.DimensionID,
			"sat_category_name": r.DimensionName,
		})
	}
	info := map[string]any{
		"incident_id": t.ID, "status": t.Status, "judgement": t.Judgement,
		"business_type_name": t.BusinessTypeName, "incident_type_name": t.TypeName,
		"customer_id": t.CustomerID, "dc_name": t.RegionName, "simple_description": t.Description,
		"source_name": t.SourceName, "create_time": f.str(t.Created),
		"message_list": msgs, "incident_satisfaction": sat, "severity_name": t.SeverityName,
	}
	if t.SubUserID != "" {
		info["xcustomer_id"], info["xcustomer_name"] = t.SubUserID, t.SubUserName
	}
	if t.BusinessOwnership != nil {
		info["business_ownership"] = *t.BusinessOwnership
	}
	if !t.Resolved.IsZero() {
		info["resolve_time"] = t.Resolved.UnixMilli()
	}
	withRaw(info, t.RawTimes)
	writeAny(w, map[string]any{"incident_detail_info": info})
}

func (s *Server) serveLogs(w http.ResponseWriter, q url.Values, caseID string, f timeFormatter) {
	t, ok := s.lookup(w, q, caseID)
	if !ok {
		return
	}
	offset, limit, bad := pageParams(q)
	if bad != "" {
		paramError(w, bad)
		return
	}
	rows := []any{}
	for i := offset; i < len(t.History) && i < offset+limit; i++ {
		e := t.History[i]
		row := map[string]any{
			"incident_log_id": t.ID + "-log-" + strconv.Itoa(i), "incident_id": t.ID,
			"operate_type": e.OperateType, "operator_type": e.OperatorType, "operator_id": e.OperatorID,
			"operator_name": e.OperatorName, "operate_desc": e.Description,
			"operate_time": f.str(e.Time), "timestamp_operate_time": f.str(e.Time),
		}
		if e.RawTime != "" {
			row["timestamp_operate_time"] = json.RawMessage(e.RawTime)
			delete(row, "operate_time")
		}
		rows = append(rows, row)
	}
	writeAny(w, map[string]any{"total_count": len(t.History), "incident_operate_log_list": rows})
}

// serveSearch filters as documented: search_key (every keyword must be in
// the short description, any case), label_id_list (any of the labels),
// incident_id, the creation window (yyyy-MM-dd HH:mm:ss in the request's
// zone, both ends included), status, x_customer_id, x_customer_name and
// group_id (a group's tickets only with its id); newest first, then by id.
func (s *Server) serveSearch(w http.ResponseWriter, q url.Values, f timeFormatter) {
	offset, limit, bad := pageParams(q)
	if bad != "" {
		paramError(w, bad)
		return
	}
	keys := q["search_key"]
	if len(keys) > 3 {
		paramError(w, "search_key")
		return
	}
	labels := q["label_id_list"]
	if len(labels) > 5 {
		paramError(w, "label_id_list")
		return
	}
	var from, to time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"query_start_time", &from}, {"query_end_time", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02 15:04:05", v, f.loc)
			if err != nil {
				paramError(w, p.name)
				return
			}
			*p.t = t
		}
	}
	status := -1
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 30 {
			paramError(w, "status")
			return
		}
		status = n
	}
	s.mu.Lock()
	var all []Ticket
	for id := range s.tickets {
		t, _ := s.ticketLocked(id)
		all = append(all, t)
	}
	s.mu.Unlock()
	var hits []Ticket
	for _, t := range all {
		if matches(t, q, keys, labels, from, to, status) {
			hits = append(hits, t)
		}
	}
	slices.SortFunc(hits, func(a, b Ticket) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	rows := []any{}
	for i := offset; i < len(hits) && i < offset+limit; i++ {
		t := hits[i]
		lbs := []any{}
		for _, l := range t.Labels {
			lbs = append(lbs, map[string]any{"label_id": l.ID, "name": l.Name, "color": l.Color})
		}
		row := map[string]any{
			"status": t.Status, "incident_id": t.ID, "business_type_name": t.BusinessTypeName,
			"incident_type_name": t.TypeName, "customer_id": t.CustomerID, "dc_name": t.RegionName,
			"simple_description": t.Description, "create_time": f.str(t.Created), "label_list": lbs,
		}
		for k, v := range map[string]string{"product_category_name": t.ProductCategory, "incident_service_type": t.ServiceType,
			"root_cause": t.RootCause, "resolution": t.Resolution, "xcustomer_id": t.SubUserID, "xcustomer_name": t.SubUserName} {
			if v != "" {
				row[k] = v
			}
		}
		if !t.Confirmed.IsZero() {
			row["confirmed_time"] = f.str(t.Confirmed)
		}
		raw := map[string]string{}
		for k, v := range t.RawTimes {
			if k != "resolve_time" {
				raw[k] = v
			}
		}
		withRaw(row, raw)
		rows = append(rows, row)
	}
	writeAny(w, map[string]any{"total_count": len(hits), "incident_info_list": rows})
}

func matches(t Ticket, q url.Values, keys, labels []string, from, to time.Time, status int) bool {
	if t.GroupID != q.Get("group_id") {
		return false
	}
	for _, k := range keys {
		if !strings.Contains(strings.ToLower(t.Description), strings.ToLower(k)) {
			return false
		}
	}
	if len(labels) > 0 && !slices.ContainsFunc(t.Labels, func(l Label) bool {
		return slices.Contains(labels, strconv.Itoa(l.ID))
	}) {
		return false
	}
	if v := q.Get("incident_id"); v != "" && t.ID != v {
		return false
	}
	if !from.IsZero() && (t.Created.IsZero() || t.Created.Before(from)) {
		return false
	}
	if !to.IsZero() && (t.Created.IsZero() || t.Created.After(to)) {
		return false
	}
	if status >= 0 && t.Status != status {
		return false
	}
	if v := q.Get("x_customer_id"); v != "" && t.SubUserID != v {
		return false
	}
	if v := q.Get("x_customer_name"); v != "" && t.SubUserName != v {
		return false
	}
	return true
}

func (s *Server) serveCount(w http.ResponseWriter, q url.Values) {
	only := -1
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 20 {
			paramError(w, "status")
			return
		}
		only = n
	}
	counts := map[int]int{}
	s.mu.Lock()
	for id, st := range s.tickets {
		if t, ok := s.cases.details[id]; ok && t.GroupID != "" {
			continue // another member's ticket
		}
		if only < 0 || st == only {
			counts[st]++
		}
	}
	s.mu.Unlock()
	statuses := make([]int, 0, len(counts))
	for st := range counts {
		statuses = append(statuses, st)
	}
	slices.Sort(statuses)
	rows := []any{}
	for _, st := range statuses {
		rows = append(rows, map[string]any{"status": st, "count": counts[st]})
	}
	writeAny(w, map[string]any{"incident_status_counts": rows})
}

func writeAny(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorBody("FAKE.0002", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, string(b))
}
