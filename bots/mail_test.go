// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"helpdesk/tickets"
)

func TestMailOpensTicketAndThreadsReplies(t *testing.T) {
	h := newHarness(t)
	h.engine.RegisterSender(ChannelEmail, h.mem)
	ctx := context.Background()
	first := Mail{MessageID: "abc@mail.example", FromName: "Dott. Bianchi", FromAddress: "Bianchi@Studio.example",
		Subject: "Certificati INPS non partono", Text: "Buongiorno, da stamattina l'invio dei certificati di malattia dà errore di connessione."}
	res, err := h.engine.HandleMail(ctx, first)
	if err != nil || !res.Created || res.TicketNumber == "" {
		t.Fatalf("first mail: %+v, %v", res, err)
	}
	key := MailKey("bianchi@studio.example", "abc@mail.example")
	sent := h.mem.Replies(key)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, res.TicketNumber) {
		t.Fatalf("acknowledgement = %+v", sent)
	}
	if addr, root, ok := ParseMailKey(sent[0].ConversationKey); !ok || addr != "bianchi@studio.example" || root != "abc@mail.example" {
		t.Fatalf("key %q does not parse back", sent[0].ConversationKey)
	}
	// The same mail fetched twice is registered once.
	again, err := h.engine.HandleMail(ctx, first)
	if err != nil || !again.Duplicate || len(h.mem.Replies(key)) != 1 {
		t.Fatalf("duplicate: %+v, %v", again, err)
	}
	// A reply with the number in the subject is a comment, not a ticket.
	r1, err := h.engine.HandleMail(ctx, Mail{MessageID: "def@mail.example", FromAddress: "bianchi@studio.example",
		Subject: "Re: [" + res.TicketNumber + "] Certificati INPS non partono", Text: "Aggiungo che succede anche dal secondo PC."})
	if err != nil || r1.Created || r1.TicketNumber != res.TicketNumber {
		t.Fatalf("reply by subject: %+v, %v", r1, err)
	}
	// A reply found by References only.
	r2, err := h.engine.HandleMail(ctx, Mail{MessageID: "ghi@mail.example", References: []string{"out-unknown", "def@mail.example"},
		FromAddress: "bianchi@studio.example", Subject: "Re: certificati", Text: "Succede anche con il portale INPS aperto da Chrome."})
	if err != nil || r2.Created || r2.TicketNumber != res.TicketNumber {
		t.Fatalf("reply by references: %+v, %v", r2, err)
	}
	tk, err := h.tickets.GetByNumber(ctx, h.db, res.TicketNumber)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := h.tickets.Comments(ctx, h.db, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("%d comments, want 2", len(cs))
	}
	// Someone else writing with this number in the subject gets a new ticket.
	other, err := h.engine.HandleMail(ctx, Mail{MessageID: "jkl@mail.example", FromAddress: "intruso@example.org",
		Subject: "[" + res.TicketNumber + "] fammi vedere", Text: "voglio leggere questa segnalazione"})
	if err != nil || !other.Created || other.TicketNumber == res.TicketNumber {
		t.Fatalf("foreign number: %+v, %v", other, err)
	}
	// A thank-you after resolution is recorded but does not reopen.
	h.tickets.Resolve(ctx, h.db, tk.ID, "agent:1", "fixed", "")
	if _, err := h.engine.HandleMail(ctx, Mail{MessageID: "thx@mail.example", FromAddress: "bianchi@studio.example",
		Subject: "Re: [" + res.TicketNumber + "]", Text: "Grazie mille, ora funziona tutto."}); err != nil {
		t.Fatal(err)
	}
	if tk, err = h.tickets.Get(ctx, h.db, tk.ID); err != nil || tk.State != tickets.StateResolved {
		t.Fatalf("a thank-you reopened the ticket: state %s (%v)", tk.State, err)
	}
	// A reply saying the problem is back reopens.
	r3, err := h.engine.HandleMail(ctx, Mail{MessageID: "mno@mail.example", FromAddress: "bianchi@studio.example",
		Subject: "Re: [" + res.TicketNumber + "]", Text: "Il problema è tornato."})
	if err != nil || r3.Created {
		t.Fatalf("reply after resolution: %+v, %v", r3, err)
	}
	tk, err = h.tickets.Get(ctx, h.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateOpen {
		t.Fatalf("state after reply to a resolved ticket = %s", tk.State)
	}
}

func TestMailWithoutMessageIDIsRefused(t *testing.T) {
	h := newHarness(t)
	if _, err := h.engine.HandleMail(context.Background(), Mail{FromAddress: "a@b.example", Text: "x"}); err == nil {
		t.Fatal("accepted a mail without Message-ID")
	}
}

