// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"testing"

	"helpdesk/tickets"
)

// TestTimelineInWords: every kind of event, and every kind of actor, reads
// as words in both languages; nothing of the machine's notation shows.
func TestTimelineInWords(t *testing.T) {
	t.Parallel()
	c := &Console{closure: defaultClosureCodes}
	p := &people{byID: map[int64]string{7: "Marco Rossi", 8: "Anna Bianchi"}, byUsername: map[string]string{"marco": "Marco Rossi"},
		idOf: map[string]int64{"marco": 7}, requesters: map[int64]string{12: "Giulia Verdi"}}
	tests := []struct {
		name      string
		e         tickets.Event
		who, what string // Italian
		whatEN    string
	}{
		{"created by the bot", tickets.Event{Actor: "bot", Kind: "created", NewValue: "P3"}, "L'assistente (bot)", "ha aperto il ticket (priorità P3)", "opened the ticket (priority P3)"},
		{"state", tickets.Event{Actor: "agent:7", Kind: "state", Field: "state", OldValue: "new", NewValue: "open"}, "Marco Rossi", "Stato: nuovo → aperto", "State: new → open"},
		{"took charge", tickets.Event{Actor: "agent:7", Kind: "assigned", Field: "agent", NewValue: "7"}, "Marco Rossi", "ha preso in carico", "took charge"},
		{"took charge in the console", tickets.Event{Actor: "user:marco", Kind: "assigned", Field: "agent", NewValue: "7"}, "Marco Rossi", "ha preso in carico", "took charge"},
		{"assigned to another", tickets.Event{Actor: "user:marco", Kind: "assigned", Field: "agent", OldValue: "7", NewValue: "8"}, "Marco Rossi", "ha assegnato il ticket a Anna Bianchi", "assigned the ticket to Anna Bianchi"},
		{"unassigned", tickets.Event{Actor: "user:marco", Kind: "assigned", Field: "agent", OldValue: "8"}, "Marco Rossi", "ha tolto l'assegnazione a Anna Bianchi", "unassigned Anna Bianchi"},
		{"escalated", tickets.Event{Actor: "agent:7", Kind: "escalated", Field: "level", OldValue: "1", NewValue: "2"}, "Marco Rossi", "Livello di supporto: 1° → 2°", "Support level: 1 → 2"},
		{"routed", tickets.Event{Actor: "agent:7", Kind: "routed", Field: "external_org", NewValue: "ASL Roma 1"}, "Marco Rossi", "ha inoltrato il ticket a ASL Roma 1", "routed the ticket to ASL Roma 1"},
		{"urgency", tickets.Event{Actor: "user:marco", Kind: "field", Field: "urgency", OldValue: "medium", NewValue: "high"}, "Marco Rossi", "Urgenza: media → alta", "Urgency: medium → high"},
		{"type", tickets.Event{Actor: "user:marco", Kind: "field", Field: "type", OldValue: "incident", NewValue: "request"}, "Marco Rossi", "Tipo: guasto → richiesta", "Type: incident → request"},
		{"closure code", tickets.Event{Actor: "agent:7", Kind: "field", Field: "closure_code", NewValue: "no_reply"}, "Marco Rossi", "Codice di chiusura: (vuoto) → Nessuna risposta del richiedente", "Closure code: (empty) → No reply from the requester"},
		{"reply", tickets.Event{Actor: "agent:7", Kind: "comment"}, "Marco Rossi", "ha risposto al richiedente", "replied to the requester"},
		{"requester's mail", tickets.Event{Actor: "requester:12", Kind: "comment"}, "Giulia Verdi (richiedente)", "ha risposto al richiedente", "replied to the requester"},
		{"delivered", tickets.Event{Actor: "system", Kind: "delivered"}, "Il sistema", "la risposta è stata consegnata al richiedente", "the reply reached the requester"},
		{"API", tickets.Event{Actor: "api:token-3", Kind: "note"}, "Un'applicazione (API)", "ha scritto una nota interna", "wrote an internal note"},
		{"a user since removed", tickets.Event{Actor: "agent:99", Kind: "note"}, "Un operatore", "ha scritto una nota interna", "wrote an internal note"},
		{"follow-up opened", tickets.Event{Actor: "requester:12", Kind: "follow_up", NewValue: "HD-2026-000002"}, "Giulia Verdi (richiedente)", "ha scritto dopo la chiusura: il messaggio ha aperto il ticket HD-2026-000002", "wrote after closure: the message opened ticket HD-2026-000002"},
		{"follow-up of", tickets.Event{Actor: "requester:12", Kind: "follow_up_of", NewValue: "HD-2026-000001"}, "Giulia Verdi (richiedente)", "ha aperto questo ticket come seguito di HD-2026-000001, già chiuso", "opened this ticket as a follow-up of HD-2026-000001, already closed"},
		{"unknown kind", tickets.Event{Actor: "bot", Kind: "teleported", NewValue: "x"}, "L'assistente (bot)", "altro evento: x", "other event: x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if who := p.name("it", tt.e.Actor); who != tt.who {
				t.Errorf("who = %q, want %q", who, tt.who)
			}
			if what := c.describe("it", tt.e, p); what != tt.what {
				t.Errorf("it: %q, want %q", what, tt.what)
			}
			if what := c.describe("en", tt.e, p); what != tt.whatEN {
				t.Errorf("en: %q, want %q", what, tt.whatEN)
			}
		})
	}
}
