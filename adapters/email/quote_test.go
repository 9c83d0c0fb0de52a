// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"testing"
)

func TestStripQuoted(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"gmail english", "Works now.\n\nOn Tue, Nov 24, 2026 at 10:05 AM Help desk <h@x> wrote:\n> old text\n", "Works now."},
		{"gmail folded", "Works now.\n\nOn Tue, Nov 24, 2026 at 10:05 AM Help desk <h@x>\nwrote:\n> old\n", "Works now."},
		{"gmail italian", "Funziona.\n\nIl giorno mar 24 nov 2026 alle ore 10:05 Help desk <h@x> ha scritto:\n> vecchio\n", "Funziona."},
		{"thunderbird italian", "Grazie.\n\nIl 24/11/2026 10:05, Help desk ha scritto:\n> vecchio\n", "Grazie."},
		{"outlook italian", "Va bene.\n\nDa: Help desk <h@x>\nInviato: martedì 24 novembre 2026 10:05\nA: Maria\nOggetto: R: x\n\nvecchio", "Va bene."},
		{"outlook english with rule", "OK.\n\n________________________________\nFrom: Help desk\nSent: Tuesday\nSubject: x\n\nold", "OK."},
		{"original message", "Sì.\n\n-----Messaggio originale-----\nDa: x\n", "Sì."},
		{"signature", "Ecco.\n\n-- \nMario Rossi\nTel. 123", "Ecco."},
		{"a line starting with From: in the text is kept", "From: the second floor, the printer is offline.\nPlease check.", "From: the second floor, the printer is offline.\nPlease check."},
		{"inline answers only: kept whole", "> domanda?\n> altra?", "> domanda?\n> altra?"},
		{"outlook html reply", normalizeText(htmlToText(`<div>Ok, grazie.</div><hr><div id="divRplyFwdMsg"><b>Da:</b> Help desk<br><b>Inviato:</b> martedì</div><div>vecchio testo</div>`)), "Ok, grazie."},
		{"interleaved quote lines dropped", "> domanda?\nrisposta\n> altra?\naltra risposta", "risposta\naltra risposta"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripQuoted(tc.in); got != tc.want {
				t.Fatalf("stripQuoted = %q, want %q", got, tc.want)
			}
		})
	}
}
