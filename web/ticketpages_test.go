// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
)

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
