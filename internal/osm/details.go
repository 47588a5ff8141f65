package osm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// GroupIDMaxLength bounds group_id, and the sub-user filters of a search.
const GroupIDMaxLength = 64

// Message senders, by the documented type of a message.
const (
	FromCustomer = "customer"
	FromEngineer = "engineer"
	FromUnknown  = "unknown"
)

// BusinessOwnershipName is the documented meaning of business_ownership:
// who owns the business the ticket is about.
func BusinessOwnershipName(n int64) string {
	switch n {
	case 0:
		return "Huawei Cloud"
	case 1:
		return "BP partner"
	case 2:
		return "ISV"
	}
	return UnknownStatusName
}

// CaseDetail is one ticket as GET /v2/servicerequest/cases/{case_id}
// describes it. Text fields the answer lacks are "".
type CaseDetail struct {
	CaseID            string
	Status            Status
	Description       string // simple_description
	TypeName          string // incident_type_name, localized by X-Language
	BusinessTypeName  string
	SeverityName      string
	SourceName        string
	RegionName        string // dc_name
	CustomerID        string
	SubUserID         string // xcustomer_id
	SubUserName       string // xcustomer_name
	BusinessOwnership *int64
	Judgement         string
	CreatedAt         Timestamp
	ResolvedAt        Timestamp // resolve_time, epoch milliseconds
	Messages          []Message
	Satisfaction      []Satisfaction
	// Zone is the X-Time-Zone the answer was asked in; ZoneErr is set when
	// the client cannot interpret it, so offset-less times stayed raw.
	Zone    string
	ZoneErr error
}

// Message is one entry of a ticket's message list.
type Message struct {
	ID          string
	From        string // FromCustomer, FromEngineer or FromUnknown
	AuthorID    string
	AuthorName  string
	Content     string
	CreatedAt   Timestamp
	Attachments []string // original file names
}

// Satisfaction is one rating of a ticket.
type Satisfaction struct {
	ID            int64 // satisfaction_id: the rated category
	Name          string
	Value         int64  // satisfaction_value
	TotalScore    *int64 // value
	PerStep       *int64 // per_value
	DimensionID   string
	DimensionName string
}

type wireDetailBody struct {
	Info *wireDetail `json:"incident_detail_info"`
}

type wireDetail struct {
	XCustomerID       string             `json:"xcustomer_id"`
	XCustomerName     string             `json:"xcustomer_name"`
	Status            *int64             `json:"status"`
	Judgement         string             `json:"judgement"`
	IncidentID        string             `json:"incident_id"`
	BusinessTypeName  string             `json:"business_type_name"`
	IncidentTypeName  string             `json:"incident_type_name"`
	CustomerID        string             `json:"customer_id"`
	DCName            string             `json:"dc_name"`
	SimpleDescription string             `json:"simple_description"`
	SourceName        string             `json:"source_name"`
	CreateTime        json.RawMessage    `json:"create_time"`
	MessageList       []wireMessage      `json:"message_list"`
	Satisfaction      []wireSatisfaction `json:"incident_satisfaction"`
	SeverityName      string             `json:"severity_name"`
	BusinessOwnership *int64             `json:"business_ownership"`
	ResolveTime       json.RawMessage    `json:"resolve_time"`
}

type wireMessage struct {
	Type        *int64          `json:"type"`
	Replier     string          `json:"replier"`
	Content     string          `json:"content"`
	MessageID   string          `json:"message_id"`
	ReplierName string          `json:"replier_name"`
	CreateTime  json.RawMessage `json:"create_time"`
	Accessories []struct {
		ID   string `json:"accessory_id"`
		Name string `json:"file_actual_name"`
	} `json:"accessory_list"`
}

type wireSatisfaction struct {
	Value             *int64 `json:"value"`
	SatisfactionID    int64  `json:"satisfaction_id"`
	SatisfactionValue int64  `json:"satisfaction_value"`
	SatisfactionName  string `json:"satisfaction_name"`
	PerValue          *int64 `json:"per_value"`
	SatCategoryID     string `json:"sat_category_id"`
	SatCategoryName   string `json:"sat_category_name"`
}

