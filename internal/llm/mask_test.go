// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"testing"
)

func TestMaskPersonalData(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"e-mail", "scrivete a mario.rossi@asl.example.it per favore", "scrivete a <EMAIL> per favore"},
		{"e-mail with plus", "x+tag@example.org", "<EMAIL>"},
		{"mobile", "mi chiami al 333 123 4567 grazie", "mi chiami al <PHONE> grazie"},
		{"mobile glued", "cell 3331234567.", "cell <PHONE>."},
		{"landline with dashes", "ufficio 06-1234-5678", "ufficio <PHONE>"},
		{"international", "call +39 02 1234 5678 now", "call <PHONE> now"},
		{"00 prefix", "0039 333 1234567", "<PHONE>"},
		{"tax code", "il mio codice fiscale è RSSMRA85T10A562S", "il mio codice fiscale è <TAX_CODE>"},
		{"tax code lower case", "cf rssmra85t10a562s", "cf <TAX_CODE>"},
		{"tax code with omocodia", "RSSMRA85T10A56NS", "<TAX_CODE>"},
		{"IBAN", "IBAN IT60X0542811101000000123456 per il rimborso", "IBAN <IBAN> per il rimborso"},
		{"IBAN grouped", "IT60 X054 2811 1010 0000 0123 456 grazie", "<IBAN> grazie"},
		{"foreign IBAN", "DE89370400440532013000", "<IBAN>"},
		{"several", "a@b.it e 3401234567, CF RSSMRA85T10A562S", "<EMAIL> e <PHONE>, CF <TAX_CODE>"},
		{"ticket number kept", "stato del ticket HD-2026-000123?", "stato del ticket HD-2026-000123?"},
		{"date kept", "dal 26/11/2026 alle 08:30", "dal 26/11/2026 alle 08:30"},
		{"short numbers kept", "errore 0x80070005 al passo 3 di 12", "errore 0x80070005 al passo 3 di 12"},
		{"year and version kept", "windows 11 23H2 dal 2024", "windows 11 23H2 dal 2024"},
		{"prose that looks like an IBAN kept", "ab12 with some more words here", "ab12 with some more words here"},
		{"nothing", "la stampante non stampa", "la stampante non stampa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskPersonalData(tt.in); got != tt.want {
				t.Errorf("MaskPersonalData(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzMaskPersonalData: whatever the input, masking is idempotent, keeps
// valid UTF-8, and leaves no e-mail address behind.
