// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"helpdesk/agents"
	"helpdesk/kb"
	"helpdesk/tickets"
)

const procedure = "- [ ] (required) Switch the printer off\n- [ ] Clean the rollers\n"

// entry saves a KB entry and moves it to status.
func (f *fixture) entry(id string, aud kb.Audience, status kb.Status, body string) {
	f.t.Helper()
	ctx := context.Background()
	e := kb.Entry{ID: id, Kind: kb.KindManual, Lang: "en", Status: kb.StatusDraft, Title: "Entry " + id, Audience: aud, Body: body}
	if _, _, err := f.api.kb.Save(ctx, e, "ed", ""); err != nil {
		f.t.Fatal(err)
	}
	path := map[kb.Status][]kb.Status{kb.StatusDraft: nil, kb.StatusInReview: {kb.StatusInReview},
		kb.StatusPublished: {kb.StatusInReview, kb.StatusPublished}, kb.StatusArchived: {kb.StatusInReview, kb.StatusPublished, kb.StatusArchived}}
	for _, s := range path[status] {
		if _, err := f.api.kb.Transition(ctx, id, s, "ed"); err != nil {
			f.t.Fatal(err)
		}
	}
}

func (f *fixture) checklistCount(ticketID int64) int {
	f.t.Helper()
	var n int
	if err := f.pool.Get(&n, `SELECT count(*) FROM ticket_checklists WHERE ticket_id = $1`, ticketID); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestChecklistAttach: only a published internal entry with a task list
// becomes a checklist; every other entry, id or ticket is refused and
// attaches nothing.
func TestChecklistAttach(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.entry("printer-jam", kb.AudienceInternal, kb.StatusPublished, procedure)
	f.entry("public-jam", kb.AudiencePublic, kb.StatusPublished, procedure)
	f.entry("draft-jam", kb.AudienceInternal, kb.StatusDraft, procedure)
	f.entry("old-jam", kb.AudienceInternal, kb.StatusArchived, procedure)
	f.entry("no-steps", kb.AudienceInternal, kb.StatusPublished, "Switch it off and on again.\n")
	tk := f.ticket("Printer jam")
	tok := unitToken(agents.ScopeTicketsWrite)
	attach := func(body any, number string) *httptest.ResponseRecorder {
		return f.do(f.api.ChecklistAttach, tok, "POST", "/x", body, "number="+number)
	}
	for _, c := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"bad id", ChecklistAttach{EntryID: "Printer Jam!"}, 400, "invalid"},
		{"no id", ChecklistAttach{}, 400, "invalid"},
		{"unknown entry", ChecklistAttach{EntryID: "no-such-entry"}, 404, "not_found"},
		{"public entry", ChecklistAttach{EntryID: "public-jam"}, 400, "invalid"},
		{"draft", ChecklistAttach{EntryID: "draft-jam"}, 400, "invalid"},
		{"archived", ChecklistAttach{EntryID: "old-jam"}, 400, "invalid"},
		{"no task list", ChecklistAttach{EntryID: "no-steps"}, 400, "invalid"},
		{"unknown field", `{"entry_id":"printer-jam","steps":[]}`, 400, "invalid"},
	} {
		failedAs(t, c.name, attach(c.body, tk.Number), c.status, c.code)
	}
	failedAs(t, "unknown ticket", attach(ChecklistAttach{EntryID: "printer-jam"}, "T-1999-000009"), 404, "not_found")
	if n := f.checklistCount(tk.ID); n != 0 {
		t.Fatalf("refused attachments left %d checklists", n)
	}
	var cl tickets.Checklist
	decode(t, attach(ChecklistAttach{EntryID: "printer-jam"}, tk.Number), http.StatusCreated, &cl)
	if cl.TicketID != tk.ID || cl.Source != "printer-jam" || cl.AttachedBy != "api:unit" || len(cl.Steps) != 2 ||
		!cl.Steps[0].Required || cl.Steps[1].Required || cl.Steps[0].Text != "Switch the printer off" {
		t.Fatalf("attached %+v", cl)
	}
}