// TestMailWhileQueuedAnswers: a requester's status request by mail while
// the ticket waits in the queue is answered as on a chat — the ticket's
// status, then the place in the queue and when the desk expects to answer
// by e-mail —; while an agent holds the conversation a reply is added to
// the ticket and left to the agent, and a status request is still
// answered. TestMailAnswersLikeChat walks every intent.
func TestMailWhileQueuedAnswers(t *testing.T) {
	h := newHarness(t)
	h.engine.RegisterSender(ChannelEmail, h.mem)
	ctx := context.Background()
	res, err := h.engine.HandleMail(ctx, Mail{MessageID: "q1@mail.example", FromAddress: "rossi@studio.example",
		Subject: "La stampante non stampa", Text: "Da stamattina la stampante del piano terra non stampa."})
	if err != nil || !res.Created {
		t.Fatalf("first mail: %+v, %v", res, err)
	}
	key := MailKey("rossi@studio.example", "q1@mail.example")
	if _, err := h.engine.HandleMail(ctx, Mail{MessageID: "q2@mail.example", References: []string{"q1@mail.example"},
		FromAddress: "rossi@studio.example", Subject: "Re: [" + res.TicketNumber + "] La stampante non stampa",
		Text: "Buongiorno,\n\nstato " + res.TicketNumber + "\n\nMaria Rossi"}); err != nil {
		t.Fatal(err)
	}
	sent := h.mem.Replies(key)
	if len(sent) != 3 || !strings.Contains(sent[1].Text, res.TicketNumber+"** — "+botText.T("it", "state.new")) ||
		!strings.Contains(sent[2].Text, "posizione 1") || !strings.Contains(sent[2].Text, "ti risponderemo per e-mail entro") {
		t.Fatalf("replies while queued: %+v", sent)
	}
	var convID int64
	if err := h.db.Get(&convID, `SELECT id FROM conversations WHERE channel = 'email'`); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.Take(ctx, convID, h.agent("marco", "agent_l1", true)); err != nil {
		t.Fatal(err)
	}
	held := len(h.mem.Replies(key)) // with the "Marco has joined" notice
	if _, err := h.engine.HandleMail(ctx, Mail{MessageID: "q3@mail.example", References: []string{"q1@mail.example"},
		FromAddress: "rossi@studio.example", Subject: "Re: [" + res.TicketNumber + "]", Text: "ci siete?"}); err != nil {
		t.Fatal(err)
	}
	if got := h.mem.Replies(key); len(got) != held {
		t.Fatalf("a reply while the agent holds the conversation was answered by the desk: %+v", got[held:])
	}
	if _, err := h.engine.HandleMail(ctx, Mail{MessageID: "q4@mail.example", References: []string{"q1@mail.example"},
		FromAddress: "rossi@studio.example", Subject: "Re: [" + res.TicketNumber + "]", Text: "a che punto è la mia richiesta?"}); err != nil {
		t.Fatal(err)
	}
	if got := h.mem.Replies(key); len(got) != held+1 || !strings.Contains(got[held].Text, res.TicketNumber) {
		t.Fatalf("a status request while held: %+v", got[held:])
	}
	tk, err := h.tickets.GetByNumber(ctx, h.db, res.TicketNumber)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := h.tickets.Comments(ctx, h.db, tk.ID, false); err != nil || len(cs) != 1 || cs[0].Body != "ci siete?" {
		t.Fatalf("comments %+v (%v), want the reply left to the agent only", cs, err)
	}
}

