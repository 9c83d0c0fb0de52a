// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"testing"
	"time"
)

func TestAPIRateLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newAPILimiter(2, 3, func() time.Time { return now })
	for i := range 3 {
		if !l.allow(1) {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	if l.allow(1) {
		t.Fatal("a fourth request in the same instant was allowed")
	}
	if !l.allow(2) {
		t.Fatal("another token was limited")
	}
	now = now.Add(500 * time.Millisecond) // 2/s: one more
	if !l.allow(1) || l.allow(1) {
		t.Fatal("refill is not 2 per second")
	}
}