// checkGroupID validates an optional group_id.
func checkGroupID(groupID string) error {
	if groupID == "" {
		return nil
	}
	if err := ValidateHeaderValue(groupID, GroupIDMaxLength); err != nil {
		return fmt.Errorf("group id %w", err)
	}
	return nil
}

// CaseDetail reads one ticket with GET /v2/servicerequest/cases/{case_id};
// groupID ("" for none) is the IAM group the ticket belongs to when another
// member of the group owns it. Times are read in the zone the request
// declares.
func (c *Client) CaseDetail(ctx context.Context, caseID, groupID string, opts RequestOptions) (*CaseDetail, error) {
	if err := ValidateCaseID(caseID); err != nil {
		return nil, fmt.Errorf("case id %w", err)
	}
	if err := checkGroupID(groupID); err != nil {
		return nil, err
	}
	zone, loc, zoneErr := c.zoneOf(opts)
	// Decoded in two steps so that an answer of the wrong shape is reported
	// without quoting its body: the body holds the ticket's messages.
	var raw json.RawMessage
	if err := c.getJSON(ctx, []string{"cases", caseID}, groupQuery(groupID), opts, &raw); err != nil {
		return nil, err
	}
	var body wireDetailBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, c.unexpected("the response body does not have the documented shape: " + Sanitize(shapeError(err), 200))
	}
	w := body.Info
	if w == nil {
		return nil, c.unexpected("the answer has no incident_detail_info")
	}
	s, err := c.checkStatus(w.Status)
	if err != nil {
		return nil, err
	}
	d := &CaseDetail{
		CaseID: caseID, Status: s,
		Description: w.SimpleDescription, TypeName: w.IncidentTypeName, BusinessTypeName: w.BusinessTypeName,
		SeverityName: w.SeverityName, SourceName: w.SourceName, RegionName: w.DCName, CustomerID: w.CustomerID,
		SubUserID: w.XCustomerID, SubUserName: w.XCustomerName, BusinessOwnership: w.BusinessOwnership,
		Judgement:  w.Judgement,
		CreatedAt:  parseTimestamp(w.CreateTime, loc),
		ResolvedAt: parseTimestamp(w.ResolveTime, loc),
		Zone:       zone, ZoneErr: zoneErr,
		Messages:     make([]Message, 0, len(w.MessageList)),
		Satisfaction: make([]Satisfaction, 0, len(w.Satisfaction)),
	}
	for _, m := range w.MessageList {
		msg := Message{ID: m.MessageID, From: FromUnknown, AuthorID: m.Replier, AuthorName: m.ReplierName,
			Content: m.Content, CreatedAt: parseTimestamp(m.CreateTime, loc), Attachments: []string{}}
		if m.Type != nil {
			switch *m.Type {
			case 0:
				msg.From = FromCustomer
			case 1:
				msg.From = FromEngineer
			}
		}
		for _, a := range m.Accessories {
			msg.Attachments = append(msg.Attachments, a.Name)
		}
		d.Messages = append(d.Messages, msg)
	}
	for _, r := range w.Satisfaction {
		d.Satisfaction = append(d.Satisfaction, Satisfaction{
			ID: r.SatisfactionID, Name: r.SatisfactionName, Value: r.SatisfactionValue,
			TotalScore: r.Value, PerStep: r.PerValue, DimensionID: r.SatCategoryID, DimensionName: r.SatCategoryName,
		})
	}
	return d, nil
}

func groupQuery(groupID string) url.Values {
	if groupID == "" {
		return nil
	}
	return url.Values{"group_id": {groupID}}
}

// shapeError describes a decoding error by the field and the types only,
// never the value that did not fit.
func shapeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is a JSON %s, not %s", te.Field, te.Value, te.Type)
	}
	return "the JSON does not fit"
}

// unexpected is a KindUnexpected error for a well-formed JSON answer whose
// content is not what the documentation promises.
func (c *Client) unexpected(reason string) *Error {
	return &Error{Kind: KindUnexpected, HTTPStatus: 200, Host: c.base.Host, Reason: reason}
}

