// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskPersonalData(t *testing.T) {
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
			if got := MaskPersonalData(tt.in); got != tt.want {
				t.Fatalf("MaskPersonalData(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzMaskPersonalData(f *testing.F) {
	for _, s := range []string{
		"mario.rossi@asl.example.it", "333 123 4567", "+39 02 1234 5678", "RSSMRA85T10A562S",
		"IT60 X054 2811 1010 0000 0123 456", "HD-2026-000123", "a@b.it3331234567RSSMRA85T10A562S",
		"0612345678IT60X0542811101000000123456", "\xff\xfe@x.it", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once := MaskPersonalData(in)
		if !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8 from %q", in)
		}
		if twice := MaskPersonalData(once); twice != once {
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

func TestFindPersonalData(t *testing.T) {
	got := FindPersonalData("sono Zeno, zeno.q@example.org, tel. 347 123 4567, CF QTTZNE80A01H501X, ticket HD-2026-000012")
	want := []string{"zeno.q@example.org", "QTTZNE80A01H501X", "347 123 4567"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("FindPersonalData = %q, want %q", got, want)
	}
}
