// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// The ticket page's procedures: the internal KB entries whose task list
// matches the ticket are suggested (the bot's search, internal audience),
// the agent attaches one, ticks its steps (each tick is a ticket event),
// and resolving with a required step left open needs a written reason —
// on the ticket page and in the conversation alike.

// checklistPanel is what the ticket page's procedures block shows.
type checklistPanel struct {
	Ticket       *tickets.Ticket
	Checklists   []tickets.Checklist
	Suggestions  []kb.Procedure
	OpenRequired []string
	// ConvID is set when the ticket is worked in a live conversation: it
	// is resolved there (the engine tells the requester).
	ConvID       int64
	Refused      bool            // a resolution was just refused for open steps
	ClosureCodes []closureOption // console.closure_codes, translated
}

// checklistPanelHTML renders the block for the ticket page, which puts it
// in its data as it does the SLA clocks.
func (c *Console) checklistPanelHTML(r *http.Request, t *tickets.Ticket) (template.HTML, error) {
	ctx := r.Context()
	p := checklistPanel{Ticket: t, Refused: r.URL.Query().Get("refused") == "checklist", ClosureCodes: c.closure.Options(pageLang(r))}
	var err error
	if p.Checklists, err = c.tickets.Checklists(ctx, c.db, t.ID); err != nil {
		return "", err
	}
	if p.OpenRequired, err = c.tickets.OpenRequiredSteps(ctx, c.db, t.ID); err != nil {
		return "", err
	}
	if t.ConversationID != nil {
		conv, err := c.convs.Get(ctx, c.db, *t.ConversationID)
		if err != nil && !errors.Is(err, bots.ErrNotFound) {
			return "", err
		}
		if conv != nil && (conv.State == bots.StateQueued || conv.State == bots.StateAgent) {
			p.ConvID = conv.ID
		}
	}
	if t.State.Open() && c.searcher != nil {
		if p.Suggestions, err = c.suggestProcedures(r, t, p.Checklists); err != nil {
			// The search is a help, not a condition of the page.
			c.log.Warn("procedure suggestions", "ticket", t.Number, "err", err)
		}
	}
	v := c.newView(r, "ticket.title", p)
	var buf bytes.Buffer
	if err := c.pages["checklist_part"].ExecuteTemplate(&buf, "checklists", v); err != nil {
		return "", fmt.Errorf("render checklists: %w", err)
	}
	return template.HTML(buf.String()), nil // produced by html/template
}

// suggestProcedures searches the internal audience with the ticket's
// subject, description and application, in the requester's language,
// leaving out what is already attached.
func (c *Console) suggestProcedures(r *http.Request, t *tickets.Ticket, attached []tickets.Checklist) ([]kb.Procedure, error) {
	lang := "it"
	if t.RequesterID != nil {
		if rq, err := c.tickets.GetRequester(r.Context(), c.db, *t.RequesterID); err == nil && rq.Lang == "en" {
			lang = "en"
		}
	}
	text := strings.TrimSpace(t.Subject + "\n" + t.Description + "\n" + t.Product)
	ps, err := kb.SuggestProcedures(r.Context(), c.searcher, c.kb, text, lang, 3+len(attached))
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		dup := false
		for _, cl := range attached {
			dup = dup || cl.Source == p.Entry.ID
		}
		if !dup && len(out) < 3 {
			out = append(out, p)
		}
	}
	return out, nil
}

// checklistAttach attaches an internal procedure's checklist.
func (c *Console) ChecklistAttach(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	e, err := c.kb.Get(r.Context(), strings.TrimSpace(r.PostFormValue("entry_id")))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	steps := e.Checklist()
	if e.Audience != kb.AudienceInternal || e.Status != kb.StatusPublished || len(steps) == 0 {
		c.Fail(w, r, fmt.Errorf("%w: %s is not a published internal procedure with a checklist", problem.ErrBadRequest, e.ID))
		return
	}
	specs := make([]tickets.StepSpec, len(steps))
	for i, s := range steps {
		specs[i] = tickets.StepSpec{Text: s.Text, Required: s.Required}
	}
	err = db.Tx(r.Context(), c.db, func(tx *sqlx.Tx) error {
		t, err := c.tickets.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if !t.State.Open() {
			return fmt.Errorf("%w: ticket %s is %s", tickets.ErrIllegalTransition, t.Number, t.State)
		}
		_, err = c.tickets.AttachChecklist(r.Context(), tx, id, actor(r), e.ID, e.Title, specs)
		return err
	})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/console/tickets/%d#checklists", id), "flash.checklist_attached")
}

