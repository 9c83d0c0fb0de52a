// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
)

// insertTickets adds n tickets cheaply, spread over states, priorities,
// levels, groups and channels by id.
func insertTickets(t testing.TB, pool *sqlx.DB, n int) {
	t.Helper()
	_, err := pool.Exec(`INSERT INTO tickets (number, origin_channel, subject, type, urgency, impact, priority, level, group_name, state, created_at, updated_at)
SELECT 'HD-2026-' || lpad(g::text, 7, '0'),
       (ARRAY['web','email','telegram','slack'])[1 + g % 4],
       'Problema numero ' || g || CASE WHEN g % 97 = 0 THEN ' stampante' ELSE '' END,
       'incident', 'medium', 'low',
       (ARRAY['P1','P2','P3','P4'])[1 + g % 4],
       1 + (g % 5 = 0)::int,
       (ARRAY['desk','rete','sanità'])[1 + g % 3],
       (ARRAY['new','open','resolved','closed','waiting_requester'])[1 + g % 5],
       now() - (g || ' minutes')::interval, now()
FROM generate_series(1, $1) g`, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(`ANALYZE tickets`); err != nil {
		t.Fatal(err)
	}
}

// TestTicketKeysetPaging walks every page of several filters and checks
// that each ticket matching the filter comes exactly once, newest first.
func TestTicketKeysetPaging(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	insertTickets(t, tc.pool, 1000)
	ctx := context.Background()
	c := tc.srv.console
	cases := []struct {
		name  string
		f     TicketFilter
		where string
	}{
		{"all", TicketFilter{}, "true"},
		{"state", TicketFilter{State: "open"}, "state = 'open'"},
		{"priority+level", TicketFilter{Priority: "P2", Level: 2}, "priority = 'P2' AND level = 2"},
		{"group+channel", TicketFilter{Group: "rete", Channel: "email"}, "group_name = 'rete' AND origin_channel = 'email'"},
		{"text", TicketFilter{Text: "stampante"}, "subject ILIKE '%stampante%'"},
		{"number", TicketFilter{Text: "hd-2026-0000042"}, "number = 'HD-2026-0000042'"},
		{"nothing", TicketFilter{State: "cancelled"}, "state = 'cancelled'"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var want []int64
			if err := tc.pool.Select(&want, `SELECT id FROM tickets WHERE `+tt.where+` ORDER BY id DESC`); err != nil {
				t.Fatal(err)
			}
			var got []int64
			after := int64(0)
			for pages := 0; ; pages++ {
				rows, more, err := c.ticketRows(ctx, tt.f, after, 37)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) > 37 || (more && len(rows) != 37) {
					t.Fatalf("page %d: %d rows, more=%v", pages, len(rows), more)
				}
				for _, r := range rows {
					got = append(got, r.ID)
				}
				if !more {
					break
				}
				after = rows[len(rows)-1].ID
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("paged %d ids, want %d (first %v vs %v)", len(got), len(want), head(got), head(want))
			}
		})
	}
}

func head(xs []int64) []int64 { return xs[:min(len(xs), 5)] }

var nextLink = regexp.MustCompile(`href="(/console/tickets\?[^"]*after=[0-9]+[^"]*)"`)

func TestTicketListPages(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	insertTickets(t, tc.pool, 120)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	seen := map[string]bool{}
	path := "/console/tickets?state=open&lang=en"
	for i := 0; path != ""; i++ {
		code, body, _ := c.get(path)
		if code != 200 {
			t.Fatalf("%s = %d", path, code)
		}
		for _, m := range regexp.MustCompile(`>(HD-2026-[0-9]+)<`).FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(path, "state=open") {
				t.Fatalf("next link %q lost the filter", path)
			}
		}
	}
	if len(seen) != 24 { // ids with g % 5 == 1
		t.Fatalf("saw %d open tickets, want 24", len(seen))
	}
}

func TestTicketPanel(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	s := seedConsole(t, tc)
	agentID := tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	base := fmt.Sprintf("/console/tickets/%d", s.ticketID)
	steps := []struct {
		path string
		form url.Values
	}{
		{"/classify", url.Values{"urgency": {"high"}, "impact": {"high"}}},
		{"/categorise", url.Values{"category": {"hardware"}, "product": {"stampante"}}},
		{"/assign", url.Values{"agent": {fmt.Sprint(agentID)}, "group": {"desk"}}},
		{"/note", url.Values{"body": {"chiamato il fornitore"}}},
	}
	for _, st := range steps {
		if code, body, _ := c.post(base+st.path, st.form); code != http.StatusSeeOther {
			t.Fatalf("%s = %d %s", st.path, code, body)
		}
	}
	var evs []struct {
		Kind, Field, Old, New, Actor string
	}
	if err := tc.pool.Select(&evs, `SELECT kind, field, old_value AS old, new_value AS new, actor FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, s.ticketID); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range evs {
		lines = append(lines, fmt.Sprintf("%s %s %s→%s %s", e.Kind, e.Field, e.Old, e.New, e.Actor))
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{"field urgency medium→high user:anna", "field impact low→high user:anna", "field priority P3→P1 user:anna",
		"field category →hardware user:anna", "assigned agent →" + fmt.Sprint(agentID) + " user:anna", "state state new→open user:anna", "note  → user:anna"} {
		if !strings.Contains(got, want) {
			t.Errorf("no event %q in\n%s", want, got)
		}
	}
	code, body, _ := c.get(base + "?lang=en")
	if code != 200 || !strings.Contains(body, "chiamato il fornitore") || !strings.Contains(body, `id="ticket-priority"><span class="badge prio-P1">P1<`) || !strings.Contains(body, "Timeline") {
		t.Fatalf("ticket page = %d, lacks the timeline or the new priority", code)
	}
	// The timeline reads as words: people by name, fields and values
	// translated, in the agent's language.
	for lang, wants := range map[string][]string{
		"en": {"<span class=\"tl-who\">ANNA</span> <span class=\"tl-what\">Urgency: medium → high</span>", "Priority: P3 → P1",
			"Category: (empty) → hardware", "took charge", "State: new → open", "wrote an internal note"},
		"it": {"Urgenza: media → alta", "Categoria: (vuoto) → hardware", "ha preso in carico", "Stato: nuovo → aperto", "ha scritto una nota interna"},
	} {
		_, body, _ := c.get(base + "?lang=" + lang)
		tl := body[strings.Index(body, `id="timeline"`):]
		for _, want := range wants {
			if !strings.Contains(tl, want) {
				t.Errorf("%s timeline lacks %q:\n%s", lang, want, tl)
			}
		}
		for _, raw := range []string{"user:anna", "state:", ">field<", "agent:"} {
			if strings.Contains(tl, raw) {
				t.Errorf("%s timeline shows %q", lang, raw)
			}
		}
	}
	// Bad values are refused and leave no event.
	if code, _, _ := c.post(base+"/classify", url.Values{"urgency": {"extreme"}, "impact": {"high"}}); code != http.StatusBadRequest {
		t.Fatalf("invalid urgency = %d, want 400", code)
	}
	if code, _, _ := c.get("/console/tickets/999999"); code != http.StatusNotFound {
		t.Fatalf("missing ticket = %d, want 404", code)
	}
}
