// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTranscriptGreetingItalian(t *testing.T) {
	h := newHarness(t)
	h.transcript("greeting_it", "u1", "c1", "Buongiorno", "[menu:faq]")
}

func TestTranscriptAnswerSolvedItalian(t *testing.T) {
	h := newHarness(t)
	h.transcript("answer_solved_it", "u1", "c1",
		"il lettore non legge la smart card", "[fb:yes]")
	if len(h.kb.feedback) != 1 || h.kb.feedback[0] != "cns-lettore:true" {
		t.Fatalf("feedback = %v", h.kb.feedback)
	}
}

func TestTranscriptNotSolvedOpensTicketEnglish(t *testing.T) {
	h := newHarness(t)
	res, _ := h.say("u2", "c2", "my printer is not printing anything at all")
	if len(res.Replies) == 0 {
		t.Fatal("no answer")
	}
	h.transcript("not_solved_ticket_en", "u2", "c2", "[fb:no]", "[skip]")
	conv := h.conversation("c2")
	if conv.State != StateQueued || conv.TicketID == nil {
		t.Fatalf("conversation after ticket: state=%s ticket=%v", conv.State, conv.TicketID)
	}
	tk, err := h.tickets.Get(context.Background(), h.db, *conv.TicketID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != "HD-2026-000001" || tk.OriginChannel != "memory" || !strings.Contains(tk.Description, "printer") {
		t.Fatalf("ticket = %+v", tk)
	}
	// The description is the user's words; what the bot concluded is
	// stored apart, not appended as debug text.
	for _, debug := range []string{"KB:", "severity:", "urgency="} {
		if strings.Contains(tk.Description, debug) {
			t.Errorf("description %q carries the bot's %q", tk.Description, debug)
		}
	}
	a := tk.Assessment
	if a.Urgency != string(tk.Urgency) || a.Impact != string(tk.Impact) || a.UrgencyConfidence <= 0 || a.ImpactConfidence <= 0 {
		t.Errorf("assessment %+v, want the urgency and impact the ticket got, with confidence", a)
	}
	if len(a.Tried) == 0 {
		t.Errorf("assessment %+v names no entry the bot offered", a)
	}
}

func TestTranscriptDidYouMean(t *testing.T) {
	h := newHarness(t)
	h.transcript("did_you_mean_it", "u3", "c3", "problema con la vpn", "[pick:vpn-password]", "no")
}

func TestTranscriptNoConfidentAnswer(t *testing.T) {
	h := newHarness(t)
	h.transcript("no_answer_it", "u4", "c4", "il gestionale delle presenze mostra un errore 500 quando salvo", "[pick-none]", "Presenze", "anna.rossi@example.org")
}

func TestTranscriptAsksForHuman(t *testing.T) {
	h := newHarness(t)
	h.transcript("human_it", "u5", "c5", "voglio parlare con un operatore", "Da stamattina il programma di cartella clinica si chiude da solo quando apro un paziente", "stato", "grazie")
}

func TestTranscriptUrgentGoesStraightToTicket(t *testing.T) {
	h := newHarness(t)
	h.transcript("urgent_it", "u6", "c6", "Nessuno in tutto l'ambulatorio riesce a inviare i certificati INPS da stamattina, il servizio è bloccato", "Certificati INPS", "[skip]")
}

func TestTranscriptSuggestion(t *testing.T) {
	h := newHarness(t)
	h.transcript("suggestion_it", "u7", "c7", "Suggerimento: sarebbe utile poter allegare screenshot alla segnalazione dal bot")
}

func TestTranscriptOutOfHours(t *testing.T) {
	h := newHarness(t)
	// Friday 20:30, after closing: the desk reopens Monday 08:00.
	h.now = time.Date(2026, 11, 27, 20, 30, 0, 0, time.FixedZone("CET", 3600))
	h.transcript("out_of_hours_it", "u8", "c8", "voglio parlare con un operatore", "Non riesco ad accedere alla posta elettronica, dice password errata", "grazie")
	h.now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	h.transcript("out_of_hours_en", "u9", "c9", "hello", "I need to talk to a person", "The VPN client says certificate expired when I connect")
}

func TestTranscriptTicketStatus(t *testing.T) {
	h := newHarness(t)
	// Anna opens a ticket, then asks about it, then about someone else's.
	res, _ := h.say("u10", "c10", "voglio parlare con un operatore, da ieri la stampante di rete del secondo piano non stampa niente")
	if res.TicketNumber == "" {
		t.Fatal("no ticket opened")
	}
	other, err := h.tickets.Create(context.Background(), h.db, "agent:1", ticketFor("web"))
	if err != nil {
		t.Fatal(err)
	}
	h.transcript("status_it", "u10", "c10b", "a che punto è il ticket "+res.TicketNumber+"?", "stato "+strings.TrimLeft(other.Number[8:], "0"), "stato delle mie richieste")
}

func TestRedeliveredMessageGetsOneReply(t *testing.T) {
	h := newHarness(t)
	in := Inbound{Channel: "memory", ExternalID: "evt-1", ConversationKey: "c11", User: User{ID: "u11"}, Text: "ciao"}
	first, err := h.engine.Handle(context.Background(), in)
	if err != nil || first.Duplicate || len(first.Replies) != 1 {
		t.Fatalf("first delivery: %+v, %v", first, err)
	}
	for i := 0; i < 2; i++ {
		again, err := h.engine.Handle(context.Background(), in)
		if err != nil || !again.Duplicate || len(again.Replies) != 0 {
			t.Fatalf("redelivery: %+v, %v", again, err)
		}
	}
	if got := len(h.mem.Replies("c11")); got != 1 {
		t.Fatalf("%d replies sent, want 1", got)
	}
}

type fakeComposer struct {
	text  string
	cited []string
	err   error
}

func (f fakeComposer) Compose(_ context.Context, q, lang string, sources []Answer) (string, []string, error) {
	return f.text, f.cited, f.err
}

func TestComposedAnswerOnlyWhenGrounded(t *testing.T) {
	tests := []struct {
		name     string
		composer fakeComposer
		want     string
	}{
		{"grounded", fakeComposer{text: "Ricollega il lettore e reinstalla il driver [cns-lettore].", cited: []string{"cns-lettore"}}, "Ricollega il lettore e reinstalla il driver [cns-lettore]."},
		{"cites nothing", fakeComposer{text: "Prova a spegnere e riaccendere."}, "Scollega e ricollega il lettore, poi reinstalla il driver."},
		{"cites an entry it was not given", fakeComposer{text: "Vedi la guida interna.", cited: []string{"procedura-interna"}}, "Scollega e ricollega il lettore, poi reinstalla il driver."},
		{"model down", fakeComposer{err: errors.New("timeout")}, "Scollega e ricollega il lettore, poi reinstalla il driver."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.engine.opt.Composer = tt.composer
			res, _ := h.say("u", "c", "il lettore non legge la smart card")
			if len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, tt.want) {
				t.Fatalf("reply %q, want it to contain %q", res.Replies[0].Text, tt.want)
			}
		})
	}
}

func TestButtonLabel(t *testing.T) {
	tests := []struct{ lang, action, want string }{
		{"it", actHuman, "Parla con un operatore"},
		{"en", actHuman, "Talk to an operator"},
		{"it", actFAQ + promptSep + "1z", "Cerca nelle guide"},
		{"it", actPick + "vpn-password", ""},
		{"it", "no-such-action", ""},
	}
	for _, tt := range tests {
		if got := ButtonLabel(tt.lang, tt.action); got != tt.want {
			t.Errorf("ButtonLabel(%q, %q) = %q, want %q", tt.lang, tt.action, got, tt.want)
		}
	}
}
