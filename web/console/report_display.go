// SPDX-License-Identifier: EUPL-1.2

package console

import "helpdesk/internal/i18n"

// valueLabel is a volume's value in words: channels, types and levels
// translated, an empty category or product named.
func (d *reportData) valueLabel(dim, value string) string {
	lang := i18n.Normalize(d.lang)
	label := func(key string) string {
		if _, ok := Text[key]; ok {
			return Text.T(lang, key)
		}
		return value
	}
	switch {
	case value == "" && dim == "category":
		return d.T("report.no_category")
	case value == "":
		return d.T("report.no_value")
	case dim == "channel":
		return label("channel." + value)
	case dim == "type":
		return label("type." + value)
	case dim == "level":
		return Text.T(lang, "value.level", value)
	}
	return value
}

// display is a table's cells as the page shows them (reportTable.Display):
// the same rows as tables(), in the same order, in words and in the
// language's number format.
func (d *reportData) display(name string) [][]string {
	r := d.Report
	n := func(x int) string { return formatInt(d.lang, x) }
	hours := func(sec float64) string { return formatNumber(d.lang, sec/3600, 2) }
	var rows [][]string
	switch name {
	case "volumes":
		for _, v := range r.Volumes {
			rows = append(rows, []string{d.T("report.dim." + v.Dimension), d.valueLabel(v.Dimension, v.Value), n(v.Count)})
		}
	case "sla":
		for _, s := range r.SLA {
			pct := d.T("report.na")
			if s.Measured > 0 {
				pct = formatPercent(d.lang, 100*s.Compliance())
			}
			rows = append(rows, []string{d.T("target." + s.Target), n(s.Measured), n(s.Met), pct, hours(s.MeanSeconds), hours(s.MedianSeconds)})
		}
	case "backlog":
		for _, b := range r.Backlog {
			rows = append(rows, []string{b.Priority, n(b.Under1d), n(b.D1to3), n(b.D3to7), n(b.Over7d), n(b.Total)})
		}
	case "rates":
		rt := r.Rates
		rows = [][]string{{n(rt.Tickets), n(rt.Escalated), n(rt.Resolved), n(rt.FirstContact), n(rt.Conversations), n(rt.SolvedByBot)}}
	case "satisfaction":
		for _, s := range r.Satisfaction {
			rows = append(rows, []string{d.T("report.stars", s.Rating), n(s.Count)})
		}
	case "kb_most_used":
		for _, u := range r.KB.MostUsed {
			title := d.entryTitles[u.Entry]
			if title == "" {
				title = u.Entry
			}
			rows = append(rows, []string{title, n(u.Shown), n(u.Helpful), n(u.NotHelpful)})
		}
	case "kb_unanswered":
		for _, g := range r.KB.Gaps {
			rows = append(rows, []string{g.Query, n(g.Times), formatPercent(d.lang, 100*g.BestConfidence)})
		}
	}
	return rows
}
