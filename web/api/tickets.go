// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"errors"
	"helpdesk/web/intake"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/internal/db"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// TicketCreate is the body of POST /api/v1/tickets.
type TicketCreate struct {
	Subject        string        `json:"subject"`
	Description    string        `json:"description"`
	Type           tickets.Type  `json:"type"`
	Category       string        `json:"category"`
	Product        string        `json:"product"`
	Urgency        tickets.Level `json:"urgency"`
	Impact         tickets.Level `json:"impact"`
	Level          int           `json:"level"`
	GroupName      string        `json:"group_name"`
	OriginChannel  string        `json:"origin_channel"`
	RequesterEmail string        `json:"requester_email"`
	RequesterName  string        `json:"requester_name"`
}

// TicketPage is a page of the ticket list; NextCursor is empty on the
// last page.
type TicketPage struct {
	Tickets    []tickets.Ticket `json:"tickets"`
	NextCursor string           `json:"next_cursor"`
}

// Comment is the body of POST …/comments.
type Comment struct {
	Body   string `json:"body"`
	Public bool   `json:"public"`
}

// StateChange is the body of POST …/state. Resolving needs a closure
// code; a required checklist step left unticked needs a reason.
type StateChange struct {
	State           tickets.State `json:"state"`
	ClosureCode     string        `json:"closure_code"`
	ClosureNote     string        `json:"closure_note"`
	UncheckedReason string        `json:"unchecked_reason"`
}

// Comments wraps a ticket's comments.
type Comments struct {
	Comments []tickets.Comment `json:"comments"`
}

const (
	apiPageDefault = 50
	apiPageMax     = 200
)

// TicketList serves GET /api/v1/tickets.
func (a *API) TicketList(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	q := r.URL.Query()
	// A parameter given is checked as given: an empty value (limit=) is
	// refused like any other bad one, never read as "absent" (but cursor).
	limit := apiPageDefault
	if v, ok := apiQuery(q, "limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiPageMax {
			a.fail(w, apiBadRequestf("limit must be 1 to %d", apiPageMax))
			return
		}
		limit = n
	}
	var after int64
	// cursor= is the first page: a client passes the last answer's
	// next_cursor as it is, and the first has none.
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			a.fail(w, apiBadRequestf("bad cursor"))
			return
		}
		after = n
	}
	level := 0
	if v, ok := apiQuery(q, "level"); ok {
		if v != "1" && v != "2" {
			a.fail(w, apiBadRequestf("level must be 1 or 2"))
			return
		}
		level, _ = strconv.Atoi(v)
	}
	state, ok := apiQuery(q, "state")
	if ok && !tickets.State(state).Valid() {
		a.fail(w, apiBadRequestf("unknown state %q", state))
		return
	}
	priority, ok := apiQuery(q, "priority")
	if ok && priority != "P1" && priority != "P2" && priority != "P3" && priority != "P4" {
		a.fail(w, apiBadRequestf("priority must be P1 to P4"))
		return
	}
	page := TicketPage{Tickets: []tickets.Ticket{}}
	if err := a.pool.SelectContext(r.Context(), &page.Tickets, a.q.TicketsPage, after, state, priority, level,
		q.Get("channel"), strings.TrimSpace(q.Get("text")), limit+1); err != nil {
		a.fail(w, err)
		return
	}
	if len(page.Tickets) > limit {
		page.Tickets = page.Tickets[:limit]
		page.NextCursor = strconv.FormatInt(page.Tickets[limit-1].ID, 10)
	}
	apiJSON(w, http.StatusOK, page)
}

