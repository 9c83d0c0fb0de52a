// SPDX-License-Identifier: EUPL-1.2

package bots

import "testing"

func TestClosureCodes(t *testing.T) {
	cc := ClosureCodes{{Code: "solved", IT: "Risolto", EN: "Solved"}, {Code: "duplicate", IT: "Duplicato", EN: "Duplicate"}}
	for _, tt := range []struct {
		code string
		want bool
	}{{"solved", true}, {"duplicate", true}, {"Solved", false}, {"fixed", false}, {"", false}} {
		if got := cc.Valid(tt.code); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	for _, tt := range []struct{ lang, code, want string }{
		{"it", "solved", "Risolto"}, {"en", "solved", "Solved"}, {"en", "duplicate", "Duplicate"},
		{"it", "fixed", "fixed"}, // an old ticket's code, no longer listed
	} {
		if got := cc.Label(tt.lang, tt.code); got != tt.want {
			t.Errorf("Label(%s, %s) = %q, want %q", tt.lang, tt.code, got, tt.want)
		}
	}
	if got := cc.Codes(); got != "solved, duplicate" {
		t.Errorf("Codes() = %q", got)
	}
}
