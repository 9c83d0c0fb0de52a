// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"06 1234 5678": "0612345678", "+39 (06) 1234-5678": "+390612345678", "333.123.4567": "3331234567",
		"12345": "", "06 12ab": "", "+": "", "1234567890123456": "", "0039 06 12": "00390612", "06+123456": "",
	} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"06 1234 5678", "+39 333 1234567", "", "+", "(06)/12.34-56", "٠٦١٢٣٤٥٦٧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizePhone(s)
		if n == "" {
			return
		}
		digits := strings.TrimPrefix(n, "+")
		if len(digits) < 6 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q) = %q", s, n)
		}
		if NormalizePhone(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizePhone(n))
		}
	})
}
