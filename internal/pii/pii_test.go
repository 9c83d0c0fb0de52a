// SPDX-License-Identifier: EUPL-1.2

package pii

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestMask: what users write, masked or kept.
func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"scrivetemi a mario.rossi@asl.example.it grazie", "scrivetemi a <EMAIL> grazie"},
		{"il mio cellulare è 333 123 4567", "il mio cellulare è <PHONE>"},
		{"chiamate +39 06 1234 5678", "chiamate <PHONE>"},
		{"CF RSSMRA80A01H501U per la ricetta", "CF <TAX_CODE> per la ricetta"},
		{"iban IT60 X054 2811 1010 0000 0123 456", "iban <IBAN>"},
		{"a che punto è HD-2026-000123?", "a che punto è HD-2026-000123?"},
		{"errore 500 alle 10:30, stanza 12", "errore 500 alle 10:30, stanza 12"},
		{"nessun dato personale", "nessun dato personale"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Fatalf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestMaskCases: each kind of personal data and its look-alikes that stay.
func TestMaskCases(t *testing.T) {
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
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzMask: whatever the input, masking is idempotent, keeps valid UTF-8,
// and leaves no e-mail address behind.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"mario.rossi@asl.example.it", "333 123 4567", "+39 02 1234 5678", "RSSMRA85T10A562S",
		"IT60 X054 2811 1010 0000 0123 456", "HD-2026-000123", "a@b.it3331234567RSSMRA85T10A562S",
		"0612345678IT60X0542811101000000123456", "\xff\xfe@x.it", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once := Mask(in)
		if !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8 from %q", in)
		}
		if twice := Mask(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", in, once, twice)
		}
		if m := emailRe.FindString(once); m != "" {
			t.Fatalf("e-mail %q left in %q", m, once)
		}
		if len(in) < 16 && !strings.ContainsAny(in, "@0123456789") && once != strings.ToValidUTF8(in, "\uFFFD") {
			// Nothing personal fits in a short text without digits or '@'
			// (a tax code without digits has 16 letters): it comes back as is.
			t.Fatalf("changed %q into %q", in, once)
		}
	})
}

func TestFind(t *testing.T) {
	got := Find("sono Zeno, zeno.q@example.org, tel. 347 123 4567, CF QTTZNE80A01H501X, ticket HD-2026-000012")
	want := []string{"zeno.q@example.org", "QTTZNE80A01H501X", "347 123 4567"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Find = %q, want %q", got, want)
	}
}