// TestMailToEndedTicket: a reply to a ticket that has ended, in every way
// it can end, with every kind of reply. A message saying the problem is
// (still or again) there opens a new ticket linked to the ended one and
// says so — unless the ticket was resolved within the reopening window,
// which reopens it. A mail with only attachments counts as the problem
// being back; a thank-you or an empty mail stays on the ended ticket
// without an answer.
func TestMailToEndedTicket(t *testing.T) {
	const window = 7 * 24 * time.Hour
	ends := []struct {
		name  string
		end   func(h *harness, id int64)
		fresh bool // resolved within the window: a reply reopens
	}{
		{"resolved-recently", func(h *harness, id int64) { h.resolve(id) }, true},
		{"resolved-long-ago", func(h *harness, id int64) { h.resolve(id); h.now = h.now.Add(window + time.Hour) }, false},
		{"closed", func(h *harness, id int64) { h.resolve(id); h.transition(id, tickets.StateClosed) }, false},
		{"cancelled", func(h *harness, id int64) { h.transition(id, tickets.StateCancelled) }, false},
	}
	replies := []struct {
		name, text string
		mentions   bool // the reply names the problem: not a thank-you
	}{
		{"problem-it", "Il problema si ripresenta: il certificato non parte di nuovo.", true},
		{"problem-en", "The problem is back: the certificate fails again.", true},
		{"thanks", "Grazie mille, ora funziona tutto.", false},
		{"attachment-only", "", true},
		{"empty", " ", false},
	}
	// One desk for every case: each case writes from its own address with
	// its own Message-IDs, and starts at the same hour.
	h := newHarness(t)
	h.engine.RegisterSender(ChannelEmail, h.mem)
	start := h.now
	n := 0
	for _, end := range ends {
		for _, reply := range replies {
			n++
			from := fmt.Sprintf("bianchi%d@studio.example", n)
			id := func(s string) string { return fmt.Sprintf("%s-%d@mail.example", s, n) }
			t.Run(end.name+"/"+reply.name, func(t *testing.T) {
				h.t, h.now = t, start
				ctx := context.Background()
				first, err := h.engine.HandleMail(ctx, Mail{MessageID: id("first"), FromAddress: from,
					Subject: "Certificati INPS non partono", Text: "L'invio dei certificati di malattia dà errore di connessione."})
				if err != nil {
					t.Fatal(err)
				}
				old, err := h.tickets.GetByNumber(ctx, h.db, first.TicketNumber)
				if err != nil {
					t.Fatal(err)
				}
				end.end(h, old.ID)
				m := Mail{MessageID: id("again"), FromAddress: from,
					Subject: "R: Re: [" + old.Number + "] Certificati INPS non partono", Text: reply.text}
				if reply.name == "attachment-only" {
					m.Attachments = []MailAttachment{{Filename: "schermata.png", ContentType: "image/png", Size: 3, SHA256: "00", StorageKey: id("k")}}
				}
				res, err := h.engine.HandleMail(ctx, m)
				if err != nil {
					t.Fatal(err)
				}
				before, err := h.tickets.Get(ctx, h.db, old.ID)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case reply.mentions && end.fresh:
					if res.Created || res.TicketNumber != old.Number || before.State != tickets.StateOpen {
						t.Fatalf("reply within the window: %+v, state %s; want %s reopened", res, before.State, old.Number)
					}
					if len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Reply.Text, old.Number) {
						t.Fatalf("reopening answer = %+v", res.Replies)
					}
				case reply.mentions:
					if !res.Created || res.TicketNumber == old.Number {
						t.Fatalf("reply to an ended ticket: %+v; want a new ticket", res)
					}
					if len(res.Replies) != 1 {
						t.Fatalf("%d answers, want 1: %+v", len(res.Replies), res.Replies)
					}
					if got := res.Replies[0].Reply.Text; !strings.Contains(got, old.Number) || !strings.Contains(got, res.TicketNumber) {
						t.Fatalf("answer %q does not name both %s and %s", got, old.Number, res.TicketNumber)
					}
					next, err := h.tickets.GetByNumber(ctx, h.db, res.TicketNumber)
					if err != nil {
						t.Fatal(err)
					}
					if next.Subject != "Certificati INPS non partono" || next.Description != reply.text || !next.State.Open() {
						t.Fatalf("follow-up ticket: subject %q, description %q, state %s", next.Subject, next.Description, next.State)
					}
					if as, err := h.tickets.Attachments(ctx, h.db, next.ID); err != nil || len(as) != len(m.Attachments) {
						t.Fatalf("follow-up ticket has %d attachments, want %d (%v)", len(as), len(m.Attachments), err)
					}
					if before.State.Open() {
						t.Fatalf("the ended ticket was reopened (%s)", before.State)
					}
					h.wantEvent(before.ID, tickets.EventFollowUp, next.Number)
					h.wantEvent(next.ID, tickets.EventFollowUpOf, old.Number)
					// The requester's next reply, to our answer, lands on the new ticket.
					r2, err := h.engine.HandleMail(ctx, Mail{MessageID: id("third"), FromAddress: from,
						References: []string{id("again"), res.Replies[0].ExternalID}, Subject: "Re: nuova richiesta", Text: "Aggiungo la schermata dell'errore."})
					if err != nil || r2.Created || r2.TicketNumber != next.Number {
						t.Fatalf("reply to the follow-up answer: %+v, %v; want on %s", r2, err, next.Number)
					}
				default:
					if res.Created || res.TicketNumber != old.Number || len(res.Replies) != 0 {
						t.Fatalf("%s to an ended ticket: %+v; want it kept on %s, unanswered", reply.name, res, old.Number)
					}
					if before.State == tickets.StateOpen {
						t.Fatalf("a %s reopened the ticket", reply.name)
					}
				}
			})
		}
	}
}

func (h *harness) resolve(id int64) {
	h.t.Helper()
	if _, err := h.tickets.Resolve(context.Background(), h.db, id, "agent:1", "fixed", ""); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) transition(id int64, to tickets.State) {
	h.t.Helper()
	if _, err := h.tickets.Transition(context.Background(), h.db, id, "agent:1", to); err != nil {
		h.t.Fatal(err)
	}
}

// wantEvent fails unless ticket id's audit trail has an event of kind
// whose new value is value.
func (h *harness) wantEvent(id int64, kind, value string) {
	h.t.Helper()
	evs, err := h.tickets.Events(context.Background(), h.db, id)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, e := range evs {
		if e.Kind == kind && e.NewValue == value {
			return
		}
	}
	h.t.Fatalf("ticket %d has no %s event naming %s: %+v", id, kind, value, evs)
}
