// SPDX-License-Identifier: EUPL-1.2

package console

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
	Empty     string                // written when there are no bars
	Lang      string                // how figures are written (numbers.go)
}

// Chart geometry, in SVG user units. The SVG is drawn at this size and
// scales down with its container: at its natural width a label is 15 px,
// a bar 26 px high — readable at a glance, on screen and on A4.
const (
	chartWidth  = 640
	chartLabelW = 220
	chartBarH   = 26
	chartGap    = 10
	chartTop    = 36
	chartRight  = 110
)

// Chart colours: the console's primary blue and alert red, with text in
// its dark blue; each has at least 4.5:1 contrast on white.
const (
	chartBarColour   = "#0066cc"
	chartAlertColour = "#b71d3a"
	chartTextColour  = "#17324d"
)

// barChart draws a horizontal bar chart as inline SVG: no script, no
// library. Screen readers read its title and a description listing every
// figure (and the page shows the same figures as a table beside it).
// Every text is escaped.
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
	figure := func(b chartBar) string {
		if b.Text != "" {
			return b.Text
		}
		if b.Value == float64(int64(b.Value)) {
			return formatInt(opt.Lang, int(b.Value))
		}
		return formatNumber(opt.Lang, b.Value, 1)
	}
	var desc []string
	for _, b := range bars {
		desc = append(desc, b.Label+": "+figure(b))
	}
	if len(bars) == 0 {
		desc = append(desc, opt.Empty)
	}
	plotW := float64(chartWidth - chartLabelW - chartRight)
	height := chartTop + len(bars)*(chartBarH+chartGap) + chartGap
	if len(bars) == 0 {
		height = chartTop + chartBarH + chartGap
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t %s-d" font-family="system-ui, sans-serif" fill="%s">`,
		esc(id), chartWidth, height, chartWidth, height, esc(id), esc(id), chartTextColour)
	fmt.Fprintf(&sb, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(strings.Join(desc, "; ")))
	fmt.Fprintf(&sb, `<text x="0" y="20" class="chart-title" font-size="17" font-weight="bold">%s</text>`, esc(title))
	for i, b := range bars {
		y := chartTop + i*(chartBarH+chartGap)
		w := plotW * b.Value / max
		if w < 0 {
			w = 0
		}
		if w > plotW {
			w = plotW
		}
		fill := chartBarColour
		if opt.Highlight != nil && opt.Highlight(b) {
			fill = chartAlertColour
		}
		text := figure(b)
		fmt.Fprintf(&sb, `<g class="bar"><text x="%d" y="%d" text-anchor="end" font-size="15">%s</text>`,
			chartLabelW-8, y+chartBarH-8, esc(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			chartLabelW, y, w, chartBarH, fill, esc(b.Label), esc(text))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="15" font-weight="600">%s</text></g>`, float64(chartLabelW)+w+6, y+chartBarH-8, esc(text))
	}
	if len(bars) == 0 {
		fmt.Fprintf(&sb, `<text x="0" y="%d" font-size="15">%s</text>`, chartTop+chartBarH-8, esc(opt.Empty))
	}
	if opt.RefLine > 0 && opt.RefLine <= max {
		x := float64(chartLabelW) + plotW*opt.RefLine/max
		fmt.Fprintf(&sb, `<line class="ref" x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="5 4"/>`,
			x, chartTop-6, x, height-2, chartTextColour)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="13" text-anchor="middle">%s</text>`, x, chartTop-9, esc(opt.RefLabel))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // built above with every text escaped
}

// reportCharts draws the dashboard's charts from the report's figures,
// each with the same figures as a table (its text equivalent).
func reportCharts(d *reportData) []reportChart {
	r := d.Report
	lang := d.lang
	volumes := func(dim string) []chartBar {
		var bars []chartBar
		for _, v := range r.Volumes {
			if v.Dimension == dim {
				bars = append(bars, chartBar{Label: d.valueLabel(dim, v.Value), Value: float64(v.Count)})
			}
		}
		return bars
	}
	var out []reportChart
	add := func(id, titleKey, valueKey string, bars []chartBar, opt chartOptions) {
		opt.Lang, opt.Empty = lang, d.T("report.none")
		title := d.T(titleKey)
		ch := reportChart{ID: id, Title: title, SVG: barChart(id, title, bars, opt), ValueHead: d.T(valueKey)}
		for _, b := range bars {
			text := b.Text
			if text == "" {
				text = formatInt(lang, int(b.Value))
			}
			ch.Rows = append(ch.Rows, [2]string{b.Label, text})
		}
		out = append(out, ch)
	}
	add("chart-channel", "report.chart.channel", "report.col.tickets", volumes("channel"), chartOptions{})
	add("chart-category", "report.chart.category", "report.col.tickets", volumes("category"), chartOptions{})
	add("chart-priority", "report.chart.priority", "report.col.tickets", volumes("priority"), chartOptions{})

	var sla []chartBar
	for _, s := range r.SLA {
		pct, text := 100*s.Compliance(), d.T("report.na")
		if s.Measured > 0 {
			text = formatPercent(lang, pct)
		}
		sla = append(sla, chartBar{Label: d.T("target." + s.Target), Value: pct,
			Text: text + " (" + strconv.Itoa(s.Met) + "/" + strconv.Itoa(s.Measured) + ")"})
	}
	add("chart-sla", "report.chart.sla", "report.col.compliance_pct", sla, chartOptions{Max: 100, RefLine: 100, RefLabel: formatPercent(lang, 100),
		Highlight: func(b chartBar) bool { return b.Value < 100 && !strings.HasPrefix(b.Text, d.T("report.na")) }})

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
	add("chart-backlog", "report.chart.backlog", "report.col.tickets", backlog, chartOptions{Highlight: func(b chartBar) bool {
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
		sat = append(sat, chartBar{Label: d.T("report.stars", rating), Value: float64(counts[rating])})
	}
	add("chart-satisfaction", "report.chart.satisfaction", "report.col.answers", sat, chartOptions{})
	return out
}
