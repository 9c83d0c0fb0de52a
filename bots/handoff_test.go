// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
)

func (h *harness) agent(username, role string, online bool) Agent {
	h.t.Helper()
	var id int64
	presence := "away"
	if online {
		presence = "online"
	}
	if err := h.db.Get(&id, `INSERT INTO users (username, display_name, role, presence) VALUES ($1, $2, $3, $4) RETURNING id`,
		username, strings.ToUpper(username[:1])+username[1:], role, presence); err != nil {
		h.t.Fatal(err)
	}
	level := 1
	if role != "agent_l1" {
		level = 2
	}
	return Agent{ID: id, Name: strings.ToUpper(username[:1]) + username[1:], Level: level}
}

// queued makes user open a ticket and returns the queued conversation.
func (h *harness) queued(user, key string) *Conversation {
	h.t.Helper()
	res, _ := h.say(user, key, "voglio parlare con un operatore: da stamattina il gestionale delle ricette si blocca quando stampo il promemoria")
	if res.TicketNumber == "" {
		h.t.Fatal("no ticket opened")
	}
	c := h.conversation(key)
	if c.State != StateQueued {
		h.t.Fatalf("state %s, want queued", c.State)
	}
	return c
}

func lastText(h *harness, key string) string {
	rs := h.mem.Replies(key)
	if len(rs) == 0 {
		return ""
	}
	return rs[len(rs)-1].Text
}

func TestTwoAgentsTakeAtOnceExactlyOneWins(t *testing.T) {
	h := newHarness(t)
	marco, giulia := h.agent("marco", "agent_l1", true), h.agent("giulia", "agent_l1", true)
	for round := 0; round < 5; round++ {
		key := "race-" + string(rune('a'+round))
		c := h.queued("u-race", key)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, a := range []Agent{marco, giulia} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = h.engine.Take(context.Background(), c.ID, a) }()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrTaken):
				t.Fatalf("loser got %v, want ErrTaken", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d agents got the conversation, want exactly 1 (%v)", won, errs)
		}
		joined := 0
		for _, r := range h.mem.Replies(key) {
			if strings.Contains(r.Text, "è entrato nella conversazione") {
				joined++
			}
		}
		if joined != 1 {
			t.Fatalf("user told %d times that an operator joined", joined)
		}
	}
}

