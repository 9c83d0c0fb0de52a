// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"helpdesk/tickets"
)

// TestTicketCommentAndResolveInEveryState: a comment or a resolution made
// outside the conversation (the REST API) in each state the ticket's
// conversation can be in — queued, held by an agent, back with the bot,
// resolved — reaches the user when it is public and never when it is
// internal; a resolution tells the user once and resolves the
// conversation; a ticket with no conversation is only recorded.
func TestTicketCommentAndResolveInEveryState(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	marco := h.agent("marco", "agent_l1", true)
	states := []struct {
		name  string
		setup func(c *Conversation)
		want  ConversationState
	}{
		{"queued", func(*Conversation) {}, StateQueued},
		{"agent", func(c *Conversation) {
			if err := h.engine.Take(ctx, c.ID, marco); err != nil {
				t.Fatal(err)
			}
		}, StateAgent},
		{"bot", func(c *Conversation) {
			if err := h.engine.Take(ctx, c.ID, marco); err != nil {
				t.Fatal(err)
			}
			if err := h.engine.HandBack(ctx, c.ID, marco); err != nil {
				t.Fatal(err)
			}
		}, StateBot},
		{"resolved", func(c *Conversation) {
			if err := h.engine.Take(ctx, c.ID, marco); err != nil {
				t.Fatal(err)
			}
			if err := h.engine.Resolve(ctx, c.ID, marco, "fixed", "fatto"); err != nil {
				t.Fatal(err)
			}
		}, StateResolved},
	}
	for i, st := range states {
		t.Run(st.name, func(t *testing.T) {
			key := fmt.Sprintf("ops-%d", i)
			c := h.queued("u-"+key, key)
			st.setup(c)
			if got := h.conversationByID(c.ID).State; got != st.want {
				t.Fatalf("set-up left the conversation %s", got)
			}
			tid := *c.TicketID
			before := len(h.mem.Replies(key))
			if _, err := h.engine.TicketComment(ctx, tid, "api:crm", false, "nota interna riservata"); err != nil {
				t.Fatal(err)
			}
			if n := len(h.mem.Replies(key)); n != before {
				t.Fatalf("an internal note sent %d messages", n-before)
			}
			cm, err := h.engine.TicketComment(ctx, tid, "api:crm", true, "Abbiamo aggiornato il gestionale.")
			if err != nil {
				t.Fatal(err)
			}
			if got := lastText(h, key); got != "Abbiamo aggiornato il gestionale." || !cm.Public || cm.Author != "api:crm" {
				t.Fatalf("public comment: last message %q, comment %+v", got, cm)
			}
			if st.want == StateResolved {
				return // resolved already: a second resolution is refused by the ticket
			}
			before = len(h.mem.Replies(key))
			tk, err := h.engine.ResolveTicket(ctx, tid, "api:crm", "fixed", "Aggiornamento installato.", "")
			if err != nil {
				t.Fatal(err)
			}
			rs := h.mem.Replies(key)[before:]
			if tk.State != tickets.StateResolved || len(rs) != 2 || !strings.Contains(rs[0].Text, "Aggiornamento installato.") ||
				!rs[0].Auto || len(rs[1].Buttons) != 5 {
				t.Fatalf("resolution: ticket %s, messages %+v", tk.State, rs)
			}
			if got := h.conversationByID(c.ID).State; got != StateResolved {
				t.Fatalf("conversation %s after the resolution", got)
			}
		})
	}

	// A ticket without a conversation: recorded, nothing to send.
	tk, err := h.tickets.Create(ctx, h.db, "api:crm", tickets.NewTicket{Subject: "Dal CRM", OriginChannel: "api"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.TicketComment(ctx, tk.ID, "api:crm", true, "Visto."); err != nil {
		t.Fatal(err)
	}
	cs, err := h.tickets.Comments(ctx, h.db, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Body != "Visto." {
		t.Fatalf("comments %+v", cs)
	}
	if _, err := h.engine.ResolveTicket(ctx, tk.ID, "api:crm", "fixed", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.TicketComment(ctx, 999999, "api:crm", true, "x"); err == nil {
		t.Fatal("a comment on a missing ticket was accepted")
	}
}
