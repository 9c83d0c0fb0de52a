// SPDX-License-Identifier: EUPL-1.2

package i18n

import "testing"

func TestT(t *testing.T) {
	c := Catalog{"hello": {"it": "Ciao %s", "en": "Hello %s"}}
	tests := []struct{ lang, want string }{{"it", "Ciao Anna"}, {"en-GB", "Hello Anna"}, {"fr", "Ciao Anna"}, {"", "Ciao Anna"}}
	for _, tt := range tests {
		if got := c.T(tt.lang, "hello", "Anna"); got != tt.want {
			t.Errorf("T(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := c.T("it", "missing"); got != "[missing]" {
		t.Errorf("missing key = %q", got)
	}
}

func TestCheck(t *testing.T) {
	c := Catalog{
		"ok":       {"it": "%d ticket", "en": "%d tickets"},
		"no-en":    {"it": "solo italiano"},
		"mismatch": {"it": "%s e %d", "en": "%s only"},
	}
	got := c.Check()
	if len(got) != 2 {
		t.Fatalf("problems = %q, want 2", got)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := map[string]string{"en-US,en;q=0.9": "en", "it-IT,it;q=0.9,en;q=0.8": "it", "de-DE,en;q=0.5": "en", "": "it", "fr": "it"}
	for h, want := range tests {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("%q → %q, want %q", h, got, want)
		}
	}
}
