// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		text   string
		lang   string
		want   IntentKind
		ticket string
	}{
		{"Buongiorno!", Italian, IntentGreeting, ""},
		{"ciao a tutti", Italian, IntentGreeting, ""},
		{"buongiorno, sono Marco", Italian, IntentGreeting, ""},
		{"Hello there", English, IntentGreeting, ""},
		{"grazie mille, buona giornata", Italian, IntentThanksBye, ""},
		{"thank you, bye", English, IntentThanksBye, ""},
		{"ok grazie", Italian, IntentThanksBye, ""},
		{"voglio parlare con un operatore", Italian, IntentHuman, ""},
		{"can I speak to a real person?", English, IntentHuman, ""},
		{"a che punto è il ticket HD-2026-000123", Italian, IntentTicketStatus, "HD-2026-000123"},
		{"stato 123", Italian, IntentTicketStatus, "123"},
		{"status of my ticket", English, IntentTicketStatus, ""},
		{"any news on hd 2026 45?", English, IntentTicketStatus, "HD-2026-000045"},
		{"novità sulla pratica n. 0042?", Italian, IntentTicketStatus, "42"},
		{"what's the status of ticket #77", English, IntentTicketStatus, "77"},
		{"la stampante non stampa", Italian, IntentProblem, ""},
		{"ciao, la VPN non si collega", Italian, IntentProblem, ""},
		{"la VPN non funziona", Italian, IntentProblem, ""},
		{"How do I change my password?", English, IntentProblem, ""},
		{"si blocca il PC quando apro il gestionale", Italian, IntentProblem, ""},
		{"sì", Italian, IntentFeedbackYes, ""},
		{"sì, grazie, ha funzionato", Italian, IntentFeedbackYes, ""},
		{"yes it worked", English, IntentFeedbackYes, ""},
		{"no", Italian, IntentFeedbackNo, ""},
		{"non funziona ancora", Italian, IntentFeedbackNo, ""},
		{"still not working", English, IntentFeedbackNo, ""},
		{"annulla", Italian, IntentCancel, ""},
		{"annulla il ticket 45", Italian, IntentCancel, "45"},
		{"never mind", English, IntentCancel, ""},
		{"sarebbe utile avere le FAQ sul telefono", Italian, IntentSuggestion, ""},
		{"I suggest adding a dark theme", English, IntentSuggestion, ""},
		{"come stai?", Italian, IntentSmallTalk, ""},
		{"tell me a joke", English, IntentSmallTalk, ""},
		{"", Italian, IntentSmallTalk, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := Classify(tt.text, tt.lang)
			if got.Kind != tt.want || got.TicketRef != tt.ticket {
				t.Errorf("Classify(%q) = %+v, want %s ticket %q", tt.text, got, tt.want, tt.ticket)
			}
		})
	}
}

func TestClassifyOkIsUnsureFeedback(t *testing.T) {
	got := Classify("ok", Italian)
	if got.Kind != IntentFeedbackYes || got.Confidence >= 0.5 {
		t.Errorf("Classify(ok) = %+v, want feedback_yes below 0.5 so the dialogue decides", got)
	}
}

func TestExtractTicketRef(t *testing.T) {
	tests := []struct{ text, want string }{
		{"HD-2026-000123", "HD-2026-000123"},
		{"hd-2026-123", "HD-2026-000123"},
		{"il ticket HD 2027 000009 è fermo", "HD-2027-000009"},
		{"stato 123", "123"},
		{"ticket n. 45", "45"},
		{"richiesta numero 4512", "4512"},
		{"#0077", "77"},
		{"status of my ticket", ""},
		{"ho 3 pazienti in attesa", ""},
		{"the printer on floor 2 is broken", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := ExtractTicketRef(tt.text); got != tt.want {
				t.Errorf("ExtractTicketRef(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"ciao", "HD-2026-000123", "stato 123", "#", "hd-", "no", "annulla il ticket 99999999999999",
		"\xff", strings.Repeat("grazie ", 100), "l'utente", "?"} {
		f.Add(s, Italian)
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		got := Classify(text, lang)
		if indexOfKind(got.Kind) < 0 {
			t.Fatalf("unknown kind %q", got.Kind)
		}
		if got.Confidence < 0 || got.Confidence > 1 {
			t.Fatalf("confidence %v", got.Confidence)
		}
		if !utf8.ValidString(got.TicketRef) {
			t.Fatalf("ticket ref %q", got.TicketRef)
		}
	})
}

func indexOfKind(k IntentKind) int {
	for i, v := range IntentKinds {
		if v == k {
			return i
		}
	}
	return -1
}
