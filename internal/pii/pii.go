// SPDX-License-Identifier: EUPL-1.2

package pii

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders put in place of masked personal data. They match none of
// the patterns, so masking twice changes nothing.
const (
	MaskEmail   = "<EMAIL>"
	MaskPhone   = "<PHONE>"
	MaskTaxCode = "<TAX_CODE>"
	MaskIBAN    = "<IBAN>"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// Italian tax code (codice fiscale) of a person, omocodia letters
	// included; case-insensitive because users type it in lower case.
	taxCodeRe = regexp.MustCompile(`(?i)[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]`)
	// IBAN: country, check digits, then groups of four letters or digits,
	// written solid or spaced the way banks print them, and a short tail.
	ibanRe = regexp.MustCompile(`(?i)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?`)
	// Phone numbers: international (+ or 00), Italian mobiles (3xx) and
	// landlines (0x); digits may be grouped by spaces, dots or dashes.
	phoneRe = regexp.MustCompile(`(?:\+|00)[1-9](?:[ .\-/]?[0-9]){6,14}|\b3[0-9]{2}(?:[ .\-/]?[0-9]){6,7}|\b0[0-9]{1,3}(?:[ .\-/]?[0-9]){5,9}`)
)

// Mask replaces e-mail addresses, phone numbers, Italian tax
// codes and IBANs in s with placeholders. It is the one masker of the
// project: the language model's prompts and the retention of old data use
// it. It errs on the side of masking:
// a number that merely looks like a phone is masked too. Ticket numbers
// (HD-2026-000123) and dates are left alone.
func Mask(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// A placeholder may free a neighbour that was glued to a masked
	// value; a few rounds reach the fixed point, so masking is idempotent.
	for range 4 {
		m := emailRe.ReplaceAllString(s, MaskEmail)
		m = replaceBounded(m, ibanRe, MaskIBAN, looksLikeIBAN)
		m = replaceBounded(m, taxCodeRe, MaskTaxCode, nil)
		m = replaceBounded(m, phoneRe, MaskPhone, looksLikePhone)
		if m == s {
			break
		}
		s = m
	}
	return s
}

// replaceBounded replaces the matches of re that stand as words of their
// own (no letter or digit glued on either side, not part of a code such
// as HD-2026-…) and that keep passes.
func replaceBounded(s string, re *regexp.Regexp, with string, keep func(string) bool) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		// A greedy match may end inside a longer word ("… 456 grazie"):
		// cut it back to its last space.
		if j < len(s) && isWordByte(s, j) {
			j = i + strings.LastIndexByte(s[i:j], ' ')
		}
		if j <= i || (i > 0 && (isWordRuneBefore(s, i) || s[i-1] == '-' && s[i] != '+')) {
			continue
		}
		if keep != nil && !keep(s[i:j]) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(with)
		last = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isWordRuneBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// looksLikeIBAN wants enough digits: "ab12 with some more words" has the
// shape but is prose.
func looksLikeIBAN(s string) bool {
	return countDigits(s) >= 8 && len(strings.ReplaceAll(s, " ", "")) >= 15
}

// looksLikePhone wants 8 to 15 digits, the range of real numbers.
func looksLikePhone(s string) bool {
	n := countDigits(s)
	return n >= 8 && n <= 15
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Find returns the e-mail addresses, phone numbers, tax codes
// and IBANs written in s, as written: the identifiers an erasure looks for
// in text that is not the person's own (search logs, notifications).
func Find(s string) []string {
	var out []string
	out = append(out, emailRe.FindAllString(s, -1)...)
	for _, m := range ibanRe.FindAllString(s, -1) {
		if looksLikeIBAN(m) {
			out = append(out, m)
		}
	}
	out = append(out, taxCodeRe.FindAllString(s, -1)...)
	for _, m := range phoneRe.FindAllString(s, -1) {
		if looksLikePhone(m) {
			out = append(out, m)
		}
	}
	return out
}
