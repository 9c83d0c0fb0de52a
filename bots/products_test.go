// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"testing"

	"helpdesk/kb"
)

// TestProductVocabulary: a word names a product only when every entry of
// the language that has it agrees on the product.
func TestProductVocabulary(t *testing.T) {
	v := productVocabulary([]kb.Entry{
		{ID: "p1", Lang: "it", Product: "Stampanti di rete", Tags: []string{"stampante", "toner", "password"}},
		{ID: "p2", Lang: "it", Product: "Portale SUAP", Tags: []string{"pratica", "password"}},
		{ID: "p3", Lang: "it", Product: "Gestionale di studio", Tags: []string{"ricette"}},
		{ID: "p4", Lang: "en", Product: "Network printers", Tags: []string{"printer"}},
		{ID: "p5", Lang: "it", Tags: []string{"stampante"}}, // no product: no vote
	})
	for _, tt := range []struct{ lang, word, want string }{
		{"it", "stampante", "Stampanti di rete"},
		{"it", "suap", "Portale SUAP"},
		{"it", "gestionale", "Gestionale di studio"},
		{"it", "password", ""}, // two products
		{"it", "printer", ""},  // another language
		{"en", "printer", "Network printers"},
	} {
		if got := v[tt.lang][tt.word]; got != tt.want {
			t.Errorf("%s %q → %q, want %q", tt.lang, tt.word, got, tt.want)
		}
	}
}
