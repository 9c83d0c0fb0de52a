// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"errors"
	"testing"
)

func TestDefaultMatrix(t *testing.T) {
	m := DefaultMatrix()
	tests := []struct {
		urgency, impact Level
		want            Priority
	}{
		{High, High, P1}, {High, Medium, P1}, {High, Low, P2},
		{Medium, High, P2}, {Medium, Medium, P3}, {Medium, Low, P3},
		{Low, High, P3}, {Low, Medium, P4}, {Low, Low, P4},
		{"", "bogus", P3},
	}
	for _, tt := range tests {
		t.Run(string(tt.urgency)+"/"+string(tt.impact), func(t *testing.T) {
			if got := m.Priority(tt.urgency, tt.impact); got != tt.want {
				t.Fatalf("Priority = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMatrixFromConfig(t *testing.T) {
	cfg := map[string]map[string]string{
		"high": {"high": "P1", "medium": "P1", "low": "P1"}, "medium": {"high": "P2", "medium": "P2", "low": "P2"},
		"low": {"high": "P4", "medium": "P4", "low": "P4"},
	}
	m, err := MatrixFromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Priority(High, Low) != P1 {
		t.Fatal("configured matrix not used")
	}
	delete(cfg["low"], "low")
	if _, err := MatrixFromConfig(cfg); !errors.Is(err, ErrInvalid) {
		t.Fatalf("incomplete matrix: err = %v", err)
	}
}
