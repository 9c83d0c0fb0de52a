// SPDX-License-Identifier: EUPL-1.2

package nlp

import "testing"

// TestRequestsBeforeSearch: asking for a ticket, a person, the status or
// to cancel is recognised the way users write it — variants, typos, no
// accents — so the engine acts on it before searching the guides.
func TestRequestsBeforeSearch(t *testing.T) {
	tests := []struct {
		text string
		want IntentKind
		only bool // RequestOnly: no description in it
	}{
		{"vorrei aprire una segnalazione", IntentOpenTicket, true},
		{"Vorrei aprire una segnalzione", IntentOpenTicket, true},
		{"devo fare una segnalazione", IntentOpenTicket, true},
		{"apri un tiket per favore", IntentOpenTicket, true},
		{"vorrei segnalare un problema", IntentOpenTicket, true},
		{"nuova segnalazione: la stampante del secondo piano non stampa", IntentOpenTicket, false},
		{"I would like to open a ticket", IntentOpenTicket, true},
		{"can you create a ticket? outlook crashes on every attachment", IntentOpenTicket, false},
		{"vorrei parlare con un operatore", IntentHuman, true},
		{"voglio un operatore", IntentHuman, true},
		{"voglio un opertore", IntentHuman, true},
		{"posso parlare con una persona?", IntentHuman, true},
		{"passatemi un operatore, il gestionale non salva le ricette", IntentHuman, false},
		{"I want to talk to a person", IntentHuman, true},
		{"stato HD-2026-000001", IntentTicketStatus, false},
		{"status", IntentTicketStatus, false},
		{"/status", IntentTicketStatus, false},
		{"a che punto e la mia segnalazione", IntentTicketStatus, false},
		{"annula", IntentCancel, false},
		{"lascia perdere", IntentCancel, false},
		{"la segnalazione del phishing: ho ricevuto una mail sospetta", IntentProblem, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := Classify(tt.text, Italian)
			if got.Kind != tt.want {
				t.Errorf("Classify(%q) = %s (cue %q), want %s", tt.text, got.Kind, got.Cue, tt.want)
			}
			if tt.want == IntentOpenTicket || tt.want == IntentHuman {
				if only := RequestOnly(tt.text, Italian); only != tt.only {
					t.Errorf("RequestOnly(%q) = %v, want %v", tt.text, only, tt.only)
				}
			}
		})
	}
}

func TestOneEdit(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"segnalzione", "segnalazione", true}, {"opertore", "operatore", true}, {"operatroe", "operatore", true},
		{"operatorre", "operatore", true}, {"operatore", "operatore", false}, {"opertre", "operatore", false},
		{"tiket", "ticket", true}, {"ticket", "tickets", true}, {"", "a", true}, {"ab", "ba", true},
	} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
