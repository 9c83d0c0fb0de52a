// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/csv"
	"helpdesk/agents"
	"helpdesk/tickets"
	"helpdesk/web/webtest"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReportShowsEveryRowOfTheStore: every row of every table the store
// computes is on the dashboard and the print page, in words, and in its
// CSV file as the store has it, on a quarter with tickets of several channels, one
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
	w = d.serve(sara, "GET /console/reports/print", d.c.ReportPrint, "GET", "/console/reports/print", nil)
	printed := w.Body.String()
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || strings.Contains(printed, `id="nav-tickets"`) {
		t.Fatalf("print page: %d %s, with the menu: %v", w.Code, w.Header().Get("Content-Type"), strings.Contains(printed, `id="nav-tickets"`))
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
			if !strings.Contains(printed, webtest.Cells(row)) {
				t.Errorf("table %s: row %v not on the print page", tb.Name, row)
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
