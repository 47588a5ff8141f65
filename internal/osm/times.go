package osm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	// IANA zone names must work where the system has no zone database
	// (Windows, minimal containers): embed one.
	_ "time/tzdata"
)

// The service formats the times of its answers as text in the zone of the
// request's X-Time-Zone header (default GMT+8), usually without an offset.
// The official SDK parses them as UTC and so is off by the zone's offset;
// this client parses them in the zone the request declared.

// QueryTimeLayout is how the ticket list query expects its time window:
// yyyy-MM-dd HH:mm:ss in the request's time zone.
const QueryTimeLayout = "2006-01-02 15:04:05"

// zoneLayouts are the offset-less layouts the service's time strings come
// in; they are read in the request's zone. A fractional second after the
// seconds is accepted by every layout.
var zoneLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
}

// offsetZone matches "GMT+8", "GMT-3:30", "UTC+05:45", "GMT+0800", "+08:00".
var offsetZone = regexp.MustCompile(`^(?i:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// ParseTimeZone understands the X-Time-Zone values a user may send: "GMT" or
// "UTC" with an optional offset of hours or hours and minutes ("GMT+8",
// "GMT-3:30", "UTC+05:45"), a bare offset ("+08:00"), and IANA zone names
// ("Asia/Shanghai").
func ParseTimeZone(name string) (*time.Location, error) {
	s := strings.TrimSpace(name)
	switch strings.ToUpper(s) {
	case "GMT", "UTC", "Z":
		return time.FixedZone(s, 0), nil
	case "", "LOCAL":
		return nil, fmt.Errorf("%q is not a time zone the provider can interpret", name)
	}
	if m := offsetZone.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mins > 59 {
			return nil, fmt.Errorf("%q is outside the offsets -14:00..+14:00", name)
		}
		off := h*3600 + mins*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(s, off), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf(`%q is neither "GMT+8"-style nor an IANA zone name such as "Asia/Shanghai"`, name)
	}
	return loc, nil
}

// Timestamp is a time field of an answer. Exactly one of three holds:
// OK (Time is the instant, in the request's zone), unparseable (Raw holds
// what arrived), absent (neither).
type Timestamp struct {
	Time time.Time
	Raw  string
	OK   bool
}

// Absent reports whether the answer had no value for the field.
func (t Timestamp) Absent() bool { return !t.OK && t.Raw == "" }

// RFC3339 renders an OK timestamp as RFC 3339 with the offset of its zone;
// "" otherwise.
func (t Timestamp) RFC3339() string {
	if !t.OK {
		return ""
	}
	return t.Time.Format(time.RFC3339Nano)
}

// parseTimestamp reads one time field as it arrived: a JSON string in one
// of the documented formats, or a JSON number of epoch milliseconds. A
// string with an offset ("Z", "+08:00", any other) is read with that offset;
// one without is read in loc. The result is expressed in loc. With a nil
// loc (a time zone the client cannot interpret), an offset-less string is
// kept raw. null, "" and 0 are absent.
func parseTimestamp(raw json.RawMessage, loc *time.Location) Timestamp {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		return Timestamp{}
	}
	if strings.HasPrefix(text, `"`) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Timestamp{Raw: Sanitize(text, 64)}
		}
		return parseTimeText(s, loc)
	}
	// A JSON number: epoch milliseconds (resolve_time).
	return parseEpochMillis(text, loc)
}

func parseTimeText(s string, loc *time.Location) Timestamp {
	s = strings.TrimSpace(s)
	if s == "" {
		return Timestamp{}
	}
	if isDigits(s) {
		return parseEpochMillis(s, loc)
	}
	in := func(t time.Time) Timestamp {
		if loc != nil {
			t = t.In(loc)
		}
		return Timestamp{Time: t, OK: true}
	}
	// RFC 3339 covers "Z", a "+08:00" suffix and every other offset.
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return in(t)
	}
	if loc != nil {
		for _, layout := range zoneLayouts {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return in(t)
			}
		}
	}
	return Timestamp{Raw: Sanitize(s, 64)}
}

func parseEpochMillis(text string, loc *time.Location) Timestamp {
	ms, err := strconv.ParseInt(text, 10, 64)
	if err != nil || ms < 0 || ms > 253402300799999 { // after 9999-12-31
		return Timestamp{Raw: Sanitize(text, 64)}
	}
	if ms == 0 {
		return Timestamp{}
	}
	t := time.UnixMilli(ms)
	if loc != nil {
		t = t.In(loc)
	} else {
		t = t.UTC()
	}
	return Timestamp{Time: t, OK: true}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// zoneOf returns the time zone a call with opts declares, and its location
// (nil with an error when the client cannot interpret it).
func (c *Client) zoneOf(opts RequestOptions) (string, *time.Location, error) {
	name := c.timeZone
	if opts.TimeZone != "" {
		name = opts.TimeZone
	}
	loc, err := ParseTimeZone(name)
	return name, loc, err
}
