// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"slices"
	"testing"
)

func TestLinkedEntries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"help centre link", "Veda https://desk.example.org/help/a/stampante-rete.", []string{"stampante-rete"}},
		{"bot link and relative link, once each", "/kb/vpn-1 e /help/a/vpn-1 e /kb/pec", []string{"vpn-1", "pec"}},
		{"no link", "Provi a riavviare la stampante.", nil},
		{"other paths", "/help/search?q=kb /console/kb/stampante", []string{"stampante"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linkedEntries(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("linkedEntries(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}
