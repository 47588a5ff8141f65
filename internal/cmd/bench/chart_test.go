package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChart_drawsGivenMedians draws known numbers and checks that the SVG is
// well-formed XML, that every series is in it with its legend, and that the
// points land where the axes say: N=500 at the right end of the x axis, the
// largest value under the top of the y axis, 0 on the x axis.
func TestChart_drawsGivenMedians(t *testing.T) {
	series := []chartSeries{
		{Label: "singles <for_each>", Color: "#d62728", Points: []chartPoint{{1, 0.5}, {100, 1.1}, {500, 9.0}}},
		{Label: "batch", Color: "#2ca02c", Points: []chartPoint{{1, 0.5}, {100, 0.7}, {500, 1.3}}},
		{Label: "Terraform alone", Color: "#7f7f7f", Dashed: true, Flat: true, Points: []chartPoint{{0, 0.15}}},
	}
	var buf bytes.Buffer
	if err := writeSVG(&buf, "plan time & N", series); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()

	// Well-formed XML, with every label escaped.
	d := xml.NewDecoder(strings.NewReader(svg))
	groups := 0
	var polylines []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if se.Name.Local == "g" && a.Name.Local == "data-label" {
					groups++
				}
				if se.Name.Local == "polyline" && a.Name.Local == "points" {
					polylines = append(polylines, a.Value)
				}
			}
		}
	}
	if groups != 3 || len(polylines) != 2 {
		t.Fatalf("got %d series groups and %d polylines, want 3 and 2:\n%s", groups, len(polylines), svg)
	}
	for _, want := range []string{
		"plan time &amp; N", "singles &lt;for_each&gt;", ">Terraform alone<", `stroke-dasharray="6 4"`,
		"singles &lt;for_each&gt;, N=500: 9.00 s", "Terraform alone: 0.15 s",
		">tickets (N)<", ">seconds<",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// x: 0..500 over the plot width; y: 0..10 (9.0 rounded up to a step of
	// 1 or 2) over the plot height.
	plotRight := float64(chartWidth - chartRight)
	bottom := float64(chartHeight - chartBottom)
	var lastX, lastY float64
	pts := strings.Fields(polylines[0])
	if len(pts) != 3 {
		t.Fatalf("first polyline has %d points, want 3: %s", len(pts), polylines[0])
	}
	if _, err := fmt.Sscanf(pts[2], "%f,%f", &lastX, &lastY); err != nil {
		t.Fatal(err)
	}
	if lastX != plotRight {
		t.Errorf("N=500 is drawn at x=%.1f, want the right end of the axis, %.1f", lastX, plotRight)
	}
	if lastY <= chartTop || lastY >= bottom {
		t.Errorf("9.0 s is drawn at y=%.1f, outside the plot (%d..%.0f)", lastY, chartTop, bottom)
	}
	var firstX, firstY float64
	if _, err := fmt.Sscanf(pts[0], "%f,%f", &firstX, &firstY); err != nil {
		t.Fatal(err)
	}
	if !(firstY > lastY) {
		t.Errorf("0.5 s (y=%.1f) is not drawn below 9.0 s (y=%.1f)", firstY, lastY)
	}
}

func TestChart_niceSteps(t *testing.T) {
	for _, c := range []struct {
		span float64
		want float64
	}{{500, 100}, {9, 2}, {1.3, 0.2}, {10000, 2000}, {0, 1}} {
		if got := niceStep(c.span, 8); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.span, got, c.want)
		}
	}
}

// TestChart_fromResults builds the series from a run's results: the 20 ms
// medians, Terraform alone flat, and series with no measurement left out.
func TestChart_fromResults(t *testing.T) {
	o := defaultOptions()
	o.Ns, o.Latencies, o.Runs = []int{1, 100}, []time.Duration{0, 20 * time.Millisecond}, 3
	b := &bench{o: o, results: map[key]sample{}}
	ms := time.Millisecond
	b.results[key{k: floorTF, latency: 20 * ms}] = sample{150 * ms, 140 * ms, 160 * ms}
	b.results[key{k: batch, n: 1, latency: 20 * ms}] = sample{500 * ms}
	b.results[key{k: batch, n: 100, latency: 20 * ms}] = sample{700 * ms, 800 * ms, 600 * ms}
	b.results[key{k: batch, n: 100, latency: 0}] = sample{time.Second}
	got := b.chartSeries(chartLatencyOf(o.Latencies))
	if len(got) != 2 {
		t.Fatalf("got %d series, want batch and Terraform alone: %+v", len(got), got)
	}
	if got[0].Label != "servicerequest_case_statuses (one batch)" || len(got[0].Points) != 2 || got[0].Points[1] != (chartPoint{100, 0.7}) {
		t.Errorf("batch series = %+v, want the 20 ms medians", got[0])
	}
	if !got[1].Flat || got[1].Points[0].Seconds != 0.15 {
		t.Errorf("Terraform alone = %+v, want flat at 0.15 s", got[1])
	}
	path := filepath.Join(t.TempDir(), "chart.svg")
	if err := b.writeChart(path); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), "20 ms latency (median of 3 runs)") {
		t.Errorf("chart title does not name the latency and runs:\n%s", svg)
	}
}
