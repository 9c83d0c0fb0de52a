// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"strings"
	"testing"
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
