package osm

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTimeZone_forms(t *testing.T) {
	for name, offset := range map[string]int{
		"GMT+8": 8 * 3600, "GMT-3:30": -(3*3600 + 30*60), "UTC": 0, "GMT": 0, "UTC+05:45": 5*3600 + 45*60,
		"+08:00": 8 * 3600, "GMT+0800": 8 * 3600, "gmt+8": 8 * 3600, "GMT+14": 14 * 3600,
	} {
		loc, err := ParseTimeZone(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, got := time.Date(2026, 11, 30, 0, 0, 0, 0, loc).Zone(); got != offset {
			t.Errorf("%s: offset %d, want %d", name, got, offset)
		}
	}
	// IANA names, with daylight saving time.
	loc, err := ParseTimeZone("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if _, off := time.Date(2026, 7, 1, 0, 0, 0, 0, loc).Zone(); off != -4*3600 {
		t.Errorf("New York in July: offset %d", off)
	}
	for _, bad := range []string{"", "Local", "GMT+15", "GMT+8:75", "Mars/Olympus", "8"} {
		if _, err := ParseTimeZone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseTimestamp_everyFormat(t *testing.T) {
	gmt8, _ := ParseTimeZone("GMT+8")
	want := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC) // 10:00 GMT+8
	for _, raw := range []string{
		`"2026-11-30 10:00:00"`,
		`"2026-11-30T10:00:00"`,
		`"2026-11-30T10:00:00+08:00"`, // a literal +08:00 suffix, which the SDK drops
		`"2026-11-30T02:00:00Z"`,
		`"2026-11-30T03:00:00+01:00"`,
		`1796004000000`,   // epoch milliseconds
		`"1796004000000"`, // quoted
	} {
		ts := parseTimestamp(json.RawMessage(raw), gmt8)
		if !ts.OK || !ts.Time.Equal(want) {
			t.Errorf("%s: %+v, want %v", raw, ts, want)
			continue
		}
		if got := ts.RFC3339(); got != "2026-11-30T10:00:00+08:00" {
			t.Errorf("%s: rendered %s", raw, got)
		}
	}
	frac := parseTimestamp(json.RawMessage(`"2026-11-30 10:00:00.250"`), gmt8)
	if frac.RFC3339() != "2026-11-30T10:00:00.25+08:00" {
		t.Errorf("fraction: %s", frac.RFC3339())
	}
}

func TestParseTimestamp_inTheRequestZone(t *testing.T) {
	for zone, want := range map[string]string{
		"GMT+8":            "2026-11-30T10:00:00+08:00",
		"GMT-3:30":         "2026-11-30T10:00:00-03:30",
		"UTC":              "2026-11-30T10:00:00Z",
		"Asia/Kathmandu":   "2026-11-30T10:00:00+05:45",
		"America/New_York": "2026-11-30T10:00:00-05:00",
	} {
		loc, err := ParseTimeZone(zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := parseTimestamp(json.RawMessage(`"2026-11-30 10:00:00"`), loc).RFC3339(); got != want {
			t.Errorf("%s: %s, want %s", zone, got, want)
		}
	}
}

func TestParseTimestamp_absentAndRaw(t *testing.T) {
	gmt8, _ := ParseTimeZone("GMT+8")
	for _, raw := range []string{``, `null`, `""`, `0`, `"  "`} {
		if ts := parseTimestamp(json.RawMessage(raw), gmt8); !ts.Absent() {
			t.Errorf("%q: %+v, want absent", raw, ts)
		}
	}
	for raw, kept := range map[string]string{
		`"yesterday"`:           "yesterday",
		`"30/11/2026 10:00"`:    "30/11/2026 10:00",
		`-5`:                    "-5",
		`1.5`:                   "1.5",
		`true`:                  "true",
		`"2026-13-40 10:00:00"`: "2026-13-40 10:00:00",
	} {
		ts := parseTimestamp(json.RawMessage(raw), gmt8)
		if ts.OK || ts.Raw != kept {
			t.Errorf("%s: %+v, want raw %q", raw, ts, kept)
		}
	}
	// Without an interpretable zone, offset-less times stay raw; times with
	// an offset are still read.
	if ts := parseTimestamp(json.RawMessage(`"2026-11-30 10:00:00"`), nil); ts.OK || ts.Raw == "" {
		t.Errorf("no zone: %+v", ts)
	}
	if ts := parseTimestamp(json.RawMessage(`"2026-11-30T10:00:00+08:00"`), nil); !ts.OK {
		t.Errorf("no zone, with an offset: %+v", ts)
	}
}
