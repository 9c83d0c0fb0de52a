// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"helpdesk/web/problem"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// TicketFilter selects tickets in the console list; empty fields match
// everything.
type TicketFilter struct {
	State    string
	Priority string
	Level    int
	Group    string
	Channel  string
	Text     string
	// ServedBy, when not 0, is the level-1 agent looking: level-1 tickets
	// and those they hold only (mayServeLevel). Never taken from the URL.
	ServedBy int64
}

// TicketRow is one line of the ticket list.
type TicketRow struct {
	ID            int64     `db:"id"`
	Number        string    `db:"number"`
	Subject       string    `db:"subject"`
	State         string    `db:"state"`
	Priority      string    `db:"priority"`
	Level         int       `db:"level"`
	GroupName     string    `db:"group_name"`
	OriginChannel string    `db:"origin_channel"`
	Category      string    `db:"category"`
	CreatedAt     time.Time `db:"created_at"`
	UpdatedAt     time.Time `db:"updated_at"`
	AgentName     string    `db:"agent_name"`
}

// ticketRows returns up to limit tickets matching f with id below after
// (0: from the newest), newest first, and whether more follow. Keyset
// paging: the cost of a page does not grow with how deep it is.
func (c *Console) ticketRows(ctx context.Context, f TicketFilter, after int64, limit int) ([]TicketRow, bool, error) {
	var rows []TicketRow
	if err := c.db.SelectContext(ctx, &rows, c.q.TicketsPage, pageArgs(f, after, limit+1)...); err != nil {
		return nil, false, fmt.Errorf("ticket list: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	return rows, more, nil
}

// pageArgs are the parameters of the tickets-page query. A ticket number
// typed in the text box is looked up by number alone: searching subjects
// for it would cost a trigram scan for nothing.
func pageArgs(f TicketFilter, after int64, limit int) []any {
	text, number := strings.TrimSpace(f.Text), ""
	if ticketNumber.MatchString(text) {
		text, number = "", strings.ToUpper(text)
	}
	return []any{after, f.State, f.Priority, f.Level, f.Group, f.Channel, text, limit, number, f.ServedBy}
}

var ticketNumber = regexp.MustCompile(`(?i)^HD-[0-9]{4}-[0-9]+$`)

func filterOf(q url.Values) (TicketFilter, error) {
	var f TicketFilter
	states := make([]string, len(tickets.States))
	for i, st := range tickets.States {
		states[i] = string(st)
	}
	var err error
	if f.State, err = filterChoice(q, "state", states); err != nil {
		return f, err
	}
	if f.Priority, err = filterChoice(q, "priority", []string{"P1", "P2", "P3", "P4"}); err != nil {
		return f, err
	}
	lvl, err := filterInt(q, "level", 1, 2)
	if err != nil {
		return f, err
	}
	f.Level = int(lvl)
	if f.Group, err = filterText(q, "group", 200); err != nil {
		return f, err
	}
	if f.Channel, err = filterChoice(q, "channel", consoleChannels); err != nil {
		return f, err
	}
	// Longer than any subject search needs; a cut would silently search
	// for something else.
	if f.Text, err = filterText(q, "q", 200); err != nil {
		return f, err
	}
	f.Group, f.Channel = strings.TrimSpace(f.Group), strings.TrimSpace(f.Channel)
	return f, nil
}

// consoleChannels are the channels the ticket list filters on.
var consoleChannels = []string{"web", "email", "telegram", "slack", "mattermost", "phone", "fax", "in_person", "mail", "terminal", "memory", "api"}

func (f TicketFilter) query() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("state", f.State)
	set("priority", f.Priority)
	if f.Level != 0 {
		v.Set("level", strconv.Itoa(f.Level))
	}
	set("group", f.Group)
	set("channel", f.Channel)
	set("q", f.Text)
	return v
}

type ticketListData struct {
	Filter     TicketFilter
	Rows       []TicketRow
	Next       string // link to the next page, "" on the last
	First      string // link back to the first page, "" on the first
	States     []tickets.State
	Priorities []tickets.Priority
	Channels   []string
}

func (c *Console) TicketList(w http.ResponseWriter, r *http.Request) {
	q := filterQuery(r)
	f, err := filterOf(q)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if s := sessionFrom(r); s != nil && s.Role == agents.RoleAgentL1 {
		f.ServedBy = s.ID
	}
	after, err := filterInt(q, "after", 1, 1<<62)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	rows, more, err := c.ticketRows(r.Context(), f, after, c.pageSize)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d := ticketListData{Filter: f, Rows: rows, States: tickets.States,
		Priorities: []tickets.Priority{tickets.P1, tickets.P2, tickets.P3, tickets.P4},
		Channels:   consoleChannels}
	if more {
		nq := f.query()
		nq.Set("after", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		d.Next = "/console/tickets?" + nq.Encode()
	}
	if after > 0 {
		d.First = "/console/tickets?" + f.query().Encode()
	}
	c.render(w, r, http.StatusOK, "tickets", c.newView(r, "tickets.title", d))
}

type ticketPageData struct {
	Ticket   *tickets.Ticket
	Timeline []timelineLine // the events in words (timeline.go)
	// Assessment is the bot's view, in its own panel (assessment.go).
	Assessment assessmentView
	Closure    string // the closure code's label
	Agents     []agents.User
	Levels     []tickets.Level
	Agent      string
	SLA        template.HTML // the service-level clocks (sla_clocks.go)
	// Checklist is the procedures block and the resolve form
	// (checklist_console.go).
	Checklist template.HTML
	// Attachments are the ticket's files; audio (a voicemail) is played
	// in the page (attachments.go).
	Attachments []attachmentView
}

// pathTicket loads the ticket named by the path's {id}; when it cannot,
// it has answered the request (400 or 404) and returns false.
func (c *Console) pathTicket(w http.ResponseWriter, r *http.Request) (*tickets.Ticket, bool) {
	id, err := pathID(r)
	if err == nil {
		var t *tickets.Ticket
		if t, err = c.tickets.Get(r.Context(), c.db, id); err == nil {
			return t, true
		}
	}
	c.Fail(w, r, err)
	return nil, false
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: id", problem.ErrBadRequest)
	}
	return id, nil
}

func (c *Console) TicketPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.pathTicket(w, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), t.ID
	evs, err := c.tickets.Events(ctx, c.db, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	cs, err := c.tickets.Comments(ctx, c.db, id, true)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	byID := map[int64]*tickets.Comment{}
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	d := ticketPageData{Ticket: t, Levels: []tickets.Level{tickets.High, tickets.Medium, tickets.Low}}
	if sess := sessionFrom(r); sess != nil {
		// Every view of a ticket is recorded: who saw what, when.
		if err := c.tickets.RecordView(ctx, c.db, sess.ID, t.ID); err != nil {
			c.log.Warn("record ticket view", "ticket", t.Number, "err", err)
		}
	}
	if panel, err := c.SLAPanel(r, t, evs); err == nil {
		d.SLA = panel
	} else {
		c.log.Warn("SLA clocks", "ticket", t.Number, "err", err)
	}
	if panel, err := c.checklistPanelHTML(r, t); err == nil {
		d.Checklist = panel
	} else {
		c.log.Warn("checklist panel", "ticket", t.Number, "err", err)
	}
	lang := pageLang(r)
	if d.Timeline, err = c.timeline(ctx, lang, evs, byID); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Attachments, err = c.attachmentViews(r, t); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Assessment = c.assessmentOf(ctx, lang, t.Assessment)
	d.Closure = c.closure.Label(lang, t.ClosureCode)
	if d.Agents, err = c.users.Agents(ctx); err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, a := range d.Agents {
		if t.AgentID != nil && a.ID == *t.AgentID {
			d.Agent = a.DisplayName
		}
	}
	c.render(w, r, http.StatusOK, "ticket", c.newView(r, "ticket.title", d))
}

// ticketChange runs one panel change and goes back to the ticket page.
// The change and its events are one transaction.
func (c *Console) ticketChange(w http.ResponseWriter, r *http.Request, fn func(tx *sqlx.Tx, id int64) error) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := db.Tx(r.Context(), c.db, func(tx *sqlx.Tx) error { return fn(tx, id) }); err != nil {
		c.Fail(w, r, err)
		return
	}
	back := fmt.Sprintf("/console/tickets/%d", id)
	if b := r.PostFormValue("back"); b != "" {
		back = safeNext(b) // the panel inside the conversation view comes back there
	}
	redirect(w, r, back, "flash.saved")
}

