// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// publishEntry saves e as a draft and publishes it.
func publishEntry(t *testing.T, store *kb.Store, e kb.Entry) {
	t.Helper()
	ctx := context.Background()
	e.Status = kb.StatusDraft
	if _, _, err := store.Save(ctx, e, "ed", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := store.Transition(ctx, e.ID, s, "ed"); err != nil {
			t.Fatal(err)
		}
	}
}

// checklistDesk is a console whose knowledge base holds a published
// internal procedure with two required steps of three, a public FAQ, and
// an open ticket that matches the procedure.
func checklistDesk(t *testing.T, h *recordingHandoff) (*testDesk, *tickets.Ticket) {
	t.Helper()
	ctx := context.Background()
	var searcherErr error
	d := newTestDesk(t, func(o *Options) {
		store, err := kb.NewStore(o.Pool, o.Now)
		if err != nil {
			t.Fatal(err)
		}
		publishEntry(t, store, kb.Entry{ID: "stampante-inceppata", Kind: kb.KindManual, Lang: "it", Audience: kb.AudienceInternal,
			Title: "Stampante di rete: carta inceppata", Body: "Quando la stampante di rete segnala carta inceppata:\n\n" +
				"- [ ] (obbligatorio) Spegnere la stampante\n- [ ] Pulire i rulli\n- [ ] (obbligatorio) Stampare una pagina di prova\n"})
		publishEntry(t, store, kb.Entry{ID: "faq-stampa", Kind: kb.KindFAQ, Lang: "it", Audience: kb.AudiencePublic,
			Title: "Come stampo", Body: "- [ ] premi stampa\n", Questions: []string{"come stampo"}})
		o.KB = store
		o.Searcher, searcherErr = kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if h != nil {
			o.Handoff = h
		}
	})
	if searcherErr != nil {
		t.Fatal(searcherErr)
	}
	tk, err := d.c.tickets.Create(ctx, d.pool, "test", tickets.NewTicket{OriginChannel: "phone", Subject: "Stampante di rete con carta inceppata",
		Description: "La stampante di rete segnala carta inceppata.", Urgency: tickets.Low, Impact: tickets.Low})
	if err != nil {
		t.Fatal(err)
	}
	return d, tk
}

