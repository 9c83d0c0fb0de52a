// SPDX-License-Identifier: EUPL-1.2

package kb

import "testing"

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"stampante", "stampante", 0},
		{"stampante", "stampnte", 1},
		{"stampante", "stmapante", 1},
		{"stampante", "stampantex", 1},
		{"stampante", "stempante", 1},
		{"stampante", "stmpnte", 2},
		{"abc", "abcdef", 2},
	}
	for _, tt := range tests {
		if got := min(osaDistance(tt.a, tt.b), 2); got != tt.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNeighbours(t *testing.T) {
	ix := testIndex(t)
	got := map[string]bool{}
	for _, id := range ix.neighbours("stampnt") {
		got[ix.termStr[id]] = true
	}
	if !got["stampant"] {
		t.Errorf("neighbours of stampnt = %v, want stampant", got)
	}
	if n := ix.neighbours("xyz"); len(n) != 0 {
		t.Errorf("short word has neighbours %v", n)
	}
}
