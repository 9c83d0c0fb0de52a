// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"strings"
	"testing"
)

// TestParseTrackingParts: a number as typed is made canonical; a token is
// exactly tokenLen strict base64url characters. Anything else, hostile or
// not, is refused before the database sees it.
func TestParseTrackingParts(t *testing.T) {
	t.Parallel()
	numbers := map[string]string{"HD-2026-000123": "HD-2026-000123", " hd-2026-000001 ": "HD-2026-000001",
		"\tHD-2026-999999\n": "HD-2026-999999",
		"HD-2026-00012":      "", "HD-2026-0001234": "", "XX-2026-000123": "", "HD-２０２６-000123": "",
		"": "", "HD-2026-000123' OR '1'='1": "", "HD-2026-000123\x00": "", "HD-2026-000123\nHD-2026-000124": "",
		"../HD-2026-000123": "", "HD 2026 000123": "", "HD-2026-00012a": "", "HD-20260-00123": "",
		"HD-2026-000123/../../x": "", strings.Repeat("HD-2026-000123", 1000): ""}
	for in, want := range numbers {
		got, ok := parseTicketNumber(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseTicketNumber(%q) = %q, %v", in, got, ok)
		}
	}
	if tokenLen != 32 {
		t.Fatalf("tokenLen %d: the cases below assume 32", tokenLen)
	}
	for _, bad := range []string{"", "short", strings.Repeat("A", 31), strings.Repeat("A", 33), strings.Repeat("=", 32), strings.Repeat("+", 32),
		strings.Repeat("/", 32), strings.Repeat("A", 30) + "==", strings.Repeat("A", 31) + "\n", strings.Repeat("A", 31) + "\x00",
		strings.Repeat("A", 31) + "é"[:1], strings.Repeat("A", 16) + "' OR 1=1 --" + strings.Repeat("A", 5), strings.Repeat("A", 4096)} {
		if _, ok := parseToken(bad); ok {
			t.Errorf("parseToken(%q) accepted", bad)
		}
	}
	for _, good := range []string{strings.Repeat("A", 32), strings.Repeat("_", 32), strings.Repeat("-", 32), "abcdefghijklmnopqrstuvwxyz012345"} {
		b, ok := parseToken(good)
		if !ok || len(b) != tokenBytes {
			t.Errorf("well-formed token %q refused (%d bytes)", good, len(b))
		}
	}
	if b, _ := parseToken(strings.Repeat("_", 32)); b[0] != 0xff || b[tokenBytes-1] != 0xff {
		t.Errorf("parseToken(___…) = %x, want all 0xff", b)
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
