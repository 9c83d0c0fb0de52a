// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/tickets"
	"helpdesk/web/intake"
)

// TestTicketListParameters: each filter is checked as given; a bad or
// empty value is a 400, never read as absent (but cursor=, the first page).
func TestTicketListParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ticket("Printer jammed")
	tok := unitToken(agents.ScopeTicketsRead)
	for _, c := range []struct {
		query string
		ok    bool
	}{
		{"", true}, {"limit=1", true}, {"limit=200", true}, {"cursor=", true}, {"cursor=5", true},
		{"level=1", true}, {"level=2", true}, {"state=open", true}, {"state=cancelled", true},
		{"priority=P1", true}, {"priority=P4", true}, {"channel=", true}, {"text=", true}, {"channel=web&text=printer", true},
		{"limit=0", false}, {"limit=201", false}, {"limit=-1", false}, {"limit=ten", false}, {"limit=", false}, {"limit=1.5", false},
		{"cursor=0", false}, {"cursor=-3", false}, {"cursor=x", false}, {"cursor=99999999999999999999", false},
		{"level=0", false}, {"level=3", false}, {"level=", false}, {"level=01", false},
		{"state=", false}, {"state=bogus", false}, {"state=OPEN", false},
		{"priority=", false}, {"priority=P0", false}, {"priority=P5", false}, {"priority=p1", false},
	} {
		w := f.do(f.api.TicketList, tok, "GET", "/api/v1/tickets?"+c.query, nil)
		if c.ok {
			var page TicketPage
			decode(t, w, http.StatusOK, &page)
			continue
		}
		if w.Code != http.StatusBadRequest {
			t.Errorf("?%s: %d, want 400: %s", c.query, w.Code, w.Body)
			continue
		}
		failed(t, w, http.StatusBadRequest, "invalid")
	}
}

// TestTicketListPages: newest first, limit at a time, next_cursor empty
// only on the last page, every ticket once; an empty list is [] not null.
func TestTicketListPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := unitToken(agents.ScopeTicketsRead)
	var page TicketPage
	decode(t, f.do(f.api.TicketList, tok, "GET", "/api/v1/tickets", nil), http.StatusOK, &page)
	if page.Tickets == nil || len(page.Tickets) != 0 || page.NextCursor != "" {
		t.Fatalf("empty desk: %+v", page)
	}
	w := f.do(f.api.TicketList, tok, "GET", "/api/v1/tickets", nil)
	if !strings.Contains(w.Body.String(), `"tickets":[]`) {
		t.Fatalf("empty list is not []: %s", w.Body)
	}
	var ids []int64
	for i := range 5 {
		ids = append(ids, f.ticket("Ticket "+string(rune('A'+i))).ID)
	}
	var got []int64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatalf("more than 3 pages of 2 for 5 tickets: %v", got)
		}
		var p TicketPage
		decode(t, f.do(f.api.TicketList, tok, "GET", "/api/v1/tickets?limit=2&cursor="+cursor, nil), http.StatusOK, &p)
		for _, tk := range p.Tickets {
			got = append(got, tk.ID)
		}
		if p.NextCursor == "" {
			if len(p.Tickets) != 1 {
				t.Fatalf("last page has %d tickets, want 1", len(p.Tickets))
			}
			break
		}
		if len(p.Tickets) != 2 {
			t.Fatalf("a page with a next cursor has %d tickets", len(p.Tickets))
		}
		cursor = p.NextCursor
	}
	if len(got) != 5 {
		t.Fatalf("listed %v, want the 5 tickets %v", got, ids)
	}
	for i, id := range got {
		if id != ids[4-i] {
			t.Fatalf("listed %v, want newest first %v reversed", got, ids)
		}
	}
	// Exactly limit tickets: one page, no cursor.
	var all TicketPage
	decode(t, f.do(f.api.TicketList, tok, "GET", "/api/v1/tickets?limit=5", nil), http.StatusOK, &all)
	if len(all.Tickets) != 5 || all.NextCursor != "" {
		t.Fatalf("limit=5 of 5: %d tickets, cursor %q", len(all.Tickets), all.NextCursor)
	}
}

func TestTicketCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := unitToken(agents.ScopeTicketsWrite)
	var tk tickets.Ticket
	w := f.do(f.api.TicketCreate, tok, "POST", "/api/v1/tickets", TicketCreate{Subject: "VPN down", Urgency: "high", Impact: "high"})
	decode(t, w, http.StatusCreated, &tk)
	if w.Header().Get("Location") != "/api/v1/tickets/"+tk.Number || tk.Number == "" {
		t.Fatalf("Location %q for %s", w.Header().Get("Location"), tk.Number)
	}
	if tk.OriginChannel != "api" || tk.RequesterID != nil || tk.Priority != "P1" || tk.Subject != "VPN down" {
		t.Fatalf("created %+v, want origin api, no requester, P1", tk)
	}
	decode(t, f.do(f.api.TicketCreate, tok, "POST", "/api/v1/tickets", TicketCreate{Subject: "Call", OriginChannel: "phone"}), http.StatusCreated, &tk)
	if tk.OriginChannel != "phone" {
		t.Fatalf("origin %q, want phone", tk.OriginChannel)
	}
	var actor string
	if err := f.pool.Get(&actor, `SELECT actor FROM ticket_events WHERE ticket_id = $1 ORDER BY id LIMIT 1`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if actor != "api:unit" {
		t.Fatalf("audit actor %q, want api:unit", actor)
	}

	// Without an intake, a requester's address makes (or finds) the
	// requester, by the address in lower case.
	var a, b tickets.Ticket
	decode(t, f.do(f.api.TicketCreate, tok, "POST", "/api/v1/tickets", TicketCreate{Subject: "Mail", RequesterEmail: "Anna@Example.org", RequesterName: "Anna"}), http.StatusCreated, &a)
	decode(t, f.do(f.api.TicketCreate, tok, "POST", "/api/v1/tickets", TicketCreate{Subject: "Mail again", RequesterEmail: "anna@example.org"}), http.StatusCreated, &b)
	if a.RequesterID == nil || b.RequesterID == nil || *a.RequesterID != *b.RequesterID {
		t.Fatalf("requesters %v and %v, want the same one", a.RequesterID, b.RequesterID)
	}

	// Refused: nothing is created.
	var before int
	if err := f.pool.Get(&before, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		body   any
		status int
	}{
		{"display name", TicketCreate{Subject: "x", RequesterEmail: "Anna <anna@example.org>"}, 400},
		{"two addresses", TicketCreate{Subject: "x", RequesterEmail: "a@example.org, b@example.org"}, 400},
		{"not an address", TicketCreate{Subject: "x", RequesterEmail: "garbage"}, 400},
		{"spaces", TicketCreate{Subject: "x", RequesterEmail: " anna@example.org"}, 400},
		{"too long", TicketCreate{Subject: "x", RequesterEmail: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".org"}, 400},
		{"no subject", TicketCreate{Subject: "  "}, 400},
		{"unknown type", TicketCreate{Subject: "x", Type: "wish"}, 400},
		{"bad urgency", TicketCreate{Subject: "x", Urgency: "extreme"}, 400},
		{"unknown field", `{"subject":"x","colour":"red"}`, 400},
		{"an array", `[]`, 400},
	} {
		w := f.do(f.api.TicketCreate, tok, "POST", "/api/v1/tickets", c.body)
		if w.Code != c.status {
			t.Errorf("%s: %d, want %d: %s", c.name, w.Code, c.status, w.Body)
		}
	}
	var after int
	if err := f.pool.Get(&after, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("refused requests created %d tickets", after-before)
	}
}

// failingMailer is a mail adapter whose server refuses everything.
type failingMailer struct{}

func (failingMailer) Send(context.Context, bots.Outbound) error {
	return errors.New("smtp: 554 refused")
}

// With an intake, a ticket with an address goes the web form's way: an
// e-mail thread and a confirmation; a mail that fails is logged, the
// ticket stands; without a mailer nothing is sent and nothing logged.
func TestTicketCreateThroughIntake(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		mailer bots.Sender
		sent   int
		logged bool
	}{
		{"mailer", bots.NewMemory(), 1, false},
		{"failing mailer", failingMailer{}, 0, true},
		{"no mailer", nil, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			in, err := intake.New(intake.Options{Pool: f.pool, Tickets: f.api.tickets, Mailer: c.mailer, BaseURL: "https://desk.example.org"})
			if err != nil {
				t.Fatal(err)
			}
			f.api.intake = in
			var tk tickets.Ticket
			w := f.do(f.api.TicketCreate, unitToken(agents.ScopeTicketsWrite), "POST", "/api/v1/tickets",
				TicketCreate{Subject: "The printer does not print", Description: "Since this morning the printer on the second floor does not print.",
					RequesterEmail: "paolo@example.org", RequesterName: "Paolo"})
			decode(t, w, http.StatusCreated, &tk)
			if tk.RequesterID == nil || tk.ConversationID == nil || tk.OriginChannel != "api" {
				t.Fatalf("ticket %+v, want a requester and an e-mail conversation", tk)
			}
			if w.Header().Get("Location") != "/api/v1/tickets/"+tk.Number {
				t.Fatalf("Location %q", w.Header().Get("Location"))
			}
			var channel string
			if err := f.pool.Get(&channel, `SELECT channel FROM conversations WHERE id = $1`, *tk.ConversationID); err != nil {
				t.Fatal(err)
			}
			if channel != bots.ChannelEmail {
				t.Fatalf("conversation on %q, want e-mail", channel)
			}
			if m, ok := c.mailer.(*bots.Memory); ok {
				if m.Total() != c.sent {
					t.Fatalf("%d mails sent, want %d", m.Total(), c.sent)
				}
			}
			if logged := strings.Contains(f.logs.String(), "confirmation mail"); logged != c.logged {
				t.Fatalf("logged %v, want %v: %q", logged, c.logged, f.logs)
			}
		})
	}
}

