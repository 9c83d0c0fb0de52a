// SPDX-License-Identifier: EUPL-1.2

package kb

import "testing"

func TestIsTrouble(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"ricetta non va", true},
		{"la stampante nn stampa", true},
		{"la vpn non si collega", true},
		{"il lettore non mi legge la tessera", true},
		{"mi da errore la ricetta", true},
		{"sito inps giù", true},
		{"the printer doesn't work", true},
		{"vpn won't connect", true},
		{"print job stuck", true},
		{"come mando una pec", false},
		{"configurare vpn pc studio", false},
		{"non ricordo il pin", false}, // forgetting is no fault of the system
		{"how to send a pec", false},
		{"non so", false},
	}
	for _, tc := range tests {
		if got := isTrouble(tc.text); got != tc.want {
			t.Errorf("isTrouble(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if !entryTrouble(&Entry{Title: "Il telefono fisso VoIP della scrivania non funziona"}) ||
		entryTrouble(&Entry{Title: "Configurare la VPN regionale", Questions: []string{"come installo la vpn"}}) ||
		!entryTrouble(&Entry{Title: "Ricetta", Questions: []string{"la ricetta resta bloccata"}}) {
		t.Error("entryTrouble")
	}
}