func TestHandoffLifeCycle(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	marco := h.agent("marco", "agent_l1", true)
	sara := h.agent("sara", "agent_l2", true)
	c := h.queued("u-life", "life")

	if err := h.engine.Take(ctx, c.ID, marco); err != nil {
		t.Fatal(err)
	}
	if got := lastText(h, "life"); got != "Marco (livello 1) è entrato nella conversazione e ti risponderà qui." {
		t.Fatalf("join message = %q", got)
	}
	// The bot is silent while an agent holds the conversation.
	before := len(h.mem.Replies("life"))
	if res, _ := h.say("u-life", "life", "ciao, ci sei?"); len(res.Replies) != 0 {
		t.Fatalf("bot answered while an agent holds the conversation: %+v", res.Replies)
	}
	if err := h.engine.Reply(ctx, c.ID, marco, "Buongiorno, provi a riavviare il programma."); err != nil {
		t.Fatal(err)
	}
	if got := lastText(h, "life"); got != "Buongiorno, provi a riavviare il programma." || len(h.mem.Replies("life")) != before+1 {
		t.Fatalf("agent reply not delivered: %q", got)
	}
	if err := h.engine.Note(ctx, c.ID, marco, "utente poco esperto"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(lastText(h, "life"), "esperto") {
		t.Fatal("internal note reached the user")
	}
	giulia := h.agent("giulia", "agent_l1", true)
	if err := h.engine.Reply(ctx, c.ID, giulia, "io"); !errors.Is(err, ErrNotHolder) {
		t.Fatalf("reply by a non-holder: %v", err)
	}
	if err := h.engine.Escalate(ctx, c.ID, marco, "serve l'accesso al server"); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.Take(ctx, c.ID, giulia); !errors.Is(err, ErrLevel) {
		t.Fatalf("L1 taking an L2 conversation: %v", err)
	}
	q2, err := h.engine.Queue(ctx, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(q2) != 1 || q2[0].ID != c.ID || q2[0].TicketNumber == "" {
		t.Fatalf("level-2 queue = %+v", q2)
	}
	if err := h.engine.Take(ctx, c.ID, sara); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.RouteExternal(ctx, c.ID, sara, "Fornitore gestionale", "assistenza@fornitore.example"); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.Resolve(ctx, c.ID, sara, "fixed_by_vendor", "Il fornitore ha corretto il modulo di stampa."); err != nil {
		t.Fatal(err)
	}
	rs := h.mem.Replies("life")
	csat := rs[len(rs)-1]
	if len(csat.Buttons) != 5 || ActionOf(csat.Buttons[3].Action) != "csat:4" {
		t.Fatalf("satisfaction question = %+v", csat)
	}
	h.say("u-life", "life", "[csat:4]")
	var rating int
	if err := h.db.Get(&rating, `SELECT rating FROM satisfaction WHERE conversation_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if rating != 4 {
		t.Fatalf("rating stored = %d", rating)
	}
	conv := h.conversation("life")
	tk, err := h.tickets.Get(ctx, h.db, *conv.TicketID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateResolved || tk.Level != 2 || tk.ExternalOrg != "Fornitore gestionale" || tk.FirstResponseAt == nil || tk.ClosureCode != "fixed_by_vendor" {
		t.Fatalf("ticket after resolution = %+v", tk)
	}
	// Within the window, "not solved" reopens.
	h.now = h.now.Add(48 * time.Hour)
	h.say("u-life", "life", "no, non è risolto, si blocca ancora")
	tk, err = h.tickets.Get(ctx, h.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateOpen {
		t.Fatalf("ticket state after reopen = %s", tk.State)
	}
	if c2 := h.conversation("life"); c2.State != StateQueued {
		t.Fatalf("conversation state after reopen = %s", c2.State)
	}
	// The summary keeps what the bot knew.
	s := SummaryOf(h.conversation("life"))
	if s.Reason != "human" || s.Urgency == "" || s.TicketID == nil {
		t.Fatalf("summary = %+v", s)
	}
}

func TestHandBackReturnsToTheBot(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	marco := h.agent("marco", "agent_l1", true)
	c := h.queued("u-back", "back")
	h.engine.Take(ctx, c.ID, marco)
	if err := h.engine.HandBack(ctx, c.ID, marco); err != nil {
		t.Fatal(err)
	}
	if res, _ := h.say("u-back", "back", "buongiorno"); len(res.Replies) != 1 {
		t.Fatalf("bot silent after hand-back: %+v", res)
	}
}

func TestAutoAssignRoundRobin(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := h.agent("anna", "agent_l1", true)
	b := h.agent("bruno", "agent_l1", true)
	h.agent("carlo", "agent_l1", false) // away: never picked
	h.db.Exec(`UPDATE users SET capacity = 1`)
	for _, k := range []string{"rr1", "rr2", "rr3"} {
		h.queued("u-"+k, k)
		h.now = h.now.Add(time.Minute)
	}
	var got []int64
	for i := 0; i < 3; i++ {
		id, err := h.engine.AutoAssign(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if id != 0 {
			got = append(got, *h.conversationByID(id).AgentID)
		}
	}
	if len(got) != 2 || got[0] == got[1] || (got[0] != a.ID && got[0] != b.ID) || (got[1] != a.ID && got[1] != b.ID) {
		t.Fatalf("assigned to %v; want anna and bruno once each (capacity 1, carlo away)", got)
	}
	if q, err := h.engine.Queue(ctx, 1, 10); err != nil || len(q) != 1 {
		t.Fatalf("%d left in the queue, want 1 (%v)", len(q), err)
	}
}

func TestRouteExternalMailsTheOrganisation(t *testing.T) {
	h := newHarness(t)
	h.engine.RegisterSender(ChannelEmail, h.mem)
	ctx := context.Background()
	marco := h.agent("marco", "agent_l1", true)
	c := h.queued("u-route", "route")
	h.engine.Take(ctx, c.ID, marco)
	if err := h.engine.RouteExternal(ctx, c.ID, marco, "Fornitore SUAP", "assistenza@fornitore.example"); err != nil {
		t.Fatal(err)
	}
	conv := h.conversation("route")
	tk, err := h.tickets.Get(ctx, h.db, *conv.TicketID)
	if err != nil {
		t.Fatal(err)
	}
	mails := h.mem.Replies(MailKey("assistenza@fornitore.example", "route-"+tk.Number))
	if len(mails) != 1 || !strings.Contains(mails[0].Text, tk.Number) || !strings.Contains(mails[0].Text, "Gentile Fornitore SUAP") {
		t.Fatalf("mail to the organisation = %+v", mails)
	}
	if tk.State != tickets.StateWaitingThirdParty {
		t.Fatalf("ticket state %s", tk.State)
	}
}

// NotifyConversation announces a conversation's change on NotifyChannel
// when its transaction commits, never before, and not at all when it
// rolls back.
func TestNotifyConversationOnCommit(t *testing.T) {
	pool, l := testdb.Listen(t, NotifyChannel)
	s, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	notifyIn := func(id int64, commit bool) {
		t.Helper()
		tx, err := pool.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.NotifyConversation(ctx, tx, id); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	notifyIn(41, false)
	notifyIn(42, true)
	n := testwait.Recv(t, "the notification", l.Notify)
	if n == nil || n.Channel != NotifyChannel || n.Extra != "42" {
		t.Fatalf("got %+v, want conversation 42 on %s (the rolled-back 41 never sent)", n, NotifyChannel)
	}
}
