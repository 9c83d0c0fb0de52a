// SPDX-License-Identifier: EUPL-1.2

package nlp

import "testing"

func TestFindCues(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Nessuno in ufficio riesce a lavorare", []string{"everyone", "group"}},
		{"the whole office has no internet since this morning", []string{"everyone", "since_today"}},
		{"non riesco a firmare, la pratica scade oggi", []string{"blocked", "deadline_today"}},
		{"ho cliccato su un link di phishing", []string{"security", "compromise"}},
		{"a phishing email arrived but I didn't click", []string{"security", "no_harm"}},
		{"i tre operatori dello sportello non stampano", []string{"people_count", "blocked"}},
		{"four doctors are affected", []string{"people_count"}},
		{"lenta ma riesco comunque a lavorare", []string{"workaround"}},
		{"data breach: patient records exposed", []string{"security", "compromise"}},
		{"URGENTE vorrei un mouse", []string{"urgent_word", "request"}},
		{"Come si cambia la password?", []string{"question"}},
		{"sarebbe comodo un tasto in più", []string{"suggestion"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			cues := FindCues(tt.text)
			for _, w := range tt.want {
				if !hasCue(cues, w) {
					t.Errorf("FindCues(%q) = %v, missing %s", tt.text, cues, w)
				}
			}
		})
	}
	if cues := FindCues("I am fine"); hasCue(cues, "deadline_today") {
		t.Errorf("\"I am\" read as a time of day: %v", cues)
	}
}
