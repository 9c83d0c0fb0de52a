// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"strings"
	"testing"
)

func TestMessagesCatalog(t *testing.T) {
	if p := telegramText.Check(); len(p) > 0 {
		t.Fatal(strings.Join(p, "\n"))
	}
	for _, c := range commands {
		for _, l := range []string{"it", "en"} {
			if d := telegramText.T(l, "cmd."+c); len(d) > 256 || len(d) < 3 {
				t.Errorf("command %s (%s) description of %d bytes: Telegram wants 3–256", c, l, len(d))
			}
		}
	}
}

// A Telegram profile's language code picks the desk's language: any
// English or Italian variant, in any case; anything else is left to the
// text (empty).
func TestProfileLang(t *testing.T) {
	for code, want := range map[string]string{
		"en": "en", "en-GB": "en", "EN-us": "en", "it": "it", "it-CH": "it", "IT": "it",
		"de": "", "": "", "fr-IT": "", "e": "",
	} {
		if got := profileLang(code); got != want {
			t.Errorf("profileLang(%q) = %q, want %q", code, got, want)
		}
	}
}
