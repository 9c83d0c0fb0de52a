// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/tickets"
	"helpdesk/web/webtest"
)

// slaFixture is a console with users and four tickets whose SLA scan has
// run: the figures the report pages, the clocks and the notifications
// are checked against.
type slaFixture struct {
	tc                 *testConsole
	luca, giulia, sara int64 // agent_l1, agent_l2, supervisor
	t1, t2, t3, t4     *tickets.Ticket
	cal                *tickets.BusinessCalendar
}

// newSLAFixture opens, on Monday 2 March 2026 at 11:00 in Rome (10:00 UTC,
// the desk open 08–20), four tickets and works them through the ticket
// store, then scans at 16:30 (5.5 working hours later):
//
//	T1 P2 web "VPN": taken at +0.5 h, answered at +2 h, resolved at +5 h.
//	T2 P3 telegram "R&D <lab>": untouched; its 4 h take-charge target is
//	   breached, the P3 policy raises it to P2 and tells the level-1 queue.
//	T3 P4 email "Posta": taken at +1 h, waiting for the requester from +3 h.
//	T4 P1 web "Posta": taken at +0.25 h, never answered; its 1 h
//	   first-response target is breached: escalated to level 2, the
//	   supervisors and the level-2 queue are told.
func newSLAFixture(t *testing.T) *slaFixture {
	t.Helper()
	f := &slaFixture{tc: newTestConsole(t, nil), cal: tickets.DefaultBusinessCalendar()}
	tc := f.tc
	f.luca = tc.addUser("luca", agents.RoleAgentL1)
	f.giulia = tc.addUser("giulia", agents.RoleAgentL2)
	f.sara = tc.addUser("sara", agents.RoleSupervisor)
	tc.addUser("anna", agents.RoleAdmin)
	tc.addUser("eva", agents.RoleEditor)
	ctx := context.Background()
	s := tc.tickets
	pool := tc.pool
	start := tc.clock.Now()
	at := func(h float64) {
		tc.clock.t = start.Add(time.Duration(h * float64(time.Hour)))
	}
	must := func(tk *tickets.Ticket, err error) *tickets.Ticket {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	mk := func(ch, cat string, u, i tickets.Level) *tickets.Ticket {
		return must(s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: ch, Category: cat, Subject: "x " + cat, Urgency: u, Impact: i}))
	}
	f.t1 = mk("web", "VPN", tickets.High, tickets.Low)
	f.t2 = mk("telegram", "R&D <lab>", tickets.Medium, tickets.Medium)
	f.t3 = mk("email", "Posta", tickets.Low, tickets.Low)
	f.t4 = mk("web", "Posta", tickets.High, tickets.High)
	at(0.25)
	must(s.Assign(ctx, pool, f.t4.ID, "agent:luca", &f.luca, ""))
	at(0.5)
	must(s.Assign(ctx, pool, f.t1.ID, "agent:luca", &f.luca, ""))
	at(1)
	must(s.Assign(ctx, pool, f.t3.ID, "agent:luca", &f.luca, ""))
	at(2)
	if _, err := s.AddComment(ctx, pool, f.t1.ID, "agent:luca", true, "Provi così"); err != nil {
		t.Fatal(err)
	}
	at(3)
	must(s.Transition(ctx, pool, f.t3.ID, "agent:luca", tickets.StateWaitingRequester))
	at(5)
	must(s.Resolve(ctx, pool, f.t1.ID, "agent:luca", "fixed", ""))
	at(5.5)
	res, err := s.ScanSLA(ctx, pool, f.cal, tc.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Breaches != 2 {
		t.Fatalf("scan = %+v, want 2 breaches (T2 take charge, T4 first response)", res)
	}
	// The summary the scan stores already counts the escalation it made.
	// The pages are looked at a minute later.
	at(5.5 + 1.0/60)
	return f
}

func TestReportDashboardShowsTheReportsFigures(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	sup := f.tc.login("sara")
	code, body, _ := sup.get("/console/reports")
	if code != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", code, body)
	}
	// Figures worked out by hand from the fixture.
	for _, want := range []string{
		webtest.Cells([]string{"Canale", "Web", "2"}),
		webtest.Cells([]string{"Canale", "Telegram", "1"}),
		webtest.Cells([]string{"Categoria", "R&D <lab>", "1"}),
		webtest.Cells([]string{"Livello", "2° livello", "1"}),
		// take charge: T1 0.5 h, T3 1 h, T4 0.25 h met; T2 5.5 h running and late.
		webtest.Cells([]string{"Presa in carico", "4", "3", "75,0\u00a0%", "0,58", "0,50"}),
		// 4 tickets, T4 escalated, T1 resolved (first contact: never escalated).
		webtest.Cells([]string{"4", "1", "1", "1", "0", "0"}),
		"dall&#39;1 gennaio 2026 al 31 marzo 2026", // the apostrophe escaped by html/template
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	// Every table has its CSV link (that every row the store computes is
	// on the page, in words, is web/console/report_test.go's).
	for _, name := range []string{"volumes", "sla", "backlog", "rates", "satisfaction", "kb_most_used", "kb_unanswered"} {
		if !strings.Contains(body, `href="/console/reports/csv/`+name+`?period=quarter&amp;quarter=2026-Q1"`) {
			t.Errorf("no CSV link for %s", name)
		}
	}
	// English by key.
	_, en, _ := sup.get("/console/reports?lang=en")
	if !strings.Contains(en, "Reports and service levels") || !strings.Contains(en, "from 1 January 2026 to 31 March 2026") {
		t.Error("English dashboard not in English")
	}
}

// svgs returns the inline SVG elements of a page.
var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

