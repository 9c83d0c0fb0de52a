// SPDX-License-Identifier: EUPL-1.2

package csvsafe

import (
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "la vpn non va", "la vpn non va"},
		{"number", "12", "12"},
		{"equals", `=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"plus", "+1+1", "'+1+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(1+1)", "'@SUM(1+1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"formula later in the cell", "vpn =1", "vpn =1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Cell(tc.in); got != tc.want {
				t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzCell: no cell comes out starting with a formula character, and a
// cell that needed nothing is unchanged.
func FuzzCell(f *testing.F) {
	for _, s := range []string{"=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "plain", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Cell(s)
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			t.Fatalf("Cell(%q) = %q starts a formula", s, got)
		}
		if got != s && got != "'"+s {
			t.Fatalf("Cell(%q) = %q changed more than a prefix", s, got)
		}
	})
}
