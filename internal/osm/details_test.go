package osm_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// caseFake serves the fake with no tickets and returns a client for it.
func caseFake(t *testing.T) (*fakeosm.Server, *osm.Client) {
	t.Helper()
	f := fakeosm.New(testToken)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	auth, err := osm.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	c, err := osm.New(osm.Config{Endpoint: srv.URL, Auth: auth, MaxConcurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// at10GMT8 is 2026-11-30 10:00 GMT+8, 02:00 UTC.
var at10GMT8 = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)

func fullTicket() fakeosm.Ticket {
	owner := 1
	return fakeosm.Ticket{
		ID: "CS-1", Status: 1, Description: "ECS cannot boot", TypeName: "Technical", BusinessTypeName: "ECS",
		SeverityName: "Severity 1", SourceName: "Console", RegionName: "cn-south-1", CustomerID: "acct-1",
		SubUserID: "u-1", SubUserName: "alice", BusinessOwnership: &owner, Judgement: "fast",
		Created: at10GMT8, Resolved: at10GMT8.Add(2 * time.Hour),
		Messages: []fakeosm.Message{
			{ID: "m1", AuthorID: "u-1", AuthorName: "alice", Content: "password is hunter2", Created: at10GMT8, Attachments: []string{"log.txt"}},
			{ID: "m2", FromEngineer: true, AuthorName: "Huawei engineer", Content: "rebooting", Created: at10GMT8.Add(time.Minute)},
		},
		Satisfaction: []fakeosm.Satisfaction{{ID: 1, Value: 5, Name: "Timeliness", DimensionID: "d1", DimensionName: "Speed"}},
	}
}

func TestCaseDetail_everyField(t *testing.T) {
	f, c := caseFake(t)
	f.SetTicket(fullTicket())
	d, err := c.CaseDetail(context.Background(), "CS-1", "", osm.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != osm.StatusProcessing || d.Description != "ECS cannot boot" || d.TypeName != "Technical" ||
		d.BusinessTypeName != "ECS" || d.SeverityName != "Severity 1" || d.SourceName != "Console" ||
		d.RegionName != "cn-south-1" || d.CustomerID != "acct-1" || d.SubUserID != "u-1" || d.SubUserName != "alice" ||
		d.BusinessOwnership == nil || *d.BusinessOwnership != 1 || d.Judgement != "fast" {
		t.Errorf("details: %+v", d)
	}
	if got := d.CreatedAt.RFC3339(); got != "2026-11-30T10:00:00+08:00" {
		t.Errorf("created %s", got)
	}
	if got := d.ResolvedAt.RFC3339(); got != "2026-11-30T12:00:00+08:00" {
		t.Errorf("resolved %s", got)
	}
	if len(d.Messages) != 2 || d.Messages[0].From != osm.FromCustomer || d.Messages[1].From != osm.FromEngineer ||
		d.Messages[0].Content != "password is hunter2" || d.Messages[0].Attachments[0] != "log.txt" ||
		d.Messages[1].CreatedAt.RFC3339() != "2026-11-30T10:01:00+08:00" || len(d.Messages[1].Attachments) != 0 {
		t.Errorf("messages: %+v", d.Messages)
	}
	if len(d.Satisfaction) != 1 || d.Satisfaction[0].Value != 5 || *d.Satisfaction[0].TotalScore != 100 || d.Satisfaction[0].Name != "Timeliness" {
		t.Errorf("satisfaction: %+v", d.Satisfaction)
	}
	if r := f.Requests(); r[0].Path != "/v2/servicerequest/cases/CS-1" || r[0].Header.Get("X-Time-Zone") != "GMT+8" {
		t.Errorf("request %s %v", r[0].Path, r[0].Header)
	}
}

func TestCaseDetail_timeZoneOfTheRequest(t *testing.T) {
	f, c := caseFake(t)
	f.SetTicket(fullTicket())
	for zone, want := range map[string]string{
		"GMT-3:30": "2026-11-29T22:30:00-03:30", "UTC": "2026-11-30T02:00:00Z", "Asia/Tokyo": "2026-11-30T11:00:00+09:00",
	} {
		d, err := c.CaseDetail(context.Background(), "CS-1", "", osm.RequestOptions{TimeZone: zone})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.CreatedAt.RFC3339(); got != want || !d.CreatedAt.Time.Equal(at10GMT8) {
			t.Errorf("%s: %s, want %s", zone, got, want)
		}
	}
	// Every layout the fake can answer in reads back as the same instant.
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.000"} {
		f.SetTimeLayout(layout)
		d, err := c.CaseDetail(context.Background(), "CS-1", "", osm.RequestOptions{TimeZone: "GMT-3:30"})
		if err != nil {
			t.Fatal(err)
		}
		if !d.CreatedAt.Time.Equal(at10GMT8) {
			t.Errorf("layout %s: %v", layout, d.CreatedAt)
		}
	}
	// A literal +08:00 suffix on a GMT+8 answer.
	f.SetTimeLayout("2006-01-02T15:04:05+08:00")
	d, err := c.CaseDetail(context.Background(), "CS-1", "", osm.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.CreatedAt.Time.Equal(at10GMT8) {
		t.Errorf("+08:00 suffix: %v", d.CreatedAt)
	}
}

func TestCaseDetail_unparseableTimeIsKept(t *testing.T) {
	f, c := caseFake(t)
	tk := fullTicket()
	tk.RawTimes = map[string]string{"create_time": `"30.11.2026 10h"`, "resolve_time": `"soon"`}
	f.SetTicket(tk)
	d, err := c.CaseDetail(context.Background(), "CS-1", "", osm.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.CreatedAt.OK || d.CreatedAt.Raw != "30.11.2026 10h" || d.ResolvedAt.Raw != "soon" {
		t.Errorf("%+v %+v", d.CreatedAt, d.ResolvedAt)
	}
}

func TestCaseDetail_errors(t *testing.T) {
	f, c := caseFake(t)
	tk := fullTicket()
	tk.GroupID = "grp-1"
	f.SetTicket(tk)
	ctx := context.Background()
	if _, err := c.CaseDetail(ctx, "CS-NONE", "", osm.RequestOptions{}); !osm.IsKind(err, osm.KindCaseNotFound) {
		t.Errorf("missing ticket: %v", err)
	}
	if _, err := c.CaseDetail(ctx, "CS-1", "", osm.RequestOptions{}); !osm.IsKind(err, osm.KindForbidden) {
		t.Errorf("another member's ticket without group_id: %v", err)
	}
	if _, err := c.CaseDetail(ctx, "CS-1", "grp-1", osm.RequestOptions{}); err != nil {
		t.Errorf("with group_id: %v", err)
	}
	if q := f.Requests()[2].Query.Get("group_id"); q != "grp-1" {
		t.Errorf("group_id sent as %q", q)
	}
	for body, reason := range map[string]string{
		`{}`: "no incident_detail_info",
		`{"incident_detail_info":{"simple_description":"x"}}`: "no status",
		`{"incident_detail_info":{"status":99}}`:              "outside the documented range",
		`{"incident_detail_info":{"status":"1"}}`:             "documented shape",
	} {
		f.SetResponses(fakeosm.DetailKey("CS-2"), fakeosm.Response{Body: body})
		_, err := c.CaseDetail(ctx, "CS-2", "", osm.RequestOptions{})
		if !osm.IsKind(err, osm.KindUnexpected) || !strings.Contains(err.Error(), reason) {
			t.Errorf("%s: %v", body, err)
		}
	}
	// A body of the wrong shape is not quoted: it holds the messages.
	f.SetResponses(fakeosm.DetailKey("CS-3"), fakeosm.Response{Body: `{"incident_detail_info":{"status":1,"message_list":[{"content":"secret-hunter2","type":"x"}]}}`})
	_, err := c.CaseDetail(ctx, "CS-3", "", osm.RequestOptions{})
	if !osm.IsKind(err, osm.KindUnexpected) || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "message_list.type is a JSON string") {
		t.Errorf("shape error: %v", err)
	}
	if _, err := c.CaseDetail(ctx, "..", "", osm.RequestOptions{}); err == nil {
		t.Error("a dot segment accepted")
	}
}

func TestCaseHistory_pagesToTheEnd(t *testing.T) {
	f, c := caseFake(t)
	tk := fullTicket()
	for i := range 250 {
		tk.History = append(tk.History, fakeosm.LogEntry{OperateType: []int{0, 2, 85, 3}[i%4], OperatorType: 1,
			OperatorID: "op-" + strconv.Itoa(i), OperatorName: "bob", Description: "step " + strconv.Itoa(i),
			Time: at10GMT8.Add(time.Duration(i) * time.Minute)})
	}
	tk.History[7].RawTime = `"garbled"`
	f.SetTicket(tk)
	h, err := c.CaseHistory(context.Background(), "CS-1", "", osm.RequestOptions{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 250 {
		t.Fatalf("%d entries", len(h))
	}
	for i, e := range h {
		if e.Description != "step "+strconv.Itoa(i) {
			t.Fatalf("entry %d is %q: out of order", i, e.Description)
		}
	}
	if *h[2].OperationType != 85 || osm.OperationName(85) != "Feedback given" || h[0].Time.RFC3339() != "2026-11-30T02:00:00Z" {
		t.Errorf("entry: %+v", h[2])
	}
	if h[7].Time.OK || h[7].Time.Raw != "garbled" {
		t.Errorf("raw time: %+v", h[7].Time)
	}
	var logs []fakeosm.Request
	for _, r := range f.Requests() {
		if r.Call == fakeosm.CallOperateLogs {
			logs = append(logs, r)
		}
	}
	if len(logs) != 3 {
		t.Fatalf("%d pages for 250 entries, want 3", len(logs))
	}
	for _, r := range logs {
		if n, _ := strconv.Atoi(r.Query.Get("limit")); n < 1 || n > osm.PageSize {
			t.Errorf("limit %s", r.Query.Get("limit"))
		}
	}
}

func TestCaseHistory_emptyAndErrors(t *testing.T) {
	f, c := caseFake(t)
	f.SetTicket(fakeosm.Ticket{ID: "CS-1"})
	h, err := c.CaseHistory(context.Background(), "CS-1", "", osm.RequestOptions{})
	if err != nil || len(h) != 0 {
		t.Fatalf("%v %v", h, err)
	}
	if _, err := c.CaseHistory(context.Background(), "CS-NONE", "", osm.RequestOptions{}); !osm.IsKind(err, osm.KindCaseNotFound) {
		t.Errorf("missing: %v", err)
	}
	// No total_count: read page after page until a short one.
	f.SetResponses(fakeosm.OperateLogsKey("CS-1"),
		fakeosm.Response{Body: `{"incident_operate_log_list":[` + rows(100) + `]}`},
		fakeosm.Response{Body: `{"incident_operate_log_list":[` + rows(3) + `]}`})
	h, err = c.CaseHistory(context.Background(), "CS-1", "", osm.RequestOptions{})
	if err != nil || len(h) != 103 {
		t.Fatalf("%d entries, %v", len(h), err)
	}
}

func rows(n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += ","
		}
		s += `{"operate_type":0}`
	}
	return s
}
