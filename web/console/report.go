// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"helpdesk/web/problem"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"helpdesk/internal/csvsafe"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// reportPeriod is the period a report covers: [From, To), in the desk's
// time zone, and the form values that chose it (kept for the links to
// the CSV files and the printable page).
type reportPeriod struct {
	Kind    string // month, quarter or custom
	Month   string // 2026-03
	Quarter string // 2026-Q1
	From    time.Time
	To      time.Time
}

// FromDay and LastDay are the period's first and last day included, as
// the custom form shows them.
func (p reportPeriod) FromDay() string { return p.From.Format("2006-01-02") }

// LastDay is the last day included in the period.
func (p reportPeriod) LastDay() string { return p.To.AddDate(0, 0, -1).Format("2006-01-02") }

// Query is the period as URL parameters (safe to put after the "?" of a
// link: url.Values encodes it).
func (p reportPeriod) Query() template.URL {
	v := url.Values{"period": {p.Kind}}
	switch p.Kind {
	case "month":
		v.Set("month", p.Month)
	case "quarter":
		v.Set("quarter", p.Quarter)
	default:
		v.Set("from", p.FromDay())
		v.Set("to", p.LastDay())
	}
	return template.URL(v.Encode())
}

// maxReportDays bounds a custom period, so one request cannot ask the
// database for decades.
const maxReportDays = 3 * 366

// parsePeriod reads the period from the query: period=month&month=YYYY-MM,
// period=quarter&quarter=YYYY-Qn, or period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD
// (to included, as in `helpdesk report`). The default is the quarter
// holding now.
func parsePeriod(q url.Values, now time.Time, loc *time.Location) (reportPeriod, error) {
	now = now.In(loc)
	bad := func(field, problem string) (reportPeriod, error) {
		return reportPeriod{}, &filterError{field, problem}
	}
	for _, k := range []string{"period", "month", "quarter", "from", "to"} {
		if _, err := filterText(q, k, 20); err != nil {
			return reportPeriod{}, err
		}
	}
	p := reportPeriod{Kind: q.Get("period")}
	switch p.Kind {
	case "month":
		m := q.Get("month")
		if m == "" {
			m = now.Format("2006-01")
		}
		t, err := time.ParseInLocation("2006-01", m, loc)
		if err != nil {
			return bad("month", filterDate)
		}
		p.Month, p.From, p.To = m, t, t.AddDate(0, 1, 0)
	case "", "quarter":
		p.Kind = "quarter"
		at := now
		if s := q.Get("quarter"); s != "" {
			year, n, ok := strings.Cut(strings.ToUpper(s), "-Q")
			y, err1 := strconv.Atoi(year)
			qn, err2 := strconv.Atoi(n)
			if !ok || err1 != nil || err2 != nil || qn < 1 || qn > 4 || y < 1970 || y > 9999 {
				return bad("quarter", filterDate)
			}
			at = time.Date(y, time.Month(3*qn-2), 1, 0, 0, 0, 0, loc)
		}
		p.From, p.To = tickets.Quarter(at, loc)
		p.Quarter = fmt.Sprintf("%d-Q%d", p.From.Year(), (int(p.From.Month())-1)/3+1)
	case "custom":
		from, err := time.ParseInLocation("2006-01-02", q.Get("from"), loc)
		if err != nil {
			return bad("from", filterDate)
		}
		last, err := time.ParseInLocation("2006-01-02", q.Get("to"), loc)
		if err != nil {
			return bad("to", filterDate)
		}
		p.From, p.To = from, last.AddDate(0, 0, 1)
		if !p.To.After(p.From) || p.To.Sub(p.From) > maxReportDays*24*time.Hour {
			return bad("to", filterRange)
		}
	default:
		return bad("period", filterUnknown)
	}
	// The other kinds' fields start from this period, for the form.
	if p.Month == "" {
		p.Month = p.From.Format("2006-01")
	}
	if p.Quarter == "" {
		p.Quarter = fmt.Sprintf("%d-Q%d", p.From.Year(), (int(p.From.Month())-1)/3+1)
	}
	return p, nil
}