// checklistTick ticks a step (done=true) or unticks it.
func (c *Console) ChecklistTick(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	clID, err1 := strconv.ParseInt(r.PathValue("checklist"), 10, 64)
	pos, err2 := strconv.Atoi(r.PathValue("position"))
	if err1 != nil || err2 != nil {
		c.Fail(w, r, fmt.Errorf("%w: step", problem.ErrBadRequest))
		return
	}
	done := r.PostFormValue("done") != "false"
	err = db.Tx(r.Context(), c.db, func(tx *sqlx.Tx) error {
		_, err := c.tickets.TickStep(r.Context(), tx, id, clID, pos, actor(r), done)
		return err
	})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/console/tickets/%d#step-%d-%d", id, clID, pos), "")
}

// ticketResolve resolves a ticket from its page (one recorded by an
// agent, or any ticket without a live conversation). A required step left
// open sends the agent back to the page, where the reason field waits
// with the focus (no #fragment in that address: a fragment turns
// autofocus off).
func (c *Console) TicketResolve(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if !c.closure.Valid(code) {
		c.Fail(w, r, fmt.Errorf("%w: closure code %q is not on the list (console.closure_codes)", problem.ErrBadRequest, code))
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	var query, lang string // the requester's question, for a KB link in the note
	err = db.Tx(r.Context(), c.db, func(tx *sqlx.Tx) error {
		t, err := c.tickets.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		query = cmp.Or(t.Assessment.Query, t.Subject)
		if t.ConversationID != nil {
			conv, err := c.convs.Get(r.Context(), tx, *t.ConversationID)
			if err == nil && (conv.State == bots.StateQueued || conv.State == bots.StateAgent) {
				return fmt.Errorf("%w: ticket %s is worked in conversation %d", problem.ErrChanged, t.Number, conv.ID)
			}
			if err == nil {
				query, lang = cmp.Or(conversationQuery(conv.Context), query), conv.Lang
			}
		}
		_, err = c.tickets.ResolveChecked(r.Context(), tx, id, actor(r), code, note, r.PostFormValue("unchecked_reason"))
		return err
	})
	if errors.Is(err, tickets.ErrChecklistIncomplete) {
		http.Redirect(w, r, fmt.Sprintf("/console/tickets/%d?refused=checklist", id), http.StatusSeeOther)
		return
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.confirmLinked(r.Context(), note, query, lang, kb.ConfirmTicket, actor(r))
	redirect(w, r, fmt.Sprintf("/console/tickets/%d", id), "flash.ticket_resolved")
}

// convResolveChecked guards the conversation's resolution (inbox.go's
// convResolve, carried out by the engine): with a required step open and
// no reason the agent gets a clear refusal; with a reason, the overrule
// is recorded on the ticket once the engine has resolved it. The engine
// resolves in a transaction of its own, so the record follows it rather
// than sharing it; a failure there is logged.
func (c *Console) ConvResolveChecked(w http.ResponseWriter, r *http.Request) {
	conv, err := c.loadConversation(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	var open []string
	if conv.TicketID != nil {
		if open, err = c.tickets.OpenRequiredSteps(r.Context(), c.db, *conv.TicketID); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	reason := strings.TrimSpace(r.PostFormValue("unchecked_reason"))
	if len(open) > 0 && reason == "" {
		v := c.newView(r, "checklist.refused_title", nil)
		v.Error = v.T("checklist.refused", strings.Join(open, "; "))
		c.render(w, r, http.StatusConflict, "error", v)
		return
	}
	rec := &codeRecorder{ResponseWriter: w}
	c.convResolve(rec, r)
	if len(open) > 0 && rec.code == http.StatusSeeOther {
		if err := c.tickets.RecordChecklistOverrule(r.Context(), c.db, *conv.TicketID, actor(r), open, reason); err != nil {
			c.log.Error("record checklist overrule", "conversation", conv.ID, "err", err)
		}
	}
}

// codeRecorder keeps the status a handler answered with, so that
// ConvResolveChecked records the overrule only after a resolution.
type codeRecorder struct {
	http.ResponseWriter
	code int
}

func (r *codeRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}
