// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// TestAgentChoicesAreConfirmations: an agent's reply or a resolution that
// links a published KB entry records the requester's question as a
// confirmation of it; a reply without a link records nothing.
func TestAgentChoicesAreConfirmations(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) { o.Handoff = &fakeHandoff{} })
	s := seedConsole(t, tc)
	tc.pool.MustExec(`UPDATE kb_entries SET status = 'published' WHERE slug = 'stampante'`)
	tc.addUser("anna", agents.RoleAgentL1)
	anna := tc.login("anna")
	rows := func() []string {
		t.Helper()
		var out []string
		if err := tc.pool.Select(&out, `SELECT query || '|' || entry_slug || '|' || source || '|' || who FROM kb_confirmations ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		return out
	}
	reply := fmt.Sprintf("/console/conversations/%d/reply", s.convID)
	if code, _, _ := anna.post(reply, url.Values{"text": {"Provi a riavviarla."}}); code != http.StatusSeeOther {
		t.Fatalf("reply = %d", code)
	}
	if got := rows(); len(got) != 0 {
		t.Fatalf("after a reply without a link: %v", got)
	}
	if code, _, _ := anna.post(reply, url.Values{"text": {"Segua https://desk.example.org/help/a/stampante e /help/a/non-esiste"}}); code != http.StatusSeeOther {
		t.Fatalf("reply = %d", code)
	}
	if got := rows(); !slices.Equal(got, []string{"la stampante non va|stampante|agent|user:anna"}) {
		t.Fatalf("after a reply with a link: %v", got)
	}

	// A ticket without conversation resolved with a link: its subject is the question.
	ts, err := tickets.NewStore(tickets.Options{Now: tc.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := ts.Create(context.Background(), tc.pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "stampante inceppata", Description: "non stampa"})
	if err != nil {
		t.Fatal(err)
	}
	code, _, _ := anna.post(fmt.Sprintf("/console/tickets/%d/resolve", tk.ID), url.Values{"code": {"solved"}, "note": {"Risolto con /kb/stampante"}})
	if code != http.StatusSeeOther {
		t.Fatalf("resolve = %d", code)
	}
	if got := rows(); len(got) != 2 || got[1] != "stampante inceppata|stampante|ticket|user:anna" {
		t.Fatalf("after resolving with a link: %v", got)
	}
}

// TestKBEditorLearnedPhrasings: the editor's page lists the phrasings
// users confirmed for the entry, with their state and who decided; accept
// and remove change it; a bad decision or an unknown phrasing is refused.
func TestKBEditorLearnedPhrasings(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	seedConsole(t, tc)
	tc.pool.MustExec(`UPDATE kb_entries SET status = 'published' WHERE slug = 'stampante'`)
	store, err := kb.NewStore(tc.pool, tc.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Confirm(context.Background(), kb.Confirmation{Query: "stampante impallata", Entry: "stampante"}, kb.ConfirmSolved, "telegram:1"); err != nil {
		t.Fatal(err)
	}
	tc.addUser("edo", agents.RoleEditor)
	edo := tc.login("edo")
	page := func() string {
		t.Helper()
		code, body, _ := edo.get("/console/kb/stampante")
		if code != http.StatusOK {
			t.Fatalf("editor page = %d", code)
		}
		return section(body, "learned")
	}
	if got := page(); !strings.Contains(got, "stampante impallata") || !strings.Contains(got, "in attesa di conferme") ||
		!strings.Contains(got, `id="learned-0-accept"`) || !strings.Contains(got, `id="learned-0-remove"`) {
		t.Fatalf("learned phrasings before a decision:\n%s", got)
	}
	decide := func(phrasing, decision string) (int, string) {
		t.Helper()
		code, _, h := edo.post("/console/kb/stampante/learned", url.Values{"phrasing": {phrasing}, "decision": {decision}})
		return code, h.Get("Location")
	}
	if code, loc := decide("stampante impallata", "accept"); code != http.StatusSeeOther || !strings.Contains(loc, "flash.learned_accepted") {
		t.Fatalf("accept = %d %s", code, loc)
	}
	if got := page(); !strings.Contains(got, "accettata") || !strings.Contains(got, "user:edo") || strings.Contains(got, `id="learned-0-accept"`) {
		t.Fatalf("after accepting:\n%s", got)
	}
	var learned []string
	if err := tc.pool.Select(&learned, `SELECT unnest(learned) FROM kb_entries WHERE slug = 'stampante'`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(learned, []string{"stampante impallata"}) {
		t.Errorf("phrasings in use after accepting: %v", learned)
	}
	if code, _ := decide("stampante impallata", "remove"); code != http.StatusSeeOther {
		t.Fatalf("remove = %d", code)
	}
	if got := page(); !strings.Contains(got, "rimossa") || strings.Contains(got, `id="learned-0-remove"`) {
		t.Fatalf("after removing:\n%s", got)
	}
	if code, _ := decide("stampante impallata", "maybe"); code != http.StatusBadRequest {
		t.Errorf("bad decision = %d, want 400", code)
	}
	if code, _ := decide("mai vista", "accept"); code != http.StatusNotFound {
		t.Errorf("unknown phrasing = %d, want 404", code)
	}
}

// TestConsoleClassifyIsASeverityLabel: an agent's change of urgency and
// impact on the ticket page keeps the ticket's text with the new levels as
// a severity label; saving the same levels again adds none.
func TestConsoleClassifyIsASeverityLabel(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	s := seedConsole(t, tc)
	tc.addUser("anna", agents.RoleAgentL1)
	anna := tc.login("anna")
	classify := func(u, i string) {
		t.Helper()
		if code, _, _ := anna.post(fmt.Sprintf("/console/tickets/%d/classify", s.ticketID), url.Values{"urgency": {u}, "impact": {i}}); code != http.StatusSeeOther {
			t.Fatalf("classify %s/%s = %d", u, i, code)
		}
	}
	labels := func() []string {
		t.Helper()
		var out []string
		if err := tc.pool.Select(&out, `SELECT text || '|' || lang || '|' || urgency || '|' || impact || '|' || who FROM severity_labels ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		return out
	}
	classify("high", "low")
	classify("high", "low")
	if got := labels(); !slices.Equal(got, []string{"La stampante non stampa|it|high|low|user:anna"}) {
		t.Fatalf("labels: %v", got)
	}
}
