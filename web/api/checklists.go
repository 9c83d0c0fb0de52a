// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"helpdesk/web/problem"
	"net/http"
	"strconv"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/internal/db"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// ChecklistAttach is the body of POST …/checklists: the internal KB
// entry whose task list becomes the ticket's checklist.
type ChecklistAttach struct {
	EntryID string `json:"entry_id"`
}

// StepTick is the body of POST …/steps/{position}; done is required
// (a pointer, so that a missing one is not read as false).
type StepTick struct {
	Done *bool `json:"done"`
}

// Checklists wraps a ticket's checklists.
type Checklists struct {
	Checklists []tickets.Checklist `json:"checklists"`
}

// ChecklistList serves GET /api/v1/tickets/{number}/checklists.
func (a *API) ChecklistList(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	t, err := a.tickets.GetByNumber(r.Context(), a.pool, r.PathValue("number"))
	if err != nil {
		a.fail(w, err)
		return
	}
	cls, err := a.tickets.Checklists(r.Context(), a.pool, t.ID)
	if err != nil {
		a.fail(w, err)
		return
	}
	if cls == nil {
		cls = []tickets.Checklist{}
	}
	apiJSON(w, http.StatusOK, Checklists{Checklists: cls})
}

// ChecklistAttach serves POST /api/v1/tickets/{number}/checklists.
func (a *API) ChecklistAttach(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in ChecklistAttach
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	if !kb.ValidID(in.EntryID) {
		a.fail(w, apiBadRequestf("entry_id %q is not an entry id", in.EntryID))
		return
	}
	e, err := a.kb.Get(r.Context(), in.EntryID)
	if err != nil {
		a.fail(w, err)
		return
	}
	steps := e.Checklist()
	if e.Audience != kb.AudienceInternal || e.Status != kb.StatusPublished || len(steps) == 0 {
		a.fail(w, apiBadRequestf("entry %s is not a published internal procedure with a checklist", e.ID))
		return
	}
	specs := make([]tickets.StepSpec, len(steps))
	for i, s := range steps {
		specs[i] = tickets.StepSpec{Text: s.Text, Required: s.Required}
	}
	var cl *tickets.Checklist
	err = db.Tx(r.Context(), a.pool, func(tx *sqlx.Tx) error {
		t, err := a.tickets.GetByNumber(r.Context(), tx, r.PathValue("number"))
		if err != nil {
			return err
		}
		cl, err = a.tickets.AttachChecklist(r.Context(), tx, t.ID, apiActor(tok), e.ID, e.Title, specs)
		return err
	})
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusCreated, cl)
}

// ChecklistTick serves POST /api/v1/tickets/{number}/checklists/{checklist}/steps/{position}.
func (a *API) ChecklistTick(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in StepTick
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	if in.Done == nil {
		a.fail(w, apiBadRequestf("done is required"))
		return
	}
	clID, err1 := strconv.ParseInt(r.PathValue("checklist"), 10, 64)
	pos, err2 := strconv.Atoi(r.PathValue("position"))
	if err1 != nil || err2 != nil {
		a.fail(w, problem.ErrNotFound)
		return
	}
	var st *tickets.Step
	err := db.Tx(r.Context(), a.pool, func(tx *sqlx.Tx) error {
		t, err := a.tickets.GetByNumber(r.Context(), tx, r.PathValue("number"))
		if err != nil {
			return err
		}
		st, err = a.tickets.TickStep(r.Context(), tx, t.ID, clID, pos, apiActor(tok), *in.Done)
		return err
	})
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, st)
}
