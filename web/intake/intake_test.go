// SPDX-License-Identifier: EUPL-1.2

package intake

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/bots"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
	"helpdesk/web/problem"
)

// fixture is an intake on its own database, with a listener on the
// conversations' channel and a memory mailer.
type fixture struct {
	pool    *sqlx.DB
	in      *Intake
	tickets *tickets.Store
	mail    *bots.Memory
	l       *pq.Listener
}

func newFixture(t *testing.T, mailer bool) *fixture {
	t.Helper()
	pool, l := testdb.Listen(t, bots.NotifyChannel)
	ts, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{pool: pool, tickets: ts, mail: bots.NewMemory(), l: l}
	opt := Options{Pool: pool, Tickets: ts, BaseURL: "https://desk.example.org/"}
	if mailer {
		opt.Mailer = f.mail
	}
	if f.in, err = New(opt); err != nil {
		t.Fatal(err)
	}
	return f
}

func webRequest(email string) Request {
	return Request{Name: "Anna Rossi", Email: email, Lang: "it", WebIdentity: true, OriginChannel: "web", Actor: "web", Via: "webform",
		Subject: "La stampante non stampa", Description: "Da stamattina la stampante del secondo piano non stampa.",
		Type: tickets.TypeIncident, Urgency: tickets.Medium, Impact: tickets.Low}
}

