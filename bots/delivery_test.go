// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"sync"
	"testing"

	"helpdesk/tickets"
)

// failingChannel refuses every send until it is told to work.
type failingChannel struct {
	mu   sync.Mutex
	ok   bool
	sent []Outbound
}

func (f *failingChannel) Send(_ context.Context, o Outbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.ok {
		return errors.New("platform refused the message")
	}
	f.sent = append(f.sent, o)
	return nil
}

// TestUndeliveredReplyDoesNotStopTheClock: an agent's reply that does not
// reach the user (no sender for the channel, a send error) is reported
// as not delivered, recorded as such, and does not meet the first-response
// target; once delivered it does.
func TestUndeliveredReplyDoesNotStopTheClock(t *testing.T) {
	for _, tc := range []struct {
		name     string
		register bool // a sender exists but fails; otherwise none at all
	}{{"send error", true}, {"no sender", false}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			c := h.queued("u1", "c1")
			marco := h.agent("marco", "agent_l1", true)
			if err := h.engine.Take(ctx, c.ID, marco); err != nil {
				t.Fatal(err)
			}
			ch := &failingChannel{}
			if tc.register {
				h.engine.RegisterSender("memory", ch)
			} else {
				h.engine.mu.Lock()
				delete(h.engine.senders, "memory")
				h.engine.mu.Unlock()
			}
			err := h.engine.Reply(ctx, c.ID, marco, "Provi a riavviare il gestionale.")
			if !errors.Is(err, ErrNotDelivered) {
				t.Fatalf("Reply = %v, want ErrNotDelivered", err)
			}
			tk, err := h.tickets.Get(ctx, h.db, *c.TicketID)
			if err != nil {
				t.Fatal(err)
			}
			if tk.FirstResponseAt != nil {
				t.Fatalf("first response set by an undelivered reply: %v", tk.FirstResponseAt)
			}
			if met := firstResponseMet(t, h, tk); met {
				t.Fatal("the first-response clock stopped on an undelivered reply")
			}
			ms, err := h.engine.store.Messages(ctx, h.db, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := ms[len(ms)-1]
			if last.Body != "Provi a riavviare il gestionale." || last.SentAt != nil || last.SendError == "" {
				t.Fatalf("the reply is not recorded as undelivered: %+v", last)
			}

			// The channel comes back: the retry delivers it and the clock stops.
			ch.mu.Lock()
			ch.ok = true
			ch.mu.Unlock()
			h.engine.RegisterSender("memory", ch)
			if err := h.engine.Resend(ctx, last.ID); err != nil {
				t.Fatal(err)
			}
			if len(ch.sent) != 1 || ch.sent[0].Text != "Provi a riavviare il gestionale." {
				t.Fatalf("sent after retry: %+v", ch.sent)
			}
			tk, err = h.tickets.Get(ctx, h.db, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tk.FirstResponseAt == nil || !firstResponseMet(t, h, tk) {
				t.Fatal("a delivered reply did not meet the first response")
			}
		})
	}
}

func firstResponseMet(t *testing.T, h *harness, tk *tickets.Ticket) bool {
	t.Helper()
	evs, err := h.tickets.Events(context.Background(), h.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := tickets.PolicyFor(tickets.DefaultPolicies(), tk)
	if !ok {
		t.Fatalf("no policy for %s", tk.Priority)
	}
	for _, c := range tickets.Clocks(tk, evs, p, tickets.DefaultBusinessCalendar(), h.now) {
		if c.Target == tickets.TargetFirstResponse {
			return c.Met != nil
		}
	}
	t.Fatal("no first-response clock")
	return false
}