// fullReport is the report of a period with the knowledge base's figures,
// as `helpdesk report` prints it.
type fullReport struct {
	*tickets.Report
	KB kb.Stats
}

// reportTable is one table of the report: the same name, columns and
// cells as the sections of `helpdesk report --format csv`, so the page,
// the CSV files and the command agree.
type reportTable struct {
	Name   string
	Header []string
	Rows   [][]string
	// Title and Cols are the table's name and headings in the page's
	// language, Display its cells as the page shows them: keys in words,
	// numbers written the language's way (set for the pages; the CSV files
	// keep Header and Rows, the machine's form).
	Title   string
	Cols    []string
	Display [][]string
}

// reportTableNames are the tables in the order they are shown.
var reportTableNames = []string{"volumes", "sla", "backlog", "rates", "satisfaction", "kb_most_used", "kb_unanswered"}

// tables lays the report out as tables.
func (r fullReport) tables() []reportTable {
	itoa := strconv.Itoa
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	var out []reportTable
	add := func(name string, header []string, rows [][]string) {
		out = append(out, reportTable{Name: name, Header: header, Rows: rows})
	}
	var rows [][]string
	for _, v := range r.Volumes {
		rows = append(rows, []string{v.Dimension, v.Value, itoa(v.Count)})
	}
	add("volumes", []string{"dimension", "value", "tickets"}, rows)
	rows = nil
	for _, s := range r.SLA {
		rows = append(rows, []string{s.Target, itoa(s.Measured), itoa(s.Met), f(100 * s.Compliance()), f(s.MeanSeconds / 3600), f(s.MedianSeconds / 3600)})
	}
	add("sla", []string{"target", "measured", "met", "compliance_pct", "mean_working_hours", "median_working_hours"}, rows)
	rows = nil
	for _, b := range r.Backlog {
		rows = append(rows, []string{b.Priority, itoa(b.Under1d), itoa(b.D1to3), itoa(b.D3to7), itoa(b.Over7d), itoa(b.Total)})
	}
	add("backlog", []string{"priority", "under_1_day", "1_3_days", "3_7_days", "over_7_days", "total"}, rows)
	rt := r.Rates
	add("rates", []string{"tickets", "escalated", "resolved", "first_contact", "conversations", "solved_by_bot"},
		[][]string{{itoa(rt.Tickets), itoa(rt.Escalated), itoa(rt.Resolved), itoa(rt.FirstContact), itoa(rt.Conversations), itoa(rt.SolvedByBot)}})
	rows = nil
	for _, s := range r.Satisfaction {
		rows = append(rows, []string{itoa(s.Rating), itoa(s.Count)})
	}
	add("satisfaction", []string{"rating", "answers"}, rows)
	rows = nil
	for _, u := range r.KB.MostUsed {
		rows = append(rows, []string{u.Entry, itoa(u.Shown), itoa(u.Helpful), itoa(u.NotHelpful)})
	}
	add("kb_most_used", []string{"entry", "shown", "helpful", "not_helpful"}, rows)
	rows = nil
	for _, g := range r.KB.Gaps {
		rows = append(rows, []string{g.Query, itoa(g.Times), f(g.BestConfidence)})
	}
	add("kb_unanswered", []string{"query", "times", "best_confidence"}, rows)
	return out
}

// reportData is what the dashboard and the printable page show.
type reportData struct {
	lang      string
	loc       *time.Location
	Period    reportPeriod
	Report    fullReport
	Tables    []reportTable
	Charts    []reportChart
	Generated time.Time
	// entryTitles names the knowledge-base entries of the tables.
	entryTitles map[string]string
}

// reportChart is one chart of the dashboard, drawn on the server, with
// its figures as a table (the chart's text equivalent).
type reportChart struct {
	ID        string
	Title     string
	SVG       template.HTML
	ValueHead string      // the figures' column heading
	Rows      [][2]string // label, figure
}

// T looks up a report string in the page's language.
func (d *reportData) T(key string, args ...any) string { return reportText.T(d.lang, key, args...) }

// Col is the translated heading of a column.
func (d *reportData) Col(name string) string { return d.T("report.col." + name) }

