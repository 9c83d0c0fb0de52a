// SPDX-License-Identifier: EUPL-1.2

package console

import "testing"

// TestDeskTextInTheCatalogue: the contact page's and checklists' strings
// are merged into the console's catalogue as they are written.
func TestDeskTextInTheCatalogue(t *testing.T) {
	t.Parallel()
	checkMerged(t, deskText)
}

// checkMerged fails unless every string of part is in Text, unchanged,
// in both languages.
func checkMerged(t *testing.T, part map[string]map[string]string) {
	t.Helper()
	if len(part) == 0 {
		t.Fatal("empty catalogue part")
	}
	for key, langs := range part {
		for _, lang := range []string{"it", "en"} {
			if langs[lang] == "" || Text[key][lang] != langs[lang] {
				t.Errorf("%s (%s): %q in the catalogue, %q written", key, lang, Text[key][lang], langs[lang])
			}
		}
	}
}