func TestChecklistList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tk := f.ticket("Printer jam")
	tok := unitToken(agents.ScopeTicketsRead)
	w := f.do(f.api.ChecklistList, tok, "GET", "/x", nil, "number="+tk.Number)
	var cls Checklists
	decode(t, w, http.StatusOK, &cls)
	if cls.Checklists == nil || len(cls.Checklists) != 0 {
		t.Fatalf("no checklist: %s, want []", w.Body)
	}
	f.entry("printer-jam", kb.AudienceInternal, kb.StatusPublished, procedure)
	decode(t, f.do(f.api.ChecklistAttach, unitToken(agents.ScopeTicketsWrite), "POST", "/x", ChecklistAttach{EntryID: "printer-jam"}, "number="+tk.Number),
		http.StatusCreated, nil)
	decode(t, f.do(f.api.ChecklistList, tok, "GET", "/x", nil, "number="+tk.Number), http.StatusOK, &cls)
	if len(cls.Checklists) != 1 || len(cls.Checklists[0].Steps) != 2 {
		t.Fatalf("checklists %+v", cls)
	}
	failed(t, f.do(f.api.ChecklistList, tok, "GET", "/x", nil, "number=T-1999-000009"), http.StatusNotFound, "not_found")
}

// TestChecklistTick: done is required; a path that names no step of this
// ticket is a 404 (not a 400, not another ticket's step).
func TestChecklistTick(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.entry("printer-jam", kb.AudienceInternal, kb.StatusPublished, procedure)
	tok := unitToken(agents.ScopeTicketsWrite)
	tk, other := f.ticket("Printer jam"), f.ticket("Another jam")
	var cl, otherCl tickets.Checklist
	decode(t, f.do(f.api.ChecklistAttach, tok, "POST", "/x", ChecklistAttach{EntryID: "printer-jam"}, "number="+tk.Number), http.StatusCreated, &cl)
	decode(t, f.do(f.api.ChecklistAttach, tok, "POST", "/x", ChecklistAttach{EntryID: "printer-jam"}, "number="+other.Number), http.StatusCreated, &otherCl)
	id := strconv.FormatInt(cl.ID, 10)
	tick := func(body any, number, checklist, position string) *httptest.ResponseRecorder {
		return f.do(f.api.ChecklistTick, tok, "POST", "/x", body, "number="+number, "checklist="+checklist, "position="+position)
	}
	for _, c := range []struct {
		name                        string
		body                        any
		number, checklist, position string
		status                      int
		code                        string
	}{
		{"no done", `{}`, tk.Number, id, "1", 400, "invalid"},
		{"done null", `{"done":null}`, tk.Number, id, "1", 400, "invalid"},
		{"done a string", `{"done":"yes"}`, tk.Number, id, "1", 400, "invalid"},
		{"checklist not a number", `{"done":true}`, tk.Number, "x", "1", 404, "not_found"},
		{"position not a number", `{"done":true}`, tk.Number, id, "first", 404, "not_found"},
		{"no such step", `{"done":true}`, tk.Number, id, "7", 404, "not_found"},
		{"step 0", `{"done":true}`, tk.Number, id, "0", 404, "not_found"},
		{"another ticket's checklist", `{"done":true}`, tk.Number, strconv.FormatInt(otherCl.ID, 10), "1", 404, "not_found"},
		{"unknown ticket", `{"done":true}`, "T-1999-000009", id, "1", 404, "not_found"},
	} {
		failedAs(t, c.name, tick(c.body, c.number, c.checklist, c.position), c.status, c.code)
	}
	var st tickets.Step
	decode(t, tick(StepTick{Done: new(true)}, tk.Number, id, "1"), http.StatusOK, &st)
	if st.DoneAt == nil || st.DoneBy != "api:unit" || st.Position != 1 {
		t.Fatalf("ticked %+v", st)
	}
	decode(t, tick(StepTick{Done: new(false)}, tk.Number, id, "1"), http.StatusOK, &st)
	if st.DoneAt != nil {
		t.Fatalf("unticked %+v", st)
	}
	var done int
	if err := f.pool.Get(&done, `SELECT count(*) FROM ticket_checklist_steps WHERE done_at IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if done != 0 {
		t.Fatalf("%d steps done after the refusals and the untick", done)
	}
}

// failedAs is failed for one case of a table, named.
func failedAs(t *testing.T, name string, w *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	t.Run(name, func(t *testing.T) { failed(t, w, status, code) })
}
