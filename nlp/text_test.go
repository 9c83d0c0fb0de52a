// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"reflect"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case and accents", "Perché la CITTÀ è così?", "perche la citta e cosi"},
		{"elision article", "l'utente", "l utente"},
		{"elision preposition", "Dell'app e dall’ufficio", "dell app e dall ufficio"},
		{"elision feminine", "un'altra volta", "un altra volta"},
		{"apostrophe as accent", "perche' non va, e' rotto", "perche non va e rotto"},
		{"english negation", "It doesn't work, I can't log in", "it does not work i can not log in"},
		{"english possessive", "the user's password", "the user password"},
		{"english negation without apostrophe", "windows wont start, I cant log in, it doesnt work", "windows will not start i can not log in it does not work"},
		{"short hyphen prefix joins", "E-mail e Wi-Fi, log-in", "email e wifi login"},
		{"long hyphen parts split", "smart-card sick-leave", "smart card sick leave"},
		{"punctuation and digits", "Errore 0x80070005: (INPS)!!! www.inps.it", "errore 0x80070005 inps www inps it"},
		{"typographic dashes", "VPN – Wi‑Fi", "vpn wifi"},
		{"empty", " ¿?! ", ""},
		{"german sharp s", "Straße", "strasse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStem(t *testing.T) {
	tests := []struct {
		lang, a, b string // a and b must share a stem
	}{
		{Italian, "stampante", "stampanti"},
		{Italian, "certificato", "certificati"},
		{Italian, "installare", "installazione"},
		{Italian, "ricetta", "ricette"},
		{English, "printer", "printers"},
		{English, "connecting", "connection"},
		{English, "installed", "installing"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.a, func(t *testing.T) {
			if sa, sb := Stem(tt.lang, tt.a), Stem(tt.lang, tt.b); sa != sb {
				t.Errorf("Stem(%q) = %q, Stem(%q) = %q: want equal", tt.a, sa, tt.b, sb)
			}
		})
	}
	if got := Stem(Italian, "730"); got != "730" {
		t.Errorf("digits stemmed to %q", got)
	}
	if got := Stem(English, ""); got != "" {
		t.Errorf("empty stemmed to %q", got)
	}
}

func TestStopWords(t *testing.T) {
	for _, w := range []string{"il", "della", "l", "dell", "un", "e", "perche"} {
		if !IsStopWord(Italian, w) {
			t.Errorf("%q should be an Italian stop word", w)
		}
	}
	for _, w := range []string{"the", "of", "is", "s"} {
		if !IsStopWord(English, w) {
			t.Errorf("%q should be an English stop word", w)
		}
	}
	for _, w := range []string{"non", "not", "stampante", "printer", "ciao"} {
		if IsStopWord(Italian, w) || IsStopWord(English, w) {
			t.Errorf("%q should not be a stop word", w)
		}
	}
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name, lang, in string
		want           []string
	}{
		{"italian", Italian, "L'utente non riesce a stampare dalla stampante", []string{"utent", "non", "riesc", "stamp", "stampant"}},
		{"italian without accents matches accented", Italian, "perche la citta", []string{"citt"}},
		{"english", English, "The printers aren't printing", []string{"printer", "not", "print"}},
		{"unknown language treated as italian", "fr", "la stampante", []string{"stampant"}},
		{"empty", Italian, "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(tt.lang, tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Analyze(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
			}
		})
	}
	if a, b := Analyze(Italian, "città"), Analyze(Italian, "citta'"); !reflect.DeepEqual(a, b) {
		t.Errorf("accented %q and apostrophe form %q differ", a, b)
	}
}

// FuzzNormalize checks that Normalize never panics, is idempotent and
// returns only lower-case words separated by single spaces.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"l'utente", "e-mail", "PERCHÉ'", "don't", "--'-'", "a-b-c-d", "’’", "x-'y", "00\xf1å"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, again)
		}
		for _, w := range Words(s) {
			if w == "" {
				t.Fatalf("empty word from %q", s)
			}
		}
		_ = Analyze(Italian, s)
		_ = Analyze(English, s)
	})
}
