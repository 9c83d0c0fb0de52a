// SPDX-License-Identifier: EUPL-1.2

package web

import "testing"

func TestFormatNumbers(t *testing.T) {
	tests := []struct {
		name, lang string
		got        string
		want       string
	}{
		{"zero percent it", "it", formatPercent("it", 0), "0,0\u00a0%"},
		{"zero percent en", "en", formatPercent("en", 0), "0.0%"},
		{"percent it", "it", formatPercent("it", 87.46), "87,5\u00a0%"},
		{"hundred en", "en", formatPercent("en", 100), "100.0%"},
		{"thousands it", "it", formatInt("it", 1234567), "1.234.567"},
		{"thousands en", "en", formatInt("en", 1234567), "1,234,567"},
		{"small", "it", formatInt("it", 12), "12"},
		{"negative decimals it", "it", formatNumber("it", -1234.5, 2), "-1.234,50"},
		{"hours en", "en", formatNumber("en", 3.25, 2), "3.25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