// TestChecklists: the panel suggests the matching procedure; attaching
// takes only a published internal procedure, on an open ticket; ticking a
// step; resolving with a required step open goes back to the page, and
// with a reason resolves and records the overrule.
func TestChecklists(t *testing.T) {
	t.Parallel()
	d, tk := checklistDesk(t, nil)
	anna := d.session("anna", agents.RoleAgentL1)
	base := fmt.Sprintf("/console/tickets/%d", tk.ID)
	panel := func() string {
		t.Helper()
		r := httptest.NewRequest("GET", base+"?lang=en", nil)
		r = r.WithContext(d.c.withSession(r.Context(), anna))
		got, err := d.c.checklistPanelHTML(r, tk)
		if err != nil {
			t.Fatal(err)
		}
		return string(got)
	}
	if p := panel(); !strings.Contains(p, `id="attach-stampante-inceppata"`) || strings.Contains(p, `id="attach-faq-stampa"`) {
		t.Fatalf("suggestions:\n%s", p)
	}
	var attached string // where the last attach sent the agent
	attach := func(entry string) int {
		w := d.serve(anna, "POST /console/tickets/{id}/checklists", d.c.ChecklistAttach, "POST", base+"/checklists", url.Values{"entry_id": {entry}})
		attached = w.Header().Get("Location")
		return w.Code
	}
	if code := attach("nessuna"); code != http.StatusNotFound {
		t.Errorf("attach an unknown entry = %d, want 404", code)
	}
	if code := attach("faq-stampa"); code != http.StatusBadRequest {
		t.Errorf("attach a public FAQ = %d, want 400", code)
	}
	if code := attach("stampante-inceppata"); code != http.StatusSeeOther || attached != base+"?flash=flash.checklist_attached#checklists" {
		t.Fatalf("attach = %d %s", code, attached)
	}
	cls, err := d.c.tickets.Checklists(context.Background(), d.pool, tk.ID)
	if err != nil || len(cls) != 1 || len(cls[0].Steps) != 3 || !cls[0].Steps[0].Required || cls[0].Steps[1].Required {
		t.Fatalf("checklists %+v, %v", cls, err)
	}
	if p := panel(); strings.Contains(p, `id="attach-stampante-inceppata"`) || !strings.Contains(p, fmt.Sprintf(`id="tick-%d-1"`, cls[0].ID)) {
		t.Errorf("after attaching:\n%s", p)
	}
	tick := func(path string, form url.Values) int {
		return d.serve(anna, "POST /console/tickets/{id}/checklists/{checklist}/steps/{position}", d.c.ChecklistTick, "POST", base+path, form).Code
	}
	if code := tick(fmt.Sprintf("/checklists/%d/steps/1", cls[0].ID), url.Values{"done": {"true"}}); code != http.StatusSeeOther {
		t.Fatalf("tick = %d", code)
	}
	if code := tick(fmt.Sprintf("/checklists/%d/steps/x", cls[0].ID), url.Values{}); code != http.StatusBadRequest {
		t.Errorf("tick a bad step = %d, want 400", code)
	}
	if code := tick(fmt.Sprintf("/checklists/%d/steps/9", cls[0].ID), url.Values{}); code != http.StatusNotFound {
		t.Errorf("tick a missing step = %d, want 404", code)
	}
	resolve := func(form url.Values) (int, string) {
		w := d.serve(anna, "POST /console/tickets/{id}/resolve", d.c.TicketResolve, "POST", base+"/resolve", form)
		return w.Code, w.Header().Get("Location")
	}
	if code, _ := resolve(url.Values{"code": {"magic"}}); code != http.StatusBadRequest {
		t.Errorf("an unknown closure code = %d, want 400", code)
	}
	if code, loc := resolve(url.Values{"code": {"solved"}}); code != http.StatusSeeOther || loc != base+"?refused=checklist" {
		t.Fatalf("with a required step open: %d %s", code, loc)
	}
	if code, loc := resolve(url.Values{"code": {"solved"}, "unchecked_reason": {"carta finita"}}); code != http.StatusSeeOther || loc != base+"?flash=flash.ticket_resolved" {
		t.Fatalf("with a reason: %d %s", code, loc)
	}
	got, err := d.c.tickets.Get(context.Background(), d.pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := d.c.tickets.Events(context.Background(), d.pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != tickets.StateResolved || !hasEvent(evs, tickets.EventChecklistOverruled, "carta finita") {
		t.Errorf("state %s, events %+v", got.State, evs)
	}
	if code := attach("stampante-inceppata"); code != http.StatusConflict {
		t.Errorf("attach to a resolved ticket = %d, want 409", code)
	}
}

func hasEvent(evs []tickets.Event, kind, value string) bool {
	for _, e := range evs {
		if e.Kind == kind && e.NewValue == value {
			return true
		}
	}
	return false
}

// TestConvResolveChecked: a conversation whose ticket has a required step
// open is not resolved without a reason (the engine is not called); with
// one the engine resolves it and the overrule is recorded on the ticket.
func TestConvResolveChecked(t *testing.T) {
	t.Parallel()
	h := &recordingHandoff{}
	d, tk := checklistDesk(t, h)
	anna := d.session("anna", agents.RoleAgentL1)
	ctx := context.Background()
	w := d.serve(anna, "POST /console/tickets/{id}/checklists", d.c.ChecklistAttach, "POST", fmt.Sprintf("/console/tickets/%d/checklists", tk.ID),
		url.Values{"entry_id": {"stampante-inceppata"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("attach = %d", w.Code)
	}
	var conv int64
	if err := d.pool.Get(&conv, `INSERT INTO conversations (channel, conversation_key, state, level, ticket_id, context, created_at, updated_at, last_message_at)
		VALUES ('memory', 'k1', 'queued', 1, $1, '{}', now(), now(), now()) RETURNING id`, tk.ID); err != nil {
		t.Fatal(err)
	}
	resolve := func(form url.Values) *httptest.ResponseRecorder {
		return d.serve(anna, "POST /console/conversations/{id}/resolve", d.c.ConvResolveChecked, "POST", fmt.Sprintf("/console/conversations/%d/resolve?lang=en", conv), form)
	}
	w = resolve(url.Values{"code": {"solved"}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Spegnere la stampante; Stampare una pagina di prova") || h.last() != "" {
		t.Fatalf("without a reason: %d, engine %q\n%s", w.Code, h.last(), w.Body.String())
	}
	if w = resolve(url.Values{"code": {"solved"}, "unchecked_reason": {"fatto a voce"}}); w.Code != http.StatusSeeOther || h.last() != fmt.Sprintf("resolve %d: solved ", conv) {
		t.Fatalf("with a reason: %d, engine %q", w.Code, h.last())
	}
	evs, err := d.c.tickets.Events(ctx, d.pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !hasEvent(evs, tickets.EventChecklistOverruled, "fatto a voce") {
		t.Errorf("no overrule recorded: %+v", evs)
	}
	// A refusal by the engine records nothing.
	h.err = fmt.Errorf("no: %w", tickets.ErrIllegalTransition)
	before := len(evs)
	if w = resolve(url.Values{"code": {"solved"}, "unchecked_reason": {"di nuovo"}}); w.Code != http.StatusConflict {
		t.Errorf("engine refused: %d, want 409", w.Code)
	}
	if evs, err = d.c.tickets.Events(ctx, d.pool, tk.ID); err != nil || len(evs) != before {
		t.Errorf("events after a refusal: %d → %d (%v)", before, len(evs), err)
	}
}
