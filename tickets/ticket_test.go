// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"errors"
	"testing"

	"helpdesk/tickets"
)

// Each state is known and open exactly when it still needs work; closed
// and cancelled are final (no state follows them).
func TestStates(t *testing.T) {
	open := map[tickets.State]bool{tickets.StateNew: true, tickets.StateOpen: true,
		tickets.StateWaitingRequester: true, tickets.StateWaitingThirdParty: true}
	for _, s := range tickets.States {
		t.Run(string(s), func(t *testing.T) {
			if !s.Valid() {
				t.Error("not Valid")
			}
			if s.Open() != open[s] {
				t.Errorf("Open() = %v, want %v", s.Open(), open[s])
			}
			final := s == tickets.StateClosed || s == tickets.StateCancelled
			for _, to := range tickets.States {
				if final && tickets.CanTransition(s, to) {
					t.Errorf("a final state moves to %s", to)
				}
			}
		})
	}
	for _, s := range []tickets.State{"", "Open", "reopened"} {
		if s.Valid() || s.Open() {
			t.Errorf("%q: Valid %v, Open %v", s, s.Valid(), s.Open())
		}
	}
}

func TestTypesAndLevels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		valid bool
		got   bool
	}{
		{"incident", true, tickets.TypeIncident.Valid()},
		{"request", true, tickets.TypeRequest.Valid()},
		{"question", true, tickets.TypeQuestion.Valid()},
		{"suggestion", true, tickets.TypeSuggestion.Valid()},
		{"type complaint", false, tickets.Type("complaint").Valid()},
		{"type empty", false, tickets.Type("").Valid()},
		{"high", true, tickets.High.Valid()},
		{"medium", true, tickets.Medium.Valid()},
		{"low", true, tickets.Low.Valid()},
		{"level critical", false, tickets.Level("critical").Valid()},
		{"level High", false, tickets.Level("High").Valid()},
	} {
		if tc.got != tc.valid {
			t.Errorf("%s: Valid() = %v, want %v", tc.name, tc.got, tc.valid)
		}
	}
}

func TestTransitionError(t *testing.T) {
	var err error = &tickets.TransitionError{From: tickets.StateClosed, To: tickets.StateOpen}
	if !errors.Is(err, tickets.ErrIllegalTransition) || errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("errors.Is wrong for %v", err)
	}
	if got, want := err.Error(), "ticket cannot go from closed to open"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		year, seq int
		want      string
	}{
		{2026, 123, "HD-2026-000123"},
		{2026, 1, "HD-2026-000001"},
		{2027, 999999, "HD-2027-999999"},
	} {
		if got := tickets.FormatNumber(tc.year, tc.seq); got != tc.want {
			t.Errorf("FormatNumber(%d, %d) = %q, want %q", tc.year, tc.seq, got, tc.want)
		}
	}
}
