// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// publishProcedure saves an internal procedure with a checklist and
// publishes it.
func publishProcedure(t *testing.T, store *kb.Store, id, lang, title, body string) {
	t.Helper()
	ctx := context.Background()
	e := kb.Entry{ID: id, Kind: kb.KindManual, Lang: lang, Status: kb.StatusDraft, Title: title, Audience: kb.AudienceInternal, Body: body}
	if _, _, err := store.Save(ctx, e, "ed", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := store.Transition(ctx, id, s, "ed"); err != nil {
			t.Fatal(err)
		}
	}
}

const jamProcedure = "Quando la stampante di rete segnala carta inceppata:\n\n" +
	"- [ ] (obbligatorio) Spegnere la stampante prima di aprire il vano\n" +
	"- [ ] Pulire i rulli di trascinamento\n" +
	"- [ ] (obbligatorio) Stampare una pagina di prova\n"

// checklistConsole is a console with a searcher over a KB that holds one
// internal procedure, and a ticket that matches it.
func checklistConsole(t *testing.T, fh *fakeHandoff) (*testConsole, *tickets.Store, *tickets.Ticket) {
	t.Helper()
	ctx := context.Background()
	var store *kb.Store
	tc := newTestConsole(t, func(o *Options) {
		var err error
		if store, err = kb.NewStore(o.Pool, nil); err != nil {
			t.Fatal(err)
		}
		publishProcedure(t, store, "stampante-inceppata", "it", "Stampante di rete: carta inceppata", jamProcedure)
		publishProcedure(t, store, "reset-password", "it", "Reimpostare la password di dominio", "- [ ] (obbligatorio) Verificare l'identità\n- [ ] Reimpostare\n")
		if o.Searcher, err = kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
			t.Fatal(err)
		}
		o.KB = store
		if fh != nil {
			o.Handoff = fh
		}
	})
	ts := tc.tickets
	tk, err := ts.Create(ctx, tc.pool, "test", tickets.NewTicket{OriginChannel: "phone", Subject: "Stampante di rete con carta inceppata",
		Description: "La stampante di rete del secondo piano segnala carta inceppata e non stampa."})
	if err != nil {
		t.Fatal(err)
	}
	return tc, ts, tk
}

