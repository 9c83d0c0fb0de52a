// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"strings"
	"testing"

	"helpdesk/bots"
)

// TestRenderThroughMarkup: a knowledge-base answer with a table, numbered
// steps, emphasis and an escape reads right in both parts of the mail.
func TestRenderThroughMarkup(t *testing.T) {
	a := newTestAdapter(t, Config{FromName: "Help desk ASL"}, nil)
	md := "Visita\\: il portale.\n\n| Stato | Azione |\n|---|---|\n| Aperta | Attendere |\n\n1. Apri il **gestionale**\n2. Premi *Invia*"
	plain, html, err := a.render(bots.Reply{Text: md}, "it", "", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Visita: il portale.", "Stato: Aperta\nAzione: Attendere", "1. Apri il gestionale\n2. Premi Invia"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain lacks %q:\n%s", want, plain)
		}
	}
	if strings.ContainsAny(plain, `*\|`) {
		t.Errorf("markup left in the plain part:\n%s", plain)
	}
	for _, want := range []string{"<p>Visita: il portale.</p>", "<strong>Stato:</strong> Aperta<br><strong>Azione:</strong> Attendere",
		"<ol><li>Apri il <strong>gestionale</strong></li><li>Premi <em>Invia</em></li></ol>"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
}