// checkStatus validates a status number of an answer.
func (c *Client) checkStatus(n *int64) (Status, error) {
	if n == nil {
		return 0, c.unexpected("a ticket in the answer has no status")
	}
	s := Status(*n)
	if int64(s) != *n || !s.Valid() {
		return 0, c.unexpected(fmt.Sprintf("the status %d is outside the documented range %d..%d", *n, MinStatus, MaxStatus))
	}
	return s, nil
}

// Operation types of a ticket's operation log, as documented.
var operationNames = map[int64]string{
	0:   "Created",
	2:   "Urged",
	3:   "Closed",
	4:   "Canceled",
	5:   "Evaluated",
	13:  "Deleted",
	16:  "Rejected from the user center",
	73:  "Authorization confirmed",
	74:  "Authorization refused",
	83:  "Authorization revoked",
	84:  "Exported",
	85:  "Feedback given",
	114: "Contact method changed",
	115: "Contact method deleted",
}

// OperationName is the English label of a documented operation type, or
// "Unknown".
func OperationName(n int64) string {
	if s, ok := operationNames[n]; ok {
		return s
	}
	return UnknownStatusName
}

// OperationCodes lists the documented operation types in ascending order.
func OperationCodes() []int64 {
	return []int64{0, 2, 3, 4, 5, 13, 16, 73, 74, 83, 84, 85, 114, 115}
}

// LogEntry is one entry of a ticket's operation log.
type LogEntry struct {
	ID            string
	OperationType *int64
	OperatorType  *int64
	OperatorID    string
	OperatorName  string
	Description   string
	Time          Timestamp
}

type wireLogPage struct {
	TotalCount *int64       `json:"total_count"`
	Entries    []wireLogRow `json:"incident_operate_log_list"`
}

type wireLogRow struct {
	ID                   string          `json:"incident_log_id"`
	OperateType          *int64          `json:"operate_type"`
	OperatorType         *int64          `json:"operator_type"`
	OperatorID           string          `json:"operator_id"`
	OperatorName         string          `json:"operator_name"`
	OperateDesc          string          `json:"operate_desc"`
	OperateTime          json.RawMessage `json:"operate_time"`
	TimestampOperateTime json.RawMessage `json:"timestamp_operate_time"`
}

// MaxHistoryEntries bounds how much of an operation log CaseHistory reads:
// the documented maximum of total_count.
const MaxHistoryEntries = 65535

// CaseHistory reads a ticket's whole operation log with
// GET /v2/servicerequest/cases/{case_id}/operate-logs, PageSize entries a
// page: the first page gives the total, the others are read concurrently.
func (c *Client) CaseHistory(ctx context.Context, caseID, groupID string, opts RequestOptions) ([]LogEntry, error) {
	if err := ValidateCaseID(caseID); err != nil {
		return nil, fmt.Errorf("case id %w", err)
	}
	if err := checkGroupID(groupID); err != nil {
		return nil, err
	}
	_, loc, _ := c.zoneOf(opts)
	rows, _, err := fetchPages(ctx, MaxHistoryEntries, func(ctx context.Context, offset, limit int) ([]wireLogRow, int, error) {
		q := groupQuery(groupID)
		if q == nil {
			q = url.Values{}
		}
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(limit))
		var page wireLogPage
		if err := c.getJSON(ctx, []string{"cases", caseID, "operate-logs"}, q, opts, &page); err != nil {
			return nil, 0, err
		}
		total := -1
		if page.TotalCount != nil {
			total = int(*page.TotalCount)
		}
		return page.Entries, total, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]LogEntry, 0, len(rows))
	for _, r := range rows {
		t := parseTimestamp(r.TimestampOperateTime, loc)
		if t.Absent() {
			t = parseTimestamp(r.OperateTime, loc)
		}
		out = append(out, LogEntry{ID: r.ID, OperationType: r.OperateType, OperatorType: r.OperatorType,
			OperatorID: r.OperatorID, OperatorName: r.OperatorName, Description: r.OperateDesc, Time: t})
	}
	return out, nil
}
