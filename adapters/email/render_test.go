// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"strings"
	"testing"

	"helpdesk/bots"
)

func TestSendRendersChoicesAsNumbers(t *testing.T) {
	tests := []struct {
		name    string
		buttons []bots.Button
		want    []string
	}{
		{"rating", []bots.Button{{Label: "1", Action: "csat:1"}, {Label: "2", Action: "csat:2"}, {Label: "3", Action: "csat:3"}, {Label: "4", Action: "csat:4"}, {Label: "5", Action: "csat:5"}},
			[]string{"Rispondi a questa e-mail scrivendo solo un numero da 1 a 5."}},
		{"labels", []bots.Button{{Label: "Risolto", Action: "solved"}, {Label: "Non risolto", Action: "unsolved"}},
			[]string{"Rispondi a questa e-mail scrivendo solo il numero della tua scelta:", "1 — Risolto", "2 — Non risolto"}},
	}
	a := newTestAdapter(t, Config{}, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plain, html, err := a.render(bots.Reply{Text: "Domanda?", Buttons: tc.buttons}, "it", "HD-2026-000001", false)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.want {
				if !strings.Contains(plain, s) {
					t.Errorf("plain lacks %q:\n%s", s, plain)
				}
			}
			if !strings.Contains(plain, "lasciando [HD-2026-000001] nell'oggetto") || !strings.Contains(html, "Domanda?") {
				t.Errorf("footer or html missing:\n%s\n%s", plain, html)
			}
		})
	}
	en, _, _ := a.render(bots.Reply{Text: "Rate us", Buttons: tests[0].buttons}, "en", "", true)
	if !strings.Contains(en, "Reply to this e-mail with just a number from 1 to 5.") || !strings.Contains(en, "Message sent automatically") {
		t.Errorf("english rendering:\n%s", en)
	}
}

func TestSubjectOf(t *testing.T) {
	tests := []struct {
		rc   replyContext
		want string
	}{
		{replyContext{Lang: "it", Number: "HD-2026-000001", Subject: "Stampante guasta"}, "Re: [HD-2026-000001] Stampante guasta"},
		{replyContext{Lang: "en", Number: "HD-2026-000001", Subject: "RE: R: [HD-2026-000001] Printer"}, "Re: [HD-2026-000001] Printer"},
		{replyContext{Lang: "en", Number: "HD-2026-000001"}, "[HD-2026-000001] Your request to the help desk"},
		{replyContext{Lang: "it"}, "La tua richiesta all'help desk"},
	}
	for _, tc := range tests {
		if got := subjectOf(tc.rc); got != tc.want {
			t.Errorf("subjectOf(%+v) = %q, want %q", tc.rc, got, tc.want)
		}
	}
}

// TestCatalogComplete: every string of the adapter exists in Italian and
// English with the same placeholders.
func TestCatalogComplete(t *testing.T) {
	for _, p := range mailText.Check() {
		t.Error(p)
	}
}
