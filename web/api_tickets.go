// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// apiTicketCreate is the body of POST /api/v1/tickets.
type apiTicketCreate struct {
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

// apiTicketPage is a page of the ticket list; NextCursor is empty on the
// last page.
type apiTicketPage struct {
	Tickets    []tickets.Ticket `json:"tickets"`
	NextCursor string           `json:"next_cursor"`
}

// apiComment is the body of POST …/comments.
type apiComment struct {
	Body   string `json:"body"`
	Public bool   `json:"public"`
}

// apiStateChange is the body of POST …/state. Resolving needs a closure
// code; a required checklist step left unticked needs a reason.
type apiStateChange struct {
	State           tickets.State `json:"state"`
	ClosureCode     string        `json:"closure_code"`
	ClosureNote     string        `json:"closure_note"`
	UncheckedReason string        `json:"unchecked_reason"`
}

// apiComments wraps a ticket's comments.
type apiComments struct {
	Comments []tickets.Comment `json:"comments"`
}

const (
	apiPageDefault = 50
	apiPageMax     = 200
)

func (a *api) ticketList(w http.ResponseWriter, r *http.Request, _ APIToken) {
	q := r.URL.Query()
	limit := apiPageDefault
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiPageMax {
			apiFail(w, apiBadRequestf("limit must be 1 to %d", apiPageMax))
			return
		}
		limit = n
	}
	var after int64
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			apiFail(w, apiBadRequestf("bad cursor"))
			return
		}
		after = n
	}
	level := 0
	if v := q.Get("level"); v != "" {
		if v != "1" && v != "2" {
			apiFail(w, apiBadRequestf("level must be 1 or 2"))
			return
		}
		level, _ = strconv.Atoi(v)
	}
	state := q.Get("state")
	if state != "" && !tickets.State(state).Valid() {
		apiFail(w, apiBadRequestf("unknown state %q", state))
		return
	}
	priority := strings.ToUpper(q.Get("priority"))
	if priority != "" && priority != "P1" && priority != "P2" && priority != "P3" && priority != "P4" {
		apiFail(w, apiBadRequestf("priority must be P1 to P4"))
		return
	}
	page := apiTicketPage{Tickets: []tickets.Ticket{}}
	if err := a.pool.SelectContext(r.Context(), &page.Tickets, a.q.TicketsPage, after, state, priority, level,
		q.Get("channel"), strings.TrimSpace(q.Get("text")), limit+1); err != nil {
		apiFail(w, err)
		return
	}
	if len(page.Tickets) > limit {
		page.Tickets = page.Tickets[:limit]
		page.NextCursor = strconv.FormatInt(page.Tickets[limit-1].ID, 10)
	}
	apiJSON(w, http.StatusOK, page)
}

func (a *api) ticketCreate(w http.ResponseWriter, r *http.Request, tok APIToken) {
	var in apiTicketCreate
	if err := apiDecode(r, &in); err != nil {
		apiFail(w, err)
		return
	}
	if in.OriginChannel == "" {
		in.OriginChannel = "api"
	}
	var t *tickets.Ticket
	err := db.Tx(r.Context(), a.pool, func(tx *sqlx.Tx) error {
		n := tickets.NewTicket{OriginChannel: in.OriginChannel, Subject: in.Subject, Description: in.Description,
			Type: in.Type, Category: in.Category, Product: in.Product, Urgency: in.Urgency, Impact: in.Impact,
			Level: in.Level, GroupName: in.GroupName}
		if email := strings.TrimSpace(in.RequesterEmail); email != "" {
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
		apiFail(w, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tickets/"+t.Number)
	apiJSON(w, http.StatusCreated, t)
}

func (a *api) ticketGet(w http.ResponseWriter, r *http.Request, _ APIToken) {
	t, err := a.tickets.GetByNumber(r.Context(), a.pool, r.PathValue("number"))
	if err != nil {
		apiFail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, t)
}

func (a *api) ticketComments(w http.ResponseWriter, r *http.Request, _ APIToken) {
	t, err := a.tickets.GetByNumber(r.Context(), a.pool, r.PathValue("number"))
	if err != nil {
		apiFail(w, err)
		return
	}
	cs, err := a.tickets.Comments(r.Context(), a.pool, t.ID, r.URL.Query().Get("internal") == "true")
	if err != nil {
		apiFail(w, err)
		return
	}
	if cs == nil {
		cs = []tickets.Comment{}
	}
	apiJSON(w, http.StatusOK, apiComments{Comments: cs})
}

func (a *api) ticketComment(w http.ResponseWriter, r *http.Request, tok APIToken) {
	var in apiComment
	if err := apiDecode(r, &in); err != nil {
		apiFail(w, err)
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
		apiFail(w, err)
		return
	}
	apiJSON(w, http.StatusCreated, c)
}

func (a *api) ticketState(w http.ResponseWriter, r *http.Request, tok APIToken) {
	var in apiStateChange
	if err := apiDecode(r, &in); err != nil {
		apiFail(w, err)
		return
	}
	if !in.State.Valid() {
		apiFail(w, apiBadRequestf("unknown state %q", in.State))
		return
	}
	if in.State == tickets.StateResolved && !a.closure.Valid(in.ClosureCode) {
		apiFail(w, apiBadRequestf("closure_code %q is not one of the desk's closure codes (console.closure_codes): %s",
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
		apiFail(w, err)
		return
	}
	apiJSON(w, http.StatusOK, t)
}