func TestChecklistOnTicketPage(t *testing.T) {
	t.Parallel()
	tc, ts, tk := checklistConsole(t, nil)
	tc.addUser("anna", agents.RoleAgentL1)
	tc.addUser("elena", agents.RoleEditor)
	c := tc.login("anna")
	page := fmt.Sprintf("/console/tickets/%d", tk.ID)

	// The matching procedure is suggested, the unrelated one is not.
	_, body, _ := c.get(page + "?lang=en")
	if !strings.Contains(body, `id="attach-stampante-inceppata"`) || strings.Contains(body, `id="attach-reset-password"`) {
		t.Fatalf("suggestions:\n%s", section(body, "checklists"))
	}
	// An editor sees the page but not the buttons.
	if _, body, _ := tc.login("elena").get(page); strings.Contains(body, `id="attach-`) || strings.Contains(body, `id="ticket-resolve"`) {
		t.Error("an editor is offered checklist or resolve buttons")
	}

	if code, _, _ := c.post(page+"/checklists", url.Values{"entry_id": {"stampante-inceppata"}}); code != http.StatusSeeOther {
		t.Fatalf("attach: %d", code)
	}
	// Attaching a public FAQ, or something unknown, is refused.
	if code, _, _ := c.post(page+"/checklists", url.Values{"entry_id": {"nope"}}); code != http.StatusNotFound {
		t.Errorf("attach unknown: %d", code)
	}
	cls, err := ts.Checklists(context.Background(), tc.pool, tk.ID)
	if err != nil || len(cls) != 1 || len(cls[0].Steps) != 3 || !cls[0].Steps[0].Required || cls[0].Steps[1].Required {
		t.Fatalf("checklists %+v, %v", cls, err)
	}
	cl := cls[0].ID
	_, body, _ = c.get(page + "?lang=en")
	if strings.Contains(body, `id="attach-stampante-inceppata"`) || !strings.Contains(body, fmt.Sprintf(`id="tick-%d-1"`, cl)) ||
		!strings.Contains(body, "Required steps not done yet: Spegnere la stampante prima di aprire il vano; Stampare una pagina di prova.") {
		t.Fatalf("after attaching:\n%s", section(body, "checklists"))
	}

	// Each tick is an event; the first required step is done, the second not.
	for _, pos := range []int{1, 2} {
		if code, _, _ := c.post(fmt.Sprintf("%s/checklists/%d/steps/%d", page, cl, pos), url.Values{"done": {"true"}}); code != http.StatusSeeOther {
			t.Fatalf("tick %d: %d", pos, code)
		}
	}
	c.post(fmt.Sprintf("%s/checklists/%d/steps/2", page, cl), url.Values{"done": {"false"}})
	var kinds []string
	if err := tc.pool.Select(&kinds, `SELECT kind FROM ticket_events WHERE ticket_id = $1 AND kind LIKE 'step%' OR kind = 'checklist' ORDER BY id`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Join(kinds, ",") != "checklist,step_done,step_done,step_undone" {
		t.Errorf("events %v", kinds)
	}

	// Resolving with a required step open is refused, with the reason
	// field and a clear message, in either language.
	code, _, h := c.post(page+"/resolve", url.Values{"code": {"solved"}, "note": {"carta tolta"}})
	if code != http.StatusSeeOther || h.Get("Location") != page+"?refused=checklist" {
		t.Fatalf("resolve without reason: %d %q", code, h.Get("Location"))
	}
	for lang, want := range map[string]string{
		"it": "Il ticket non è stato risolto: restano passi obbligatori non fatti (Stampare una pagina di prova).",
		"en": "The ticket was not resolved: required steps are not done (Stampare una pagina di prova).",
	} {
		_, body, _ = c.get(page + "?refused=checklist&lang=" + lang)
		if !strings.Contains(body, want) || !regexp.MustCompile(`id="resolve-reason"[^>]*autofocus`).MatchString(body) {
			t.Errorf("%s refusal page lacks %q or the focused reason field:\n%s", lang, want, section(body, "resolve"))
		}
	}
	if got, err := ts.Get(context.Background(), tc.pool, tk.ID); err != nil {
		t.Fatal(err)
	} else if !got.State.Open() {
		t.Fatalf("ticket resolved despite the open step: %s", got.State)
	}
	code, _, _ = c.post(page+"/resolve", url.Values{"code": {"solved"}, "unchecked_reason": {"La stampante di prova è guasta: verificato a voce con l'utente."}})
	if code != http.StatusSeeOther {
		t.Fatalf("resolve with reason: %d", code)
	}
	got, err := ts.Get(context.Background(), tc.pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	var overrule tickets.Event
	if err := tc.pool.Get(&overrule, `SELECT * FROM ticket_events WHERE ticket_id = $1 AND kind = 'checklist_overruled'`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if got.State != tickets.StateResolved || overrule.OldValue != "Stampare una pagina di prova" || !strings.Contains(overrule.NewValue, "guasta") ||
		overrule.Actor != "user:anna" {
		t.Fatalf("after resolving: %s, overrule %+v", got.State, overrule)
	}
}

func TestChecklistBlocksConversationResolve(t *testing.T) {
	t.Parallel()
	fh := &fakeHandoff{}
	tc, ts, tk := checklistConsole(t, fh)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	ctx := context.Background()
	var convID int64
	if err := tc.pool.Get(&convID, `INSERT INTO conversations (channel, conversation_key, state, level, ticket_id, context, created_at, updated_at, last_message_at)
		VALUES ('memory', 'k1', 'queued', 1, $1, '{}', now(), now(), now()) RETURNING id`, tk.ID); err != nil {
		t.Fatal(err)
	}
	tc.pool.MustExec(`UPDATE tickets SET conversation_id = $1 WHERE id = $2`, convID, tk.ID)
	if _, err := ts.AttachChecklist(ctx, tc.pool, tk.ID, "test", "stampante-inceppata", "Carta inceppata",
		[]tickets.StepSpec{{Text: "Spegnere la stampante", Required: true}, {Text: "Pulire i rulli"}}); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/console/tickets/%d", tk.ID)

	// The ticket page sends the agent to the conversation, and refuses to
	// resolve behind its back.
	if _, body, _ := c.get(page); !strings.Contains(body, fmt.Sprintf(`href="/console/conversations/%d" id="resolve-conv"`, convID)) {
		t.Errorf("the ticket page does not point to the conversation:\n%s", section(body, "resolve"))
	}
	if code, _, _ := c.post(page+"/resolve", url.Values{"code": {"solved"}, "unchecked_reason": {"x"}}); code != http.StatusConflict {
		t.Errorf("ticket-page resolve of a live conversation: %d, want 409", code)
	}

	// The conversation page names the open steps before the agent tries,
	// and asks for the reason (the form is there for the agent holding it).
	tc.pool.MustExec(`UPDATE conversations SET state = 'agent', agent_id = (SELECT id FROM users WHERE username = 'anna') WHERE id = $1`, convID)
	_, body, _ := c.get(fmt.Sprintf("/console/conversations/%d?lang=en", convID))
	if !strings.Contains(body, `id="open-required">Required steps not done yet: Spegnere la stampante.`) ||
		!regexp.MustCompile(`id="resolve-reason"[^>]*required`).MatchString(body) {
		t.Errorf("the conversation page does not show the open required step:\n%s", section(body, "resolve"))
	}
	conv := fmt.Sprintf("/console/conversations/%d/resolve", convID)
	code, body, _ := c.post(conv+"?lang=en", url.Values{"code": {"solved"}})
	if code != http.StatusConflict || !strings.Contains(body, "required steps are not done (Spegnere la stampante)") {
		t.Fatalf("conversation resolve without reason: %d\n%.500s", code, body)
	}
	if len(fh.calls) != 0 {
		t.Fatalf("the engine was asked to resolve: %v", fh.calls)
	}
	code, _, _ = c.post(conv, url.Values{"code": {"solved"}, "unchecked_reason": {"Spenta dall'utente, confermato al telefono"}})
	if code != http.StatusSeeOther || len(fh.calls) != 1 || !strings.HasPrefix(fh.calls[0], fmt.Sprintf("resolve %d ANNA solved", convID)) {
		t.Fatalf("conversation resolve with reason: %d %v", code, fh.calls)
	}
	var reason string
	if err := tc.pool.Get(&reason, `SELECT new_value FROM ticket_events WHERE ticket_id = $1 AND kind = 'checklist_overruled'`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if reason != "Spenta dall'utente, confermato al telefono" {
		t.Errorf("overrule reason %q", reason)
	}
}

// section returns the part of a page from the element with id on, for
// failure messages.
func section(body, id string) string {
	if i := strings.Index(body, `id="`+id+`"`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}
