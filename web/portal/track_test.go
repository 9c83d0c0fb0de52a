// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"strings"
	"testing"
)

func TestParseTrackingParts(t *testing.T) {
	t.Parallel()
	numbers := map[string]string{"HD-2026-000123": "HD-2026-000123", " hd-2026-000001 ": "HD-2026-000001",
		"HD-2026-00012": "", "HD-2026-0001234": "", "XX-2026-000123": "", "HD-２０２６-000123": ""}
	for in, want := range numbers {
		got, ok := parseTicketNumber(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseTicketNumber(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "short", strings.Repeat("A", 31), strings.Repeat("A", 33), strings.Repeat("=", 32), strings.Repeat("+", 32)} {
		if _, ok := parseToken(bad); ok {
			t.Errorf("parseToken(%q) accepted", bad)
		}
	}
	if _, ok := parseToken(strings.Repeat("A", 32)); !ok {
		t.Error("a well-formed token refused")
	}
}

// FuzzParseTrackingLink: whatever a link carries, parsing neither panics
// nor accepts something outside the two shapes.
func FuzzParseTrackingLink(f *testing.F) {
	f.Add("HD-2026-000123", strings.Repeat("A", 32))
	f.Add("hd-2026-000123 ", "abc")
	f.Add("HD-2026-000123\x00", strings.Repeat("_", 32))
	f.Fuzz(func(t *testing.T, number, token string) {
		if n, ok := parseTicketNumber(number); ok && !numberPattern.MatchString(n) {
			t.Fatalf("accepted number %q", n)
		}
		if b, ok := parseToken(token); ok && (len(b) != tokenBytes || len(token) != tokenLen) {
			t.Fatalf("accepted token %q", token)
		}
	})
}