func TestReportChartsAreWellFormedSVG(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	_, body, _ := f.tc.login("sara").get("/console/reports")
	charts := svgRE.FindAllString(body, -1)
	if len(charts) != 6 {
		t.Fatalf("%d charts, want 6", len(charts))
	}
	for _, c := range charts {
		webtest.CheckXML(t, c)
	}
	joined := strings.Join(charts, "\n")
	// The category with markup in its name is escaped, not injected.
	if !strings.Contains(joined, "R&amp;D &lt;lab&gt;") {
		t.Error("category label missing or not escaped")
	}
	// SLA chart: the 100 % line, and the late target in the alert colour.
	i := strings.Index(body, `id="chart-sla"`)
	sla := svgRE.FindString(body[strings.LastIndex(body[:i], "<svg"):])
	if !strings.Contains(sla, `class="ref"`) || !strings.Contains(sla, "75,0\u00a0% (3/4)") || !strings.Contains(sla, "#b71d3a") { // the alert colour
		t.Errorf("SLA chart lacks the 100%% line or the figures: %s", sla)
	}
}

func TestReportCSVFiles(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	sup := f.tc.login("sara")
	from, to := tickets.Quarter(f.tc.clock.Now(), time.UTC)
	rep, err := f.tc.tickets.Report(context.Background(), f.tc.pool, from, to)
	if err != nil {
		t.Fatal(err)
	}
	// The same columns as `helpdesk report --format csv`.
	headers := map[string]string{
		"volumes":       "dimension,value,tickets",
		"sla":           "target,measured,met,compliance_pct,mean_working_hours,median_working_hours",
		"backlog":       "priority,under_1_day,1_3_days,3_7_days,over_7_days,total",
		"rates":         "tickets,escalated,resolved,first_contact,conversations,solved_by_bot",
		"satisfaction":  "rating,answers",
		"kb_most_used":  "entry,shown,helpful,not_helpful",
		"kb_unanswered": "query,times,best_confidence",
	}
	// As many rows as the store computed (that they are its rows, cell by
	// cell, is web/console/report_test.go's); the knowledge base's tables
	// are empty in the fixture.
	rows := map[string]int{"volumes": len(rep.Volumes), "sla": len(rep.SLA), "backlog": len(rep.Backlog), "rates": 1,
		"satisfaction": len(rep.Satisfaction), "kb_most_used": 0, "kb_unanswered": 0}
	for _, name := range []string{"volumes", "sla", "backlog", "rates", "satisfaction", "kb_most_used", "kb_unanswered"} {
		t.Run(name, func(t *testing.T) {
			code, body, hdr := sup.get("/console/reports/csv/" + name + "?period=quarter&quarter=2026-Q1")
			if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
				t.Fatalf("status %d, type %s", code, hdr.Get("Content-Type"))
			}
			if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, name+"_2026-01-01_2026-03-31.csv") {
				t.Errorf("Content-Disposition %q", cd)
			}
			recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(recs[0], ",") != headers[name] {
				t.Errorf("header %v, want %s", recs[0], headers[name])
			}
			if got := len(recs) - 1; got != rows[name] {
				t.Fatalf("%d rows, want %d", got, rows[name])
			}
		})
	}
	_, vol, _ := sup.get("/console/reports/csv/volumes")
	if !strings.Contains(vol, "category,R&D <lab>,1\n") || !strings.Contains(vol, "channel,web,2\n") {
		t.Errorf("volumes CSV:\n%s", vol)
	}
	if code, _, _ := sup.get("/console/reports/csv/passwords"); code != http.StatusBadRequest {
		t.Errorf("unknown table: %d, want 400", code)
	}
}

func TestReportAccess(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	paths := []string{"/console/reports", "/console/reports/print", "/console/reports/csv/volumes"}
	tests := []struct {
		user string
		want int
	}{
		{"luca", http.StatusForbidden},
		{"giulia", http.StatusForbidden},
		{"eva", http.StatusForbidden},
		{"sara", http.StatusOK},
		{"anna", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := f.tc.login(tt.user)
			for _, p := range paths {
				if code, _, _ := c.get(p); code != tt.want {
					t.Errorf("%s %s: %d, want %d", tt.user, p, code, tt.want)
				}
			}
		})
	}
	anon := f.tc.client()
	if code, _, hdr := anon.get("/console/reports"); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/console/login") {
		t.Errorf("anonymous: %d %s", code, hdr.Get("Location"))
	}
}

func TestReportPrintPage(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	sup := f.tc.login("sara")
	code, body, _ := sup.get("/console/reports/print?period=quarter&quarter=2026-Q1&lang=it")
	if code != http.StatusOK {
		t.Fatalf("print: %d\n%s", code, body)
	}
	for _, want := range []string{
		"<h1>Report trimestrale del servizio</h1>",
		"dall&#39;1 gennaio 2026 al 31 marzo 2026", // the apostrophe escaped by html/template
		`href="/console/static/report.css"`,
		`class="print-section page-break"`,
		webtest.Cells([]string{"Canale", "Web", "2"}),
		`id="table-kb_unanswered"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("print page lacks %s", want)
		}
	}
	if strings.Contains(body, `id="nav-tickets"`) {
		t.Error("print page carries the console menu")
	}
	if n := len(svgRE.FindAllString(body, -1)); n != 6 {
		t.Errorf("%d charts on the print page", n)
	}
	code, css, _ := sup.get("/console/static/report.css")
	if code != http.StatusOK || !strings.Contains(css, "@media print") || !strings.Contains(css, "page-break-before") {
		t.Errorf("print CSS: %d", code)
	}
}
