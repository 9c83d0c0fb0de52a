// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"

	"helpdesk/bots"
)

func TestCatalog(t *testing.T) {
	if problems := triageText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
	got := say("", "err.unmapped", "slack", "U1")
	if !strings.Contains(got, triageText.T("it", "err.unmapped", "slack", "U1")) || !strings.Contains(got, triageText.T("en", "err.unmapped", "slack", "U1")) {
		t.Errorf("a stranger must get both languages: %q", got)
	}
	if got := say("en", "note.saved"); got != triageText.T("en", "note.saved") {
		t.Errorf("say(en) = %q", got)
	}
}

func TestLevelOf(t *testing.T) {
	for role, want := range map[string]int{"agent_l1": 1, "agent_l2": 2, "supervisor": 2, "editor": 0, "admin": 0, "": 0} {
		if got := levelOf(role); got != want {
			t.Errorf("levelOf(%q) = %d, want %d", role, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	if got := clip("àèìòù", 3); got != "àè…" {
		t.Errorf("clip = %q", got)
	}
	if got := clip("abc", 3); got != "abc" {
		t.Errorf("clip = %q", got)
	}
	if got := oneLine(" a\n\tb  c "); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
}

// The refusal of an unknown closure code names the codes with their
// labels in the agent's language.
func TestClosureRefusal(t *testing.T) {
	cc := bots.ClosureCodes{{Code: "solved", IT: "Risolto", EN: "Solved"}, {Code: "duplicate", IT: "Duplicato", EN: "Duplicate"}}
	for _, tt := range []struct{ lang, want string }{
		{"it", "⛔ «fixed» non è un codice di chiusura di questo servizio: nulla è stato chiuso. Codici: `solved` (Risolto), `duplicate` (Duplicato)."},
		{"en", "⛔ “fixed” is not one of this desk's closure codes: nothing was resolved. Codes: `solved` (Solved), `duplicate` (Duplicate)."},
	} {
		if got := triageText.T(tt.lang, "err.closure_code", "fixed", closureChoices(cc, tt.lang)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.lang, got, tt.want)
		}
	}
}
