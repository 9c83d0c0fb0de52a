// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"testing"
	"time"

	"helpdesk/tickets"
)

// FormatWhen says an instant relative to now in the desk's zone: the
// calendar day is the desk's, not UTC's.
func TestFormatWhen(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, rome) // a Tuesday
	for _, tc := range []struct {
		name   string
		when   time.Time
		now    time.Time
		it, en string
	}{
		{"today", time.Date(2026, 11, 24, 15, 0, 0, 0, rome), now, "oggi alle 15:00", "today at 15:00"},
		{"tomorrow", time.Date(2026, 11, 25, 8, 0, 0, 0, rome), now, "domani alle 08:00", "tomorrow at 08:00"},
		{"next week", time.Date(2026, 11, 30, 8, 0, 0, 0, rome), now, "lunedì 30 novembre alle 08:00", "Monday 30 November at 08:00"},
		{"given in UTC", time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC), now, "domani alle 08:00", "tomorrow at 08:00"},
		// 00:30 in Rome is still the 24th in UTC: the desk's day decides.
		{"after midnight in the desk's zone", time.Date(2026, 11, 25, 8, 0, 0, 0, rome),
			time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC), "oggi alle 08:00", "today at 08:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatWhen("it", tc.when, tc.now, rome); got != tc.it {
				t.Errorf("it: %q, want %q", got, tc.it)
			}
			if got := FormatWhen("en", tc.when, tc.now, rome); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
		})
	}
}

// The default promise grows with the priority number, and each call gives
// a map of its own (a caller's change does not leak into the next).
func TestDefaultFirstResponse(t *testing.T) {
	d := DefaultFirstResponse()
	want := map[tickets.Priority]time.Duration{tickets.P1: time.Hour, tickets.P2: 4 * time.Hour, tickets.P3: 8 * time.Hour, tickets.P4: 16 * time.Hour}
	if len(d) != len(want) {
		t.Fatalf("%v", d)
	}
	for p, w := range want {
		if d[p] != w {
			t.Errorf("%s: %v, want %v", p, d[p], w)
		}
	}
	d[tickets.P1] = time.Minute
	if DefaultFirstResponse()[tickets.P1] != time.Hour {
		t.Error("DefaultFirstResponse shares its map")
	}
}
