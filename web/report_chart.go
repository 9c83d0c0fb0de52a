package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// chartBar is one bar of a chart.
type chartBar struct {
	Label string
	Value float64
	Text  string // the figure written at the bar's end
}

// chartOptions shape a bar chart.
type chartOptions struct {
	Max       float64 // the scale's end; 0: the largest value
	RefLine   float64 // draw a dashed reference line at this value (0: none)
	RefLabel  string
	Highlight func(b chartBar) bool // bars drawn in the alert colour
}

// Chart geometry, in SVG user units (the SVG scales to its container).
const (
	chartWidth  = 520
	chartLabelW = 150
	chartBarH   = 18
	chartGap    = 8
	chartTop    = 28
	chartRight  = 100
)

// barChart draws a horizontal bar chart as inline SVG: no script, no
// library, readable by screen readers through its title and the figures
// written beside the bars. Every text is escaped.
func barChart(id, title string, bars []chartBar, opt chartOptions) template.HTML {
	esc := template.HTMLEscapeString
	max := opt.Max
	for _, b := range bars {
		if b.Value > max && opt.Max == 0 {
			max = b.Value
		}
	}
	if max <= 0 {
		max = 1
	}
	plotW := float64(chartWidth - chartLabelW - chartRight)
	height := chartTop + len(bars)*(chartBarH+chartGap) + chartGap
	if len(bars) == 0 {
		height = chartTop + chartBarH + chartGap
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t">`,
		esc(id), chartWidth, height, chartWidth, height, esc(id))
	fmt.Fprintf(&sb, `<title id="%s-t">%s</title>`, esc(id), esc(title))
	fmt.Fprintf(&sb, `<text x="0" y="16" class="chart-title" font-size="14" font-weight="bold">%s</text>`, esc(title))
	for i, b := range bars {
		y := chartTop + i*(chartBarH+chartGap)
		w := plotW * b.Value / max
		if w < 0 {
			w = 0
		}
		if w > plotW {
			w = plotW
		}
		fill := "#2f6db5"
		if opt.Highlight != nil && opt.Highlight(b) {
			fill = "#b5412f"
		}
		text := b.Text
		if text == "" {
			text = strconv.FormatFloat(b.Value, 'f', -1, 64)
		}
		fmt.Fprintf(&sb, `<g class="bar"><text x="%d" y="%d" text-anchor="end" font-size="12">%s</text>`,
			chartLabelW-6, y+chartBarH-5, esc(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			chartLabelW, y, w, chartBarH, fill, esc(b.Label), esc(text))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="12">%s</text></g>`, float64(chartLabelW)+w+4, y+chartBarH-5, esc(text))
	}
	if len(bars) == 0 {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12">–</text>`, chartLabelW, chartTop+chartBarH-5)
	}
	if opt.RefLine > 0 && opt.RefLine <= max {
		x := float64(chartLabelW) + plotW*opt.RefLine/max
		fmt.Fprintf(&sb, `<line class="ref" x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#222" stroke-width="1.5" stroke-dasharray="4 3"/>`,
			x, chartTop-6, x, height-2)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle">%s</text>`, x, chartTop-8, esc(opt.RefLabel))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // built above with every text escaped
}

// reportCharts draws the dashboard's charts from the report's figures.
func reportCharts(d *reportData) []reportChart {
	r := d.Report
	volumes := func(dim string) []chartBar {
		var bars []chartBar
		for _, v := range r.Volumes {
			if v.Dimension == dim {
				label := v.Value
				if label == "" {
					label = "–"
				}
				bars = append(bars, chartBar{Label: label, Value: float64(v.Count)})
			}
		}
		return bars
	}
	var out []reportChart
	add := func(id, titleKey string, bars []chartBar, opt chartOptions) {
		out = append(out, reportChart{ID: id, SVG: barChart(id, d.T(titleKey), bars, opt)})
	}
	add("chart-channel", "report.chart.channel", volumes("channel"), chartOptions{})
	add("chart-category", "report.chart.category", volumes("category"), chartOptions{})
	add("chart-priority", "report.chart.priority", volumes("priority"), chartOptions{})

	var sla []chartBar
	for _, s := range r.SLA {
		pct, text := 100*s.Compliance(), "–"
		if s.Measured > 0 {
			text = strconv.FormatFloat(pct, 'f', 1, 64) + " %"
		}
		sla = append(sla, chartBar{Label: d.T("target." + s.Target), Value: pct,
			Text: text + " (" + strconv.Itoa(s.Met) + "/" + strconv.Itoa(s.Measured) + ")"})
	}
	add("chart-sla", "report.chart.sla", sla, chartOptions{Max: 100, RefLine: 100, RefLabel: "100 %",
		Highlight: func(b chartBar) bool { return b.Value < 100 && !strings.HasPrefix(b.Text, "–") }})

	var ages [4]int
	for _, b := range r.Backlog {
		ages[0] += b.Under1d
		ages[1] += b.D1to3
		ages[2] += b.D3to7
		ages[3] += b.Over7d
	}
	var backlog []chartBar
	for i, col := range []string{"under_1_day", "1_3_days", "3_7_days", "over_7_days"} {
		backlog = append(backlog, chartBar{Label: d.Col(col), Value: float64(ages[i])})
	}
	add("chart-backlog", "report.chart.backlog", backlog, chartOptions{Highlight: func(b chartBar) bool {
		return b.Label == d.Col("over_7_days") && b.Value > 0
	}})

	counts := map[int]int{}
	lo, hi := 1, 5
	for _, s := range r.Satisfaction {
		counts[s.Rating] = s.Count
		lo, hi = min(lo, s.Rating), max(hi, s.Rating)
	}
	var sat []chartBar
	for rating := hi; rating >= lo; rating-- {
		sat = append(sat, chartBar{Label: strings.Repeat("★", max(rating, 0)) + " " + strconv.Itoa(rating), Value: float64(counts[rating])})
	}
	add("chart-satisfaction", "report.chart.satisfaction", sat, chartOptions{})
	return out
}
