// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/tickets"
	"helpdesk/web/problem"
	"helpdesk/web/webtest"
)

// TestReportShowsEveryRowOfTheStore: every row of every table the store
// computes is on the dashboard, in words, and in its CSV file as the
// store has it, on a quarter with tickets of several channels, one
// resolved and one whose take-charge target is breached.
func TestReportShowsEveryRowOfTheStore(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	ctx := context.Background()
	s := d.c.tickets
	start := d.now
	at := func(h float64) { d.now = start.Add(time.Duration(h * float64(time.Hour))) }
	luca := d.session("luca", agents.RoleAgentL1)
	sara := d.session("sara", agents.RoleSupervisor)
	var made []*tickets.Ticket
	for _, nt := range []tickets.NewTicket{
		{OriginChannel: "web", Category: "VPN", Subject: "x VPN", Urgency: tickets.High, Impact: tickets.Low},
		{OriginChannel: "telegram", Category: "R&D <lab>", Subject: "x lab", Urgency: tickets.Medium, Impact: tickets.Medium},
		{OriginChannel: "email", Category: "Posta", Subject: "x posta", Urgency: tickets.Low, Impact: tickets.Low},
	} {
		tk, err := s.Create(ctx, d.pool, "bot", nt)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tk)
	}
	at(0.5)
	if _, err := s.Assign(ctx, d.pool, made[0].ID, "agent:luca", &luca.ID, ""); err != nil {
		t.Fatal(err)
	}
	at(2)
	if _, err := s.AddComment(ctx, d.pool, made[0].ID, "agent:luca", true, "Provi così"); err != nil {
		t.Fatal(err)
	}
	at(3)
	if _, err := s.Transition(ctx, d.pool, made[2].ID, "agent:luca", tickets.StateWaitingRequester); err != nil {
		t.Fatal(err)
	}
	at(5)
	if _, err := s.Resolve(ctx, d.pool, made[0].ID, "agent:luca", "fixed", ""); err != nil {
		t.Fatal(err)
	}
	at(5.5)
	if _, err := s.ScanSLA(ctx, d.pool, tickets.DefaultBusinessCalendar(), d.now); err != nil {
		t.Fatal(err)
	}
	from, to := tickets.Quarter(d.now, time.UTC)
	rep, err := s.Report(ctx, d.pool, from, to)
	if err != nil {
		t.Fatal(err)
	}
	full := fullReport{Report: rep}
	w := d.serve(sara, "GET /console/reports", d.c.ReportPage, "GET", "/console/reports", nil)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", w.Code, body)
	}
	shown := &reportData{lang: "it", Report: full}
	for _, tb := range full.tables() {
		if tb.Name == "kb_most_used" || tb.Name == "kb_unanswered" {
			continue
		}
		if len(tb.Rows) == 0 && tb.Name != "satisfaction" {
			t.Errorf("table %s is empty in the fixture", tb.Name)
		}
		rows := shown.display(tb.Name)
		if len(rows) != len(tb.Rows) {
			t.Errorf("table %s: %d rows shown, the store has %d", tb.Name, len(rows), len(tb.Rows))
		}
		for _, row := range rows {
			if !strings.Contains(body, webtest.Cells(row)) {
				t.Errorf("table %s: row %v not on the page", tb.Name, row)
			}
		}
	}
	want := map[string][][]string{}
	for _, tb := range full.tables() {
		want[tb.Name] = tb.Rows
	}
	for _, name := range reportTableNames {
		t.Run(name, func(t *testing.T) {
			w := d.serve(sara, "GET /console/reports/csv/{table}", d.c.ReportCSV, "GET", "/console/reports/csv/"+name, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			rows := recs[1:]
			if len(rows) != len(want[name]) {
				t.Fatalf("%d rows, want %d", len(rows), len(want[name]))
			}
			for i := range rows {
				if strings.Join(rows[i], "\x00") != strings.Join(want[name][i], "\x00") {
					t.Errorf("row %d = %v, want %v", i, rows[i], want[name][i])
				}
			}
		})
	}
}

func TestBarChartEscapesAndScales(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		bars []chartBar
		opt  chartOptions
		want []string
	}{
		{"empty", nil, chartOptions{Empty: "Nessun dato nel periodo."}, []string{"Nessun dato nel periodo."}},
		{"markup", []chartBar{{Label: `"><script>x</script>`, Value: 3}}, chartOptions{}, []string{"&lt;script&gt;", `width="310.0"`}},
		{"ref line", []chartBar{{Label: "a", Value: 50}}, chartOptions{Max: 100, RefLine: 100, RefLabel: "100 %"}, []string{`class="ref"`, `width="155.0"`}},
		{"figures in the description", []chartBar{{Label: "Web", Value: 1234}}, chartOptions{Lang: "it"}, []string{"<desc", "Web: 1.234"}},
		{"negative clipped", []chartBar{{Label: "a", Value: -2}, {Label: "b", Value: 1}}, chartOptions{}, []string{`width="0.0"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(barChart("c", "T & <t>", tt.bars, tt.opt))
			webtest.CheckXML(t, svg)
			if strings.Contains(svg, "<script>") {
				t.Fatal("markup injected")
			}
			for _, w := range tt.want {
				if !strings.Contains(svg, w) {
					t.Errorf("lacks %s:\n%s", w, svg)
				}
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 17, 12, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		query    string
		from, to string
		kind     string
		err      bool
	}{
		{"", "2026-04-01", "2026-07-01", "quarter", false},
		{"period=quarter&quarter=2025-q4", "2025-10-01", "2026-01-01", "quarter", false},
		{"period=month", "2026-05-01", "2026-06-01", "month", false},
		{"period=month&month=2026-02", "2026-02-01", "2026-03-01", "month", false},
		{"period=custom&from=2026-01-10&to=2026-01-10", "2026-01-10", "2026-01-11", "custom", false},
		{"period=custom&from=2026-01-10&to=2026-01-09", "", "", "", true},
		{"period=custom&from=2020-01-01&to=2026-01-01", "", "", "", true},
		{"period=quarter&quarter=2026-Q5", "", "", "", true},
		{"period=month&month=2026-13", "", "", "", true},
		{"period=year", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			p, err := parsePeriod(q, now, time.UTC)
			if tt.err {
				if !errors.Is(err, problem.ErrBadRequest) {
					t.Fatalf("err = %v, want bad request", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !p.From.Equal(day(tt.from)) || !p.To.Equal(day(tt.to)) || p.Kind != tt.kind {
				t.Errorf("got %s %v–%v", p.Kind, p.From, p.To)
			}
			// The period survives its own link.
			q2, _ := url.ParseQuery(string(p.Query()))
			p2, err := parsePeriod(q2, now, time.UTC)
			if err != nil || !p2.From.Equal(p.From) || !p2.To.Equal(p.To) {
				t.Errorf("round trip %q: %v %v–%v", p.Query(), err, p2.From, p2.To)
			}
		})
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "period=month&month=2026-02", "period=quarter&quarter=1999-Q3",
		"period=custom&from=2026-01-01&to=2026-03-31", "period=custom&from=x&to=y"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 17, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		p, err := parsePeriod(q, now, time.UTC)
		if err != nil {
			return
		}
		if !p.To.After(p.From) || p.To.Sub(p.From) > maxReportDays*24*time.Hour {
			t.Fatalf("%q gave %v–%v", s, p.From, p.To)
		}
	})
}

func TestReportTextComplete(t *testing.T) {
	t.Parallel()
	if p := reportText.Check(); len(p) > 0 {
		t.Error(p)
	}
}