func TestTicketGet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tk := f.ticket("Printer")
	tok := unitToken(agents.ScopeTicketsRead)
	var got tickets.Ticket
	decode(t, f.do(f.api.TicketGet, tok, "GET", "/", nil, "number="+tk.Number), http.StatusOK, &got)
	if got.ID != tk.ID || got.Subject != "Printer" {
		t.Fatalf("got %+v", got)
	}
	for _, n := range []string{"T-1999-000001", "", "x'; --"} {
		failed(t, f.do(f.api.TicketGet, tok, "GET", "/", nil, "number="+n), http.StatusNotFound, "not_found")
	}
}

// TestTicketComments: internal notes only when asked (a boolean as
// strconv reads it); anything else is a 400; none is [].
func TestTicketComments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tk := f.ticket("Printer")
	tok := unitToken(agents.ScopeTicketsRead)
	get := func(query string) *httptest.ResponseRecorder {
		return f.do(f.api.TicketComments, tok, "GET", "/x"+query, nil, "number="+tk.Number)
	}
	w := get("")
	decode(t, w, http.StatusOK, nil)
	if !strings.Contains(w.Body.String(), `"comments":[]`) {
		t.Fatalf("no comments: %s", w.Body)
	}
	ctx := context.Background()
	if _, err := f.api.tickets.AddComment(ctx, f.pool, tk.ID, "agent", true, "public reply"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.api.tickets.AddComment(ctx, f.pool, tk.ID, "agent", false, "internal note"); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{"": 1, "?internal=false": 1, "?internal=0": 1, "?internal=true": 2, "?internal=1": 2, "?internal=TRUE": 2} {
		var cs Comments
		decode(t, get(query), http.StatusOK, &cs)
		if len(cs.Comments) != want {
			t.Errorf("%q: %d comments, want %d", query, len(cs.Comments), want)
		}
		if want == 1 && len(cs.Comments) == 1 && !cs.Comments[0].Public {
			t.Errorf("%q: the internal note shown", query)
		}
	}
	for _, q := range []string{"?internal=", "?internal=yes", "?internal=2"} {
		failed(t, get(q), http.StatusBadRequest, "invalid", "internal")
	}
	failed(t, f.do(f.api.TicketComments, tok, "GET", "/x", nil, "number=T-1999-000009"), http.StatusNotFound, "not_found")
}

// recordingDesk is the engine's side as the API sees it: it records the
// calls and makes the change in the ticket store, as the engine does.
type recordingDesk struct {
	store *tickets.Store
	f     *fixture
	calls []string
}

func (d *recordingDesk) TicketComment(ctx context.Context, ticketID int64, actor string, public bool, body string) (*tickets.Comment, error) {
	d.calls = append(d.calls, "comment "+actor+" "+body)
	return d.store.AddComment(ctx, d.f.pool, ticketID, actor, public, body)
}

func (d *recordingDesk) ResolveTicket(ctx context.Context, ticketID int64, actor, code, note, reason string) (*tickets.Ticket, error) {
	d.calls = append(d.calls, "resolve "+actor+" "+code+" "+note+" "+reason)
	return d.store.ResolveChecked(ctx, d.f.pool, ticketID, actor, code, note, reason)
}

