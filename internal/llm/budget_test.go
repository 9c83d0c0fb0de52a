// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"testing"
	"time"
)

func TestBudget(t *testing.T) {
	start := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		perMinute int
		at        []time.Duration // offsets of the calls
		want      []bool
	}{
		{"unlimited", 0, []time.Duration{0, 0, 0}, []bool{true, true, true}},
		{"cap within a minute", 2, []time.Duration{0, time.Second, 2 * time.Second}, []bool{true, true, false}},
		{"window slides", 2, []time.Duration{0, 30 * time.Second, 59 * time.Second, 60 * time.Second, 61 * time.Second}, []bool{true, true, false, true, false}},
		{"refused calls do not count", 1, []time.Duration{0, 10 * time.Second, 60 * time.Second}, []bool{true, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := start
			b := NewBudget(tt.perMinute, func() time.Time { return now })
			for i, off := range tt.at {
				now = start.Add(off)
				if got := b.Take(); got != tt.want[i] {
					t.Fatalf("call %d at +%s: %v, want %v", i, off, got, tt.want[i])
				}
			}
		})
	}
	var nilBudget *Budget
	if !nilBudget.Take() || nilBudget.Remaining() != -1 {
		t.Error("a nil budget is unlimited")
	}
	now := start
	b := NewBudget(3, func() time.Time { return now })
	b.Take()
	if b.Remaining() != 2 {
		t.Errorf("remaining %d, want 2", b.Remaining())
	}
}
