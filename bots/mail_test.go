// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"strings"
	"testing"

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
	if len(sent) != 3 || !strings.Contains(sent[1].Text, res.TicketNumber+"** — "+text.T("it", "state.new")) ||
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
