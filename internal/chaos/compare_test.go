// SPDX-License-Identifier: EUPL-1.2

package chaos

import "testing"

func TestCompare(t *testing.T) {
	rec := []string{"Ciao, come posso aiutarti?", "Apro una segnalazione", "Grazie"}
	tests := []struct {
		name      string
		delivered []string
		dup       int
		disorder  bool
		matched   int
	}{
		{"exact", []string{"<b>Ciao</b>, come posso aiutarti?", "Apro una segnalazione", "Grazie"}, 0, false, 3},
		{"repeat after a crash", []string{"Ciao, come posso aiutarti?", "Apro una segnalazione", "Apro una segnalazione", "Grazie"}, 1, false, 3},
		{"swapped", []string{"Ciao, come posso aiutarti?", "Grazie", "Apro una segnalazione"}, 0, true, 2},
		{"missing", []string{"Ciao, come posso aiutarti?"}, 0, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dup, disorder, matched := compare(rec, tc.delivered)
			if dup != tc.dup || disorder != tc.disorder || matched != tc.matched {
				t.Fatalf("got dup=%d disorder=%v matched=%d, want %d %v %d", dup, disorder, matched, tc.dup, tc.disorder, tc.matched)
			}
		})
	}
}