// PeriodText is the period in words: "dall'1 dicembre 2026 al 31
// dicembre 2026", "from 1 December 2026 to 31 December 2026".
func (d *reportData) PeriodText() string {
	return elide(d.lang, d.T("report.period_range", longDate(d.lang, d.Period.From), longDate(d.lang, d.Period.To.AddDate(0, 0, -1))))
}

// GeneratedText says when the report was made, in the desk's zone.
func (d *reportData) GeneratedText() string {
	g := d.Generated.In(d.loc)
	return elide(d.lang, d.T("report.generated", longDate(d.lang, g), g.Format("15:04")))
}

// Summary are the period's rates in words.
func (d *reportData) Summary() []string {
	rt := d.Report.Rates
	return []string{
		d.T("report.escalation", d.share(rt.Escalated, rt.Tickets)),
		d.T("report.fcr", d.share(rt.FirstContact, rt.Resolved)),
		d.T("report.deflection", d.share(rt.SolvedByBot, rt.Conversations)),
	}
}

// share formats part/whole as a percentage in the page's language ("not
// available" when there is no whole).
func (d *reportData) share(part, whole int) string {
	if whole == 0 {
		return d.T("report.na")
	}
	return formatPercent(d.lang, 100*float64(part)/float64(whole))
}

// loadReport computes the report of the period asked for in r.
func (c *Console) loadReport(r *http.Request) (*reportData, error) {
	p, err := parsePeriod(filterQuery(r), c.now(), c.loc)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	rep, err := c.tickets.Report(ctx, c.db, p.From, p.To)
	if err != nil {
		return nil, err
	}
	// As `helpdesk report`: the knowledge base's figures since the start
	// of the period.
	stats, err := c.kb.Stats(ctx, kb.StatsOptions{Since: p.From})
	if err != nil {
		return nil, err
	}
	d := &reportData{lang: pageLang(r), loc: c.loc, Period: p, Report: fullReport{Report: rep, KB: stats}, Generated: c.now(),
		entryTitles: map[string]string{}}
	for _, u := range stats.MostUsed {
		if e, err := c.kb.Get(ctx, u.Entry); err == nil {
			d.entryTitles[u.Entry] = e.Title
		}
	}
	d.Tables = d.Report.tables()
	for i := range d.Tables {
		t := &d.Tables[i]
		t.Title = d.T("report.table." + t.Name)
		for _, h := range t.Header {
			t.Cols = append(t.Cols, d.Col(h))
		}
		t.Display = d.display(t.Name)
	}
	d.Charts = reportCharts(d)
	return d, nil
}

// reportPage is the dashboard.
func (c *Console) ReportPage(w http.ResponseWriter, r *http.Request) {
	d, err := c.loadReport(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	v := c.newView(r, "app.name", d)
	v.Title = d.T("report.title")
	c.render(w, r, http.StatusOK, "report", v)
}

// reportPrint is the printable report: a page of its own, without the
// console's menus, with print styles and page breaks.
func (c *Console) ReportPrint(w http.ResponseWriter, r *http.Request) {
	d, err := c.loadReport(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	v := c.newView(r, "app.name", d)
	v.Title = d.T("report.print_title")
	c.out.Render(w, http.StatusOK, "report_print", "print", v) // its own layout, without the menus
}

// reportCSV downloads one table of the report.
func (c *Console) ReportCSV(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("table")
	known := false
	for _, n := range reportTableNames {
		known = known || n == name
	}
	if !known {
		c.Fail(w, r, fmt.Errorf("%w: no table %q", problem.ErrBadRequest, name))
		return
	}
	d, err := c.loadReport(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, t := range d.Tables {
		if t.Name != name {
			continue
		}
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		cw.Write(t.Header)
		for _, row := range t.Rows {
			cw.Write(csvsafe.Row(row))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			c.Fail(w, r, err)
			return
		}
		file := fmt.Sprintf("%s_%s_%s.csv", name, d.Period.FromDay(), d.Period.LastDay())
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
		buf.WriteTo(w)
		return
	}
}