func TestTicketComment(t *testing.T) {
	t.Parallel()
	for _, withDesk := range []bool{false, true} {
		f := newFixture(t)
		desk := &recordingDesk{store: f.api.tickets, f: f}
		if withDesk {
			f.api.desk = desk
		}
		tk := f.ticket("Printer")
		tok := unitToken(agents.ScopeTicketsWrite)
		var c tickets.Comment
		decode(t, f.do(f.api.TicketComment, tok, "POST", "/x", Comment{Body: "On my way", Public: true}, "number="+tk.Number), http.StatusCreated, &c)
		if c.Author != "api:unit" || !c.Public || c.Body != "On my way" || c.TicketID != tk.ID {
			t.Fatalf("desk %v: comment %+v", withDesk, c)
		}
		if withDesk && (len(desk.calls) != 1 || desk.calls[0] != "comment api:unit On my way") {
			t.Fatalf("the engine got %v", desk.calls)
		}
		failed(t, f.do(f.api.TicketComment, tok, "POST", "/x", Comment{Body: "x"}, "number=T-1999-000009"), http.StatusNotFound, "not_found")
		failed(t, f.do(f.api.TicketComment, tok, "POST", "/x", Comment{Body: "  "}, "number="+tk.Number), http.StatusBadRequest, "invalid")
		failed(t, f.do(f.api.TicketComment, tok, "POST", "/x", `{"body":"x","internal":true}`, "number="+tk.Number), http.StatusBadRequest, "invalid")
		if withDesk && len(desk.calls) != 2 {
			t.Fatalf("the engine got %v: the unknown ticket or the bad body reached it", desk.calls)
		}
		cs, err := f.api.tickets.Comments(context.Background(), f.pool, tk.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 {
			t.Fatalf("desk %v: %d comments stored, want 1", withDesk, len(cs))
		}
	}
}

func TestTicketState(t *testing.T) {
	t.Parallel()
	for _, withDesk := range []bool{false, true} {
		f := newFixture(t, func(o *Options) { o.ClosureCodes = bots.ClosureCodes{{Code: "fixed"}, {Code: "gone"}} })
		desk := &recordingDesk{store: f.api.tickets, f: f}
		if withDesk {
			f.api.desk = desk
		}
		tok := unitToken(agents.ScopeTicketsWrite)
		tk := f.ticket("Printer")
		post := func(in any) *httptest.ResponseRecorder {
			return f.do(f.api.TicketState, tok, "POST", "/x", in, "number="+tk.Number)
		}
		failed(t, post(StateChange{State: "bogus"}), http.StatusBadRequest, "invalid", "bogus")
		failed(t, post(StateChange{State: ""}), http.StatusBadRequest, "invalid")
		failed(t, post(StateChange{State: "resolved"}), http.StatusBadRequest, "invalid", "fixed, gone")
		failed(t, post(StateChange{State: "resolved", ClosureCode: "solved"}), http.StatusBadRequest, "invalid", "fixed, gone")
		failed(t, post(StateChange{State: "closed"}), http.StatusConflict, "illegal_transition")
		var got tickets.Ticket
		decode(t, post(StateChange{State: "waiting_requester"}), http.StatusOK, &got)
		if got.State != tickets.StateWaitingRequester {
			t.Fatalf("state %s", got.State)
		}
		decode(t, post(StateChange{State: "resolved", ClosureCode: "fixed", ClosureNote: "new toner"}), http.StatusOK, &got)
		if got.State != tickets.StateResolved {
			t.Fatalf("state %s, want resolved", got.State)
		}
		if withDesk && (len(desk.calls) != 1 || desk.calls[0] != "resolve api:unit fixed new toner ") {
			t.Fatalf("the engine got %v", desk.calls)
		}
		if !withDesk && len(desk.calls) != 0 {
			t.Fatalf("no desk, but %v", desk.calls)
		}
		failed(t, f.do(f.api.TicketState, tok, "POST", "/x", StateChange{State: "resolved", ClosureCode: "fixed"}, "number=T-1999-000009"),
			http.StatusNotFound, "not_found")
		if withDesk && len(desk.calls) != 1 {
			t.Fatalf("an unknown ticket's resolution reached the engine: %v", desk.calls)
		}
	}
}

func TestAPIQuery(t *testing.T) {
	q := map[string][]string{"a": {"1", "2"}, "empty": {""}, "none": {}}
	for name, want := range map[string]struct {
		v  string
		ok bool
	}{"a": {"1", true}, "empty": {"", true}, "none": {"", false}, "missing": {"", false}} {
		if v, ok := apiQuery(q, name); v != want.v || ok != want.ok {
			t.Errorf("apiQuery(%s) = %q, %v; want %q, %v", name, v, ok, want.v, want.ok)
		}
	}
}

func TestAPIEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"anna@example.org": true, "Anna.Rossi+desk@comune.example.it": true,
		"": false, "anna": false, "anna@": false, "@example.org": false, "Anna <anna@example.org>": false,
		"<anna@example.org>": false, "anna@example.org, b@example.org": false, " anna@example.org": false,
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".org": true,
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".org": false,
	} {
		if got := apiEmail(s); got != want {
			t.Errorf("apiEmail(%q) = %v", s, got)
		}
	}
}
