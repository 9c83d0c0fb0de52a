// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"strings"
	"testing"
	"time"
)

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

// TestProductNotAskedWhenNamed: the application named in the text, or the
// product of the entry that did not help, is not asked again.
func TestProductNotAskedWhenNamed(t *testing.T) {
	h := newHarness(t)
	ask := botText.T("it", "gather.product")
	_, lines := h.say("u1", "c1", "vorrei aprire una segnalazione: la vpn si disconnette ogni cinque minuti da stamattina")
	if strings.Contains(strings.Join(lines, "\n"), ask) {
		t.Fatalf("asked for the product named in the text: %q", lines)
	}
	h.say("u2", "c2", "il lettore non legge la smart card")
	_, lines = h.say("u2", "c2", "[fb:no]")
	if strings.Contains(strings.Join(lines, "\n"), ask) {
		t.Fatalf("asked for the product of the entry that did not help: %q", lines)
	}
	_, lines = h.say("u3", "c3", "vorrei aprire una segnalazione: il programma delle presenze mostra errore 500")
	if !strings.Contains(strings.Join(lines, "\n"), ask) {
		t.Fatalf("did not ask for a product nothing names: %q", lines)
	}
}
