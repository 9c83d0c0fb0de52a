// SPDX-License-Identifier: EUPL-1.2

package bots

import "testing"

func TestButtonLabel(t *testing.T) {
	tests := []struct{ lang, action, want string }{
		{"it", actHuman, "Parla con un operatore"},
		{"en", actHuman, "Talk to an operator"},
		{"it", actFAQ + promptSep + "1z", "Cerca nelle guide"},
		{"it", actPick + "vpn-password", ""},
		{"it", "no-such-action", ""},
	}
	for _, tt := range tests {
		if got := ButtonLabel(tt.lang, tt.action); got != tt.want {
			t.Errorf("ButtonLabel(%q, %q) = %q, want %q", tt.lang, tt.action, got, tt.want)
		}
	}
}

// TestDoublePressDoesNotSkipAStep: pressing "Non risolto" twice (two
// block_actions, an old keyboard) used to skip the product question and
// open a ticket with an empty product.
func TestDoublePressDoesNotSkipAStep(t *testing.T) {
	h := newHarness(t)
	h.say("u1", "c1", "il programma delle presenze mostra errore 500 quando salvo la smart card")
	live := h.liveAction("c1", 1)
	if ActionOf(live) != actUnsolved {
		t.Fatalf("second button %q, want %s", live, actUnsolved)
	}
	_, first := h.sayRaw("u1", "c1", "{"+live+"}")
	res, second := h.sayRaw("u1", "c1", "{"+live+"}")
	if !res.Stale || len(second) != 1 || second[0] != "< "+botText.T("it", "choice.stale") {
		t.Fatalf("second press answered %q (stale %v)", second, res.Stale)
	}
	if res.TicketNumber != "" {
		t.Fatal("the second press opened a ticket")
	}
	// The first press's question still stands: its buttons still work.
	if h.conversation("c1").State != StateBot || len(first) == 0 {
		t.Fatalf("after the first press: %q", first)
	}
	var open int
	if err := h.db.Get(&open, `SELECT count(*) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Fatalf("%d tickets opened by pressing twice", open)
	}
}
