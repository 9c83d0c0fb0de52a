package nlp

import (
	"strings"
	"testing"
)

func TestMaskPersonalData(t *testing.T) {
	tests := []struct{ in, want string }{
		{"scrivetemi a mario.rossi@asl.example.it grazie", "scrivetemi a [email] grazie"},
		{"il mio cellulare è 333 123 4567", "il mio cellulare è [telefono]"},
		{"chiamate +39 06 1234 5678", "chiamate [telefono]"},
		{"CF RSSMRA80A01H501U per la ricetta", "CF [codice-fiscale] per la ricetta"},
		{"iban IT60 X054 2811 1010 0000 0123 456", "iban [iban]"},
		{"a che punto è HD-2026-000123?", "a che punto è HD-2026-000123?"},
		{"errore 500 alle 10:30, stanza 12", "errore 500 alle 10:30, stanza 12"},
		{"nessun dato personale", "nessun dato personale"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskPersonalData(tt.in); got != tt.want {
				t.Fatalf("MaskPersonalData(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzMaskPersonalData(f *testing.F) {
	for _, s := range []string{"mario@example.org 333 1234567 RSSMRA80A01H501U", "HD-2026-000001", "", "+39 06 12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskPersonalData(s)
		if strings.Count(out, "@") > strings.Count(s, "@") {
			t.Fatalf("masking added text: %q → %q", s, out)
		}
		if again := MaskPersonalData(out); again != out {
			t.Fatalf("masking is not idempotent: %q → %q", out, again)
		}
	})
}
