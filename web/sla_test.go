// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/tickets"
)

// slaRows reads the clocks table of the fragment: target → its cells.
var slaRowRE = regexp.MustCompile(`<tr class="(\w+)"><th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>\s*)+)</tr>`)
var tdRE = regexp.MustCompile(`<td[^>]*>([^<]*)</td>`)

func slaRows(t *testing.T, body string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range slaRowRE.FindAllStringSubmatch(body, -1) {
		row := []string{m[1]}
		for _, c := range tdRE.FindAllStringSubmatch(m[3], -1) {
			row = append(row, c[1])
		}
		out[m[2]] = row // class, status, goal, elapsed, remaining, due, paused
	}
	return out
}

func TestTicketSLAClocks(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	// T4 was escalated to level 2: a level-2 agent sees every clock.
	giulia := f.tc.login("giulia")
	get := func(tk *tickets.Ticket) map[string][]string {
		code, body, _ := giulia.get("/console/tickets/" + strconv.FormatInt(tk.ID, 10) + "/sla?lang=it")
		if code != http.StatusOK {
			t.Fatalf("clocks of %s: %d\n%s", tk.Number, code, body)
		}
		return slaRows(t, body)
	}
	// Now is +5 h 31 min of working time after the tickets were opened.
	tests := []struct {
		name   string
		ticket *tickets.Ticket
		want   map[string][]string // target → class, status, goal, elapsed, remaining, due, paused
	}{
		{"resolved: every clock met, the intervention not judged", f.t1, map[string][]string{
			"Presa in carico": {"met", "raggiunto", "1 h 00 min", "30 min", "", "", "0 min"},
			"Prima risposta":  {"met", "raggiunto", "4 h 00 min", "2 h 00 min", "", "", "0 min"},
			"Risoluzione":     {"met", "raggiunto", "32 h 00 min", "5 h 00 min", "", "", "0 min"},
		}},
		{"raised to P2 by its breach: take charge late, still running", f.t2, map[string][]string{
			"Presa in carico": {"breached", "violato", "1 h 00 min", "5 h 31 min", "scaduto da 4 h 31 min", "2026-03-02 15:31", "0 min"},
			"Prima risposta":  {"breached", "violato", "4 h 00 min", "5 h 31 min", "scaduto da 1 h 31 min", "2026-03-02 15:31", "0 min"},
			"Risoluzione":     {"running", "in corso", "32 h 00 min", "5 h 31 min", "26 h 29 min", "", "0 min"},
			"Intervento":      {"running", "in corso", "24 h 00 min", "5 h 31 min", "18 h 29 min", "", "0 min"},
		}},
		{"waiting for the requester: paused since +3 h", f.t3, map[string][]string{
			"Presa in carico": {"met", "raggiunto", "8 h 00 min", "1 h 00 min", "", "", "0 min"},
			"Prima risposta":  {"paused", "in pausa", "16 h 00 min", "3 h 00 min", "13 h 00 min", "", "2 h 31 min"},
			"Risoluzione":     {"paused", "in pausa", "120 h 00 min", "3 h 00 min", "117 h 00 min", "", "2 h 31 min"},
		}},
		{"P1 never answered: first response breached", f.t4, map[string][]string{
			"Presa in carico": {"met", "raggiunto", "30 min", "15 min", "", "", "0 min"},
			"Prima risposta":  {"breached", "violato", "1 h 00 min", "5 h 31 min", "scaduto da 4 h 31 min", "2026-03-02 15:31", "0 min"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(tt.ticket)
			for target, want := range tt.want {
				row := got[target]
				// The due time of a running clock is checked apart below.
				if len(row) == 7 && want[5] == "" && row[0] == "running" {
					want = append(append([]string(nil), want[:5]...), row[5], want[6])
				}
				if strings.Join(row, "|") != strings.Join(want, "|") {
					t.Errorf("%s = %v, want %v", target, row, want)
				}
			}
			if len(got) < len(tt.want) {
				t.Errorf("clocks %v", got)
			}
		})
	}
	// A running clock's due time is the calendar's: computed here from the
	// ticket's own events with the same policy.
	ctx := context.Background()
	s := f.tc.tickets
	t2, err := s.Get(ctx, f.tc.pool, f.t2.ID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, f.tc.pool, f.t2.ID)
	if err != nil {
		t.Fatal(err)
	}
	pols, err := s.Policies(ctx, f.tc.pool)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := tickets.PolicyFor(pols, t2)
	if !ok {
		t.Fatal("no SLA policy for the ticket")
	}
	for _, c := range tickets.Clocks(t2, evs, p, f.cal, f.tc.clock.Now()) {
		if c.Target == tickets.TargetResolve {
			if due := c.Due.In(time.UTC).Format("2006-01-02 15:04"); get(f.t2)["Risoluzione"][5] != due {
				t.Errorf("resolve due %s, want %s", get(f.t2)["Risoluzione"][5], due)
			}
		}
	}
	if code, _, _ := giulia.get("/console/tickets/999999/sla"); code != http.StatusNotFound {
		t.Errorf("unknown ticket: %d", code)
	}
	_, en, _ := giulia.get("/console/tickets/" + strconv.FormatInt(f.t2.ID, 10) + "/sla?lang=en")
	if !strings.Contains(en, "overdue by 4 h 31 min") || !strings.Contains(en, "Take charge") {
		t.Error("English clocks not in English")
	}
}

func TestSLAPanelForTheTicketPage(t *testing.T) {
	t.Parallel()
	f := newSLAFixture(t)
	ctx := context.Background()
	s := f.tc.tickets
	tk, err := s.Get(ctx, f.tc.pool, f.t4.ID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, f.tc.pool, f.t4.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/console/tickets/1?lang=en", nil)
	html, err := f.tc.srv.console.SLAPanel(r, tk, evs)
	if err != nil {
		t.Fatal(err)
	}
	row := slaRows(t, string(html))["First response"]
	if len(row) == 0 || row[1] != "breached" {
		t.Errorf("panel rows %v\n%s", slaRows(t, string(html)), html)
	}
}
