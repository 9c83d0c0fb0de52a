// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"strings"
	"testing"
)

func TestNormalizePhoneAndSubject(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ lookup, name, email, phone string }{
		{"mario.rossi@asl.example.it", "", "mario.rossi@asl.example.it", ""},
		{"06 1234 5678", "", "", "06 1234 5678"},
		{"Mario Rossi", "Mario Rossi", "", ""},
	} {
		f := contactForm{Lookup: tt.lookup}
		carryLookup(&f)
		if f.Name != tt.name || f.Email != tt.email || f.Phone != tt.phone {
			t.Errorf("carryLookup(%q) = %+v", tt.lookup, f)
		}
	}
	kept := contactForm{Lookup: "Rossi", Email: "a@b.it"}
	if carryLookup(&kept); kept.Name != "" {
		t.Errorf("the lookup overwrote a detail the agent gave: %+v", kept)
	}
	long := strings.Repeat("parola ", 30)
	if s := subjectOf(long); len([]rune(s)) > 81 || !strings.HasSuffix(s, "…") {
		t.Errorf("subjectOf(long) = %q", s)
	}
	if s := subjectOf("  Prima riga\nseconda"); s != "Prima riga" {
		t.Errorf("subjectOf = %q", s)
	}
	if got := spokenNumber("HD-2026-000123"); got != "HD · 2026 · 000 123" {
		t.Errorf("spokenNumber = %q", got)
	}
}
