package main

// The plan-time chart: one SVG, drawn with the standard library from the
// medians a run measured, so that BENCHMARKS.md can show a picture of the
// table without anyone copying numbers by hand.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// chartLatency is the latency the chart shows when it was measured.
const chartLatency = 20 * time.Millisecond

// chartPoint is one median: N tickets, plan time in seconds.
type chartPoint struct {
	N       int
	Seconds float64
}

// chartSeries is one line of the chart. A series with Flat set is drawn as
// a horizontal line at its one value across the whole N axis (Terraform
// alone does not depend on N).
type chartSeries struct {
	Label  string
	Color  string
	Dashed bool
	Flat   bool
	Points []chartPoint
}

// chartKinds are the workloads the chart draws, in legend order.
var chartKinds = []struct {
	k      kind
	label  string
	color  string
	dashed bool
}{
	{singlesForEach, "servicerequest_case_status, for_each", "#d62728", false},
	{singlesBlocks, "servicerequest_case_status, separate blocks", "#ff7f0e", false},
	{batch, "servicerequest_case_statuses (one batch)", "#2ca02c", false},
	{peerForEach, "peer: data \"http\", for_each", "#1f77b4", true},
	{peerBlocks, "peer: data \"http\", separate blocks", "#9467bd", true},
	{floorTF, "Terraform alone (no provider calls)", "#7f7f7f", true},
}

// chartLatencyOf picks the latency to draw: chartLatency when it was
// measured, otherwise the largest one measured.
func chartLatencyOf(latencies []time.Duration) time.Duration {
	if slices.Contains(latencies, chartLatency) {
		return chartLatency
	}
	return slices.Max(latencies)
}

// chartSeries returns the measured medians at one latency as chart lines.
func (b *bench) chartSeries(lat time.Duration) []chartSeries {
	var out []chartSeries
	for _, c := range chartKinds {
		s := chartSeries{Label: c.label, Color: c.color, Dashed: c.dashed, Flat: c.k == floorTF}
		if s.Flat {
			if m := b.results[key{k: c.k, latency: lat}].median(); m > 0 {
				s.Points = []chartPoint{{N: 0, Seconds: m.Seconds()}}
			}
		} else {
			for _, n := range b.o.Ns {
				if m := b.results[key{k: c.k, n: n, latency: lat}].median(); m > 0 {
					s.Points = append(s.Points, chartPoint{N: n, Seconds: m.Seconds()})
				}
			}
		}
		if len(s.Points) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// writeChart writes the plan-time chart of this run to path.
func (b *bench) writeChart(path string) error {
	lat := chartLatencyOf(b.o.Latencies)
	title := fmt.Sprintf("terraform plan time vs number of tickets, %s latency (median of %d runs)", latencyLabel(lat), b.o.Runs)
	var buf bytes.Buffer
	if err := writeSVG(&buf, title, b.chartSeries(lat)); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Chart geometry, in SVG user units.
const (
	chartWidth   = 900
	chartHeight  = 460
	chartLeft    = 64
	chartRight   = 330 // plot area ends here from the right edge; the legend sits there
	chartTop     = 48
	chartBottom  = 56
	chartTickLen = 5
)

// niceStep returns a step of 1, 2 or 5 times a power of ten that divides
// span into at most about maxTicks intervals.
func niceStep(span float64, maxTicks int) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / float64(maxTicks)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// formatTick prints a tick value without trailing zeros.
func formatTick(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeSVG draws series as a line chart: N on the x axis (linear, from 0),
// seconds on the y axis (linear, from 0), a legend on the right and each
// point's value in a tooltip.
func writeSVG(w io.Writer, title string, series []chartSeries) error {
	maxN, maxS := 1, 0.0
	for _, s := range series {
		for _, p := range s.Points {
			maxN = max(maxN, p.N)
			maxS = max(maxS, p.Seconds)
		}
	}
	if maxS == 0 {
		maxS = 1
	}
	xStep := niceStep(float64(maxN), 8)
	xMax := math.Ceil(float64(maxN)/xStep) * xStep
	yStep := niceStep(maxS, 8)
	yMax := math.Ceil(maxS/yStep) * yStep
	if yMax < maxS*1.02 {
		yMax += yStep
	}
	plotW := float64(chartWidth - chartLeft - chartRight)
	plotH := float64(chartHeight - chartTop - chartBottom)
	x := func(n float64) float64 { return chartLeft + n/xMax*plotW }
	y := func(s float64) float64 { return chartTop + plotH - s/yMax*plotH }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", chartWidth, chartHeight)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="14" font-weight="bold">%s</text>`+"\n", chartLeft, escape(title))

	// Grid and axes.
	for v := 0.0; v <= yMax+yStep/2; v += yStep {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e0e0e0"/>`+"\n", x(0), y(v), x(xMax), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", x(0)-chartTickLen-3, y(v), formatTick(v))
	}
	for v := 0.0; v <= xMax+xStep/2; v += xStep {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000"/>`+"\n", x(v), y(0), x(v), y(0)+chartTickLen)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x(v), y(0)+chartTickLen+14, formatTick(v))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000"/>`+"\n", x(0), y(0), x(xMax), y(0))
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000"/>`+"\n", x(0), y(0), x(0), y(yMax))
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">tickets (N)</text>`+"\n", x(xMax/2), chartHeight-12)
	fmt.Fprintf(&b, `<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">seconds</text>`+"\n", y(yMax/2), y(yMax/2))

	// Lines, points and the legend.
	for i, s := range series {
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		label := escape(s.Label)
		fmt.Fprintf(&b, `<g class="series" data-label="%s">`+"\n", label)
		if s.Flat {
			v := s.Points[0].Seconds
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s><title>%s: %.2f s</title></line>`+"\n",
				x(0), y(v), x(xMax), y(v), s.Color, dash, label, v)
		} else {
			var pts []string
			for _, p := range s.Points {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(p.N)), y(p.Seconds)))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.Color, dash)
			for _, p := range s.Points {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s, N=%d: %.2f s</title></circle>`+"\n",
					x(float64(p.N)), y(p.Seconds), s.Color, label, p.N, p.Seconds)
			}
		}
		ly := float64(chartTop + 10 + i*22)
		lx := float64(chartWidth - chartRight + 20)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", lx, ly, lx+28, ly, s.Color, dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" dominant-baseline="middle">%s</text>`+"\n", lx+36, ly, label)
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
