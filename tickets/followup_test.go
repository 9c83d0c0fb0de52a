// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"testing"
	"time"
)

// TestEnded: which tickets a new message follows up rather than reopens,
// for every state and on both sides of the reopening window.
func TestEnded(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	window := 7 * 24 * time.Hour
	recent, old := now.Add(-window), now.Add(-window-time.Minute)
	for _, tt := range []struct {
		state    State
		resolved *time.Time
		want     bool
	}{
		{StateNew, nil, false}, {StateOpen, nil, false}, {StateWaitingRequester, nil, false}, {StateWaitingThirdParty, nil, false},
		{StateResolved, &recent, false}, {StateResolved, &old, true}, {StateResolved, nil, true},
		{StateClosed, &recent, true}, {StateCancelled, nil, true},
	} {
		if got := Ended(&Ticket{State: tt.state, ResolvedAt: tt.resolved}, now, window); got != tt.want {
			t.Errorf("Ended(%s, resolved %v) = %v, want %v", tt.state, tt.resolved, got, tt.want)
		}
	}
}