func (c *Console) TicketClassify(w http.ResponseWriter, r *http.Request) {
	c.ticketChange(w, r, func(tx *sqlx.Tx, id int64) error {
		_, err := c.tickets.Classify(r.Context(), tx, id, actor(r),
			tickets.Level(r.PostFormValue("urgency")), tickets.Level(r.PostFormValue("impact")))
		return err
	})
}

func (c *Console) TicketCategorise(w http.ResponseWriter, r *http.Request) {
	c.ticketChange(w, r, func(tx *sqlx.Tx, id int64) error {
		_, err := c.tickets.Categorise(r.Context(), tx, id, actor(r),
			strings.TrimSpace(r.PostFormValue("category")), strings.TrimSpace(r.PostFormValue("product")))
		return err
	})
}

func (c *Console) TicketAssign(w http.ResponseWriter, r *http.Request) {
	c.ticketChange(w, r, func(tx *sqlx.Tx, id int64) error {
		var agent *int64
		if s := r.PostFormValue("agent"); s != "" {
			a, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("%w: agent", problem.ErrBadRequest)
			}
			// An unknown, inactive or non-agent user is the form's
			// mistake (400), not a foreign-key failure (500).
			ok, err := c.users.Assignable(r.Context(), tx, a)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: no active agent %d", problem.ErrBadRequest, a)
			}
			agent = &a
		}
		_, err := c.tickets.Assign(r.Context(), tx, id, actor(r), agent, strings.TrimSpace(r.PostFormValue("group")))
		return err
	})
}

// ticketCalledBack: the agent called the voicemail's requester back.
func (c *Console) TicketCalledBack(w http.ResponseWriter, r *http.Request) {
	c.ticketChange(w, r, func(tx *sqlx.Tx, id int64) error {
		_, err := c.tickets.MarkCalledBack(r.Context(), tx, id, actor(r))
		return err
	})
}

func (c *Console) TicketNote(w http.ResponseWriter, r *http.Request) {
	c.ticketChange(w, r, func(tx *sqlx.Tx, id int64) error {
		_, err := c.tickets.AddComment(r.Context(), tx, id, actor(r), false, r.PostFormValue("body"))
		return err
	})
}
