// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"fmt"
	"strings"
	"testing"
)

// TestAnswerChoicesOrNothing: the three outcomes of a search as the user
// meets them, in both languages (the fake knowledge base gives 0.6 for one
// matching keyword, 0.85 for two, 1 for three; the engine's threshold is
// the calibrated default, above 0.6).
func TestAnswerChoicesOrNothing(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, text string
		want       []string // lines the first reply must have
	}{
		{"one likely entry: the answer", "il lettore cns non legge la tessera",
			[]string{"Ho trovato questo nelle guide: **Il lettore non riconosce la smart card**", "[fb:yes] Risolto"}},
		{"two together likely: did you mean", "problema con la vpn",
			[]string{"< Intendevi una di queste?", "[pick:vpn-connessione] La VPN non si connette", "[pick:vpn-password] Password della VPN scaduta", "[pick-none] Nessuna di queste"}},
		{"one weak entry alone: no reliable answer", "la stampante della printer room",
			[]string{"Non ho una risposta affidabile", "[pick-none] Apri una segnalazione"}},
		{"nothing at all: no reliable answer", "il gestionale delle presenze mostra un errore 500 quando salvo",
			[]string{"Non ho una risposta affidabile", "[pick-none]"}},
		{"english: the answer", "the printer is not printing anything",
			[]string{"I found this in our guides: **The printer does not print**"}},
		{"english: nothing reliable", "how do I book a visit at the CUP office",
			[]string{"I could not find a reliable answer", "[pick-none]"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, lines := h.say(fmt.Sprintf("u-choice-%d", i), fmt.Sprintf("c-choice-%d", i), tc.text)
			got := strings.Join(lines, "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