// identityOwner is the requester an identity belongs to (0: none).
func identityOwner(t *testing.T, pool *sqlx.DB, channel, externalID string) int64 {
	t.Helper()
	var ids []int64
	if err := pool.Select(&ids, `SELECT requester_id FROM requester_identities WHERE channel = $1 AND external_id = $2`, channel, externalID); err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// TestOpenNewRequester: a new address makes a requester (with its e-mail
// and web identities), a queued e-mail conversation holding the first
// message, the ticket, a tracking token that validates, and one NOTIFY
// with the conversation's id after the commit.
func TestOpenNewRequester(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	o, err := f.in.Open(ctx, webRequest("  Anna.Rossi@Example.ORG "))
	if err != nil {
		t.Fatal(err)
	}
	if o.Email != "anna.rossi@example.org" {
		t.Errorf("e-mail %q, want it trimmed and lower-cased", o.Email)
	}
	if !strings.HasPrefix(o.Ticket.Number, "HD-") || o.Ticket.RequesterID == nil || o.Ticket.ConversationID == nil {
		t.Fatalf("ticket %+v: want a number, a requester and a conversation", o.Ticket)
	}
	rid := *o.Ticket.RequesterID
	for _, ch := range []string{bots.ChannelEmail, WebChannel} {
		if got := identityOwner(t, f.pool, ch, "anna.rossi@example.org"); got != rid {
			t.Errorf("%s identity belongs to %d, want %d", ch, got, rid)
		}
	}
	var conv struct {
		Key      string `db:"conversation_key"`
		State    string `db:"state"`
		TicketID *int64 `db:"ticket_id"`
	}
	if err := f.pool.Get(&conv, `SELECT conversation_key, state, ticket_id FROM conversations WHERE id = $1`, *o.Ticket.ConversationID); err != nil {
		t.Fatal(err)
	}
	if conv.Key != o.Key || conv.State != string(bots.StateQueued) || conv.TicketID == nil || *conv.TicketID != o.Ticket.ID {
		t.Errorf("conversation %+v, want key %q, queued, on ticket %d", conv, o.Key, o.Ticket.ID)
	}
	if !strings.Contains(o.Key, "webform.") || !strings.Contains(o.Key, "@desk.example.org") {
		t.Errorf("key %q: want a Message-ID of ours on the base URL's host", o.Key)
	}
	var body, ext string
	if err := f.pool.QueryRow(`SELECT body, external_id FROM messages WHERE conversation_id = $1`, *o.Ticket.ConversationID).Scan(&body, &ext); err != nil {
		t.Fatal(err)
	}
	if body != "La stampante non stampa\n\nDa stamattina la stampante del secondo piano non stampa." || ext != "webform:"+o.Ticket.Number {
		t.Errorf("first message %q (%s)", body, ext)
	}
	token, err := base64.RawURLEncoding.DecodeString(o.Token)
	if err != nil {
		t.Fatalf("token %q: %v", o.Token, err)
	}
	tracker, err := tickets.NewTrackingTokens(time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := tracker.Valid(ctx, f.pool, o.Ticket.ID, token); err != nil || !ok {
		t.Errorf("token valid = %v, %v", ok, err)
	}
	n := testwait.Recv(t, "the conversation's notification", f.l.Notify)
	if n == nil || n.Extra != strconv.FormatInt(*o.Ticket.ConversationID, 10) {
		t.Fatalf("notification %+v, want conversation %d", n, *o.Ticket.ConversationID)
	}

	// A second request of the same person: the same requester, another
	// thread and another ticket.
	o2, err := f.in.Open(ctx, webRequest("anna.rossi@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if *o2.Ticket.RequesterID != rid || o2.Key == o.Key || o2.Ticket.Number == o.Ticket.Number {
		t.Errorf("second request: requester %d key %q number %s; want requester %d, a new key and number", *o2.Ticket.RequesterID, o2.Key, o2.Ticket.Number, rid)
	}
}

// TestOpenKnownRequester: a requester chosen by id with no address given
// gets the address they already have; one without an address who gives
// one keeps it.
func TestOpenKnownRequester(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	withMail, err := f.tickets.EnsureRequester(ctx, f.pool, tickets.Identity{Channel: bots.ChannelEmail, ExternalID: "marco@example.org", Name: "Marco", Email: "Marco@Example.org", Lang: "it"})
	if err != nil {
		t.Fatal(err)
	}
	req := webRequest("")
	req.RequesterID = withMail
	o, err := f.in.Open(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if o.Email != "marco@example.org" || o.Token == "" || o.Key == "" || *o.Ticket.RequesterID != withMail {
		t.Errorf("opened %+v: want the requester's own address, a token and a thread", o)
	}

	byPhone, err := f.tickets.EnsureRequester(ctx, f.pool, tickets.Identity{Channel: PhoneChannel, ExternalID: "+390612345678", Name: "Lucia", Lang: "it"})
	if err != nil {
		t.Fatal(err)
	}
	req = webRequest("lucia@example.org")
	req.RequesterID = byPhone
	req.WebIdentity = false
	if _, err := f.in.Open(ctx, req); err != nil {
		t.Fatal(err)
	}
	r, err := f.tickets.GetRequester(ctx, f.pool, byPhone)
	if err != nil {
		t.Fatal(err)
	}
	if r.Email != "lucia@example.org" || identityOwner(t, f.pool, bots.ChannelEmail, "lucia@example.org") != byPhone {
		t.Errorf("requester %+v: want the address kept and linked", r)
	}
	if identityOwner(t, f.pool, WebChannel, "lucia@example.org") != 0 {
		t.Error("a web identity was linked without WebIdentity")
	}

	req = webRequest("")
	req.RequesterID = 999999
	if _, err := f.in.Open(ctx, req); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("unknown requester id: %v, want tickets.ErrNotFound", err)
	}
}

// TestOpenWithoutAddress: a telephone contact has a ticket but no thread,
// no token and no notification; a contact with nothing to know the
// requester by is a bad request and leaves nothing behind.
func TestOpenWithoutAddress(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	req := webRequest("")
	req.Phone, req.OriginChannel, req.Actor = "+390698765432", "phone", "user:anna"
	o, err := f.in.Open(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if o.Email != "" || o.Token != "" || o.Key != "" || o.Ticket.ConversationID != nil {
		t.Errorf("opened %+v: want no address, token, key or conversation", o)
	}
	if identityOwner(t, f.pool, PhoneChannel, req.Phone) != *o.Ticket.RequesterID {
		t.Error("the telephone identity is not linked")
	}
	if err := f.in.Confirm(ctx, o, "it"); !errors.Is(err, ErrNoAddress) {
		t.Errorf("Confirm without address: %v, want ErrNoAddress", err)
	}
	// Notifications arrive in commit order: the next one is the mail
	// request's, so the telephone ticket sent none.
	mailed, err := f.in.Open(ctx, webRequest("gino@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if n := testwait.Recv(t, "the mail request's notification", f.l.Notify); n == nil || n.Extra != strconv.FormatInt(*mailed.Ticket.ConversationID, 10) {
		t.Fatalf("first notification %+v, want the mail request's conversation %d", n, *mailed.Ticket.ConversationID)
	}

	if _, err := f.in.Open(ctx, webRequest("")); !errors.Is(err, problem.ErrBadRequest) {
		t.Errorf("no requester, address or phone: %v, want problem.ErrBadRequest", err)
	}
	var n int
	if err := f.pool.Get(&n, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d tickets, want the telephone and the mail ones only", n)
	}
}

// TestConfirm: the mail goes to the conversation's thread in the
// requester's language, with the number, the priority and the tracking
// link on the base URL; without a mailer nothing is sent.
func TestConfirm(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	o, err := f.in.Open(ctx, webRequest("paolo@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"it", "en"} {
		if err := f.in.Confirm(ctx, o, lang); err != nil {
			t.Fatal(err)
		}
	}
	sent := f.mail.Replies(o.Key)
	if len(sent) != 2 || f.mail.Total() != 2 {
		t.Fatalf("sent %+v, want two mails on key %q", sent, o.Key)
	}
	for i, want := range []string{"Abbiamo ricevuto la tua richiesta «La stampante non stampa» con il numero " + o.Ticket.Number,
		"We have received your request “La stampante non stampa” with number " + o.Ticket.Number} {
		m := sent[i]
		if !strings.HasPrefix(m.Reply.Text, want) || !strings.Contains(m.Reply.Text, string(o.Ticket.Priority)) {
			t.Errorf("mail %d text %q, want it to start %q and name %s", i, m.Reply.Text, want, o.Ticket.Priority)
		}
		link := "https://desk.example.org" + tickets.TrackingPath(o.Ticket.Number, o.Token)
		if m.Channel != bots.ChannelEmail || m.ExternalID != "webform-ack:"+o.Ticket.Number || len(m.Reply.Links) != 1 || m.Reply.Links[0].URL != link {
			t.Errorf("mail %d %+v, want an e-mail with the link %s", i, m, link)
		}
	}

	g := newFixture(t, false)
	o, err = g.in.Open(ctx, webRequest("paolo@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.in.Confirm(ctx, o, "it"); !errors.Is(err, ErrNoMailer) {
		t.Errorf("Confirm without a mailer: %v, want ErrNoMailer", err)
	}
}

// TestMailDomain: the host of the base URL, or a reserved name when
// there is none.
func TestMailDomain(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{"https://desk.example.org": "desk.example.org", "http://10.0.0.1:8080/helpdesk": "10.0.0.1",
		"": "helpdesk.invalid", "not a url": "helpdesk.invalid", "%zz": "helpdesk.invalid"} {
		if got := (&Intake{baseURL: base}).mailDomain(); got != want {
			t.Errorf("mailDomain(%q) = %q, want %q", base, got, want)
		}
	}
}