// TicketCreate serves POST /api/v1/tickets.
func (a *API) TicketCreate(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in TicketCreate
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	if in.OriginChannel == "" {
		in.OriginChannel = "api"
	}
	email := in.RequesterEmail
	if email != "" && !apiEmail(email) {
		a.fail(w, apiBadRequestf("requester_email %q is not an e-mail address", in.RequesterEmail))
		return
	}
	if email != "" && a.intake != nil {
		// A requester with an address: the web form's and the console's
		// path (intake.go) — an e-mail thread, so the ticket's public
		// comments and its resolution reach them by mail, and the
		// confirmation with the number and the tracking link.
		lang := nlp.DetectLanguage(in.Subject+"\n"+in.Description, "it").Lang
		opened, err := a.intake.Open(r.Context(), intake.Request{Name: in.RequesterName, Email: email, Lang: lang,
			OriginChannel: in.OriginChannel, Actor: apiActor(tok), Via: "api", Subject: in.Subject, Description: in.Description,
			Category: in.Category, Product: in.Product, Type: in.Type, Urgency: in.Urgency, Impact: in.Impact,
			Level: in.Level, GroupName: in.GroupName})
		if err != nil {
			a.fail(w, err)
			return
		}
		if err := a.intake.Confirm(r.Context(), opened, lang); err != nil && !errors.Is(err, intake.ErrNoMailer) {
			// The ticket stands; the confirmation is the only thing lost.
			a.log.Error("API ticket confirmation mail", "ticket", opened.Ticket.Number, "err", err)
		}
		w.Header().Set("Location", "/api/v1/tickets/"+opened.Ticket.Number)
		apiJSON(w, http.StatusCreated, opened.Ticket)
		return
	}
	var t *tickets.Ticket
	err := db.Tx(r.Context(), a.pool, func(tx *sqlx.Tx) error {
		n := tickets.NewTicket{OriginChannel: in.OriginChannel, Subject: in.Subject, Description: in.Description,
			Type: in.Type, Category: in.Category, Product: in.Product, Urgency: in.Urgency, Impact: in.Impact,
			Level: in.Level, GroupName: in.GroupName}
		if email != "" {
			id, err := a.tickets.EnsureRequester(r.Context(), tx, tickets.Identity{Channel: "email",
				ExternalID: strings.ToLower(email), Name: in.RequesterName, Email: email})
			if err != nil {
				return err
			}
			n.RequesterID = &id
		}
		var err error
		t, err = a.tickets.Create(r.Context(), tx, apiActor(tok), n)
		return err
	})
	if err != nil {
		a.fail(w, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tickets/"+t.Number)
	apiJSON(w, http.StatusCreated, t)
}

// TicketGet serves GET /api/v1/tickets/{number}.
func (a *API) TicketGet(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	t, err := a.tickets.GetByNumber(r.Context(), a.pool, r.PathValue("number"))
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, t)
}

// TicketComments serves GET /api/v1/tickets/{number}/comments.
func (a *API) TicketComments(w http.ResponseWriter, r *http.Request, _ agents.APIToken) {
	t, err := a.tickets.GetByNumber(r.Context(), a.pool, r.PathValue("number"))
	if err != nil {
		a.fail(w, err)
		return
	}
	internal := false
	if v, ok := apiQuery(r.URL.Query(), "internal"); ok {
		// true/false, 1/0 (strconv.ParseBool, as OpenAPI tools read a
		// boolean parameter); anything else is refused, not ignored.
		if internal, err = strconv.ParseBool(v); err != nil {
			a.fail(w, apiBadRequestf("internal must be true or false"))
			return
		}
	}
	cs, err := a.tickets.Comments(r.Context(), a.pool, t.ID, internal)
	if err != nil {
		a.fail(w, err)
		return
	}
	if cs == nil {
		cs = []tickets.Comment{}
	}
	apiJSON(w, http.StatusOK, Comments{Comments: cs})
}

// TicketComment serves POST /api/v1/tickets/{number}/comments.
func (a *API) TicketComment(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in Comment
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	var c *tickets.Comment
	t, err := a.tickets.GetByNumber(r.Context(), a.pool, r.PathValue("number"))
	if err == nil && a.desk != nil {
		// Through the engine: a public comment reaches the requester as
		// the console's reply does.
		c, err = a.desk.TicketComment(r.Context(), t.ID, apiActor(tok), in.Public, in.Body)
	} else if err == nil {
		err = db.Tx(r.Context(), a.pool, func(tx *sqlx.Tx) error {
			var err error
			c, err = a.tickets.AddComment(r.Context(), tx, t.ID, apiActor(tok), in.Public, in.Body)
			return err
		})
	}
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusCreated, c)
}

// TicketState serves POST /api/v1/tickets/{number}/state.
func (a *API) TicketState(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
	var in StateChange
	if err := apiDecode(r, &in); err != nil {
		a.fail(w, err)
		return
	}
	if !in.State.Valid() {
		a.fail(w, apiBadRequestf("unknown state %q", in.State))
		return
	}
	if in.State == tickets.StateResolved && !a.closure.Valid(in.ClosureCode) {
		a.fail(w, apiBadRequestf("closure_code %q is not one of the desk's closure codes (console.closure_codes): %s",
			in.ClosureCode, a.closure.Codes()))
		return
	}
	var t *tickets.Ticket
	var resolveID int64
	err := db.Tx(r.Context(), a.pool, func(tx *sqlx.Tx) error {
		cur, err := a.tickets.GetByNumber(r.Context(), tx, r.PathValue("number"))
		if err != nil {
			return err
		}
		if in.State == tickets.StateResolved {
			if a.desk != nil {
				resolveID = cur.ID // through the engine, after this read
				return nil
			}
			t, err = a.tickets.ResolveChecked(r.Context(), tx, cur.ID, apiActor(tok), in.ClosureCode, in.ClosureNote, in.UncheckedReason)
		} else {
			t, err = a.tickets.Transition(r.Context(), tx, cur.ID, apiActor(tok), in.State)
		}
		return err
	})
	if err == nil && resolveID != 0 {
		// A resolution tells the requester as the console's does.
		t, err = a.desk.ResolveTicket(r.Context(), resolveID, apiActor(tok), in.ClosureCode, in.ClosureNote, in.UncheckedReason)
	}
	if err != nil {
		a.fail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, t)
}

// apiQuery returns a query parameter and whether it was given at all (an
// empty value is given).
func apiQuery(q url.Values, name string) (string, bool) {
	vs, ok := q[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// apiEmail says whether s is one plain e-mail address (no display name,
// no list), as requester_email must be.
func apiEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Name == "" && addr.Address == s && len(s) <= 254
}
