package nlp

import (
	"regexp"
	"strings"
)

// Personal data found in free text, each with the placeholder that
// replaces it. Order matters: IBAN and tax codes before phone numbers, whose
// digit runs they contain.
var piiPatterns = []struct {
	re   *regexp.Regexp
	mask string
}{
	{regexp.MustCompile(`(?i)\b[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}\b`), "[email]"},
	{regexp.MustCompile(`(?i)\bIT\s?\d{2}\s?[A-Z]\s?(?:\d\s?){10}(?:[0-9A-Z]\s?){12}\b`), "[iban]"},
	// Codice fiscale: 6 letters, 2 digits, month letter, 2 digits, letter,
	// 3 digits, check letter (digits may be letters in omocodia cases).
	{regexp.MustCompile(`(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`), "[codice-fiscale]"},
	// Phone numbers: optional +39/0039, then 8–12 digits, with spaces,
	// dots or dashes between groups.
	{regexp.MustCompile(`(?:\+|\b00)?\b(?:39[\s.\-]?)?(?:\d[\s.\-]?){7,11}\d\b`), "[telefono]"},
}

// MaskPersonalData replaces e-mail addresses, IBANs, Italian tax codes
// (codice fiscale) and phone numbers in text with placeholders. Ticket
// numbers (HD-2026-000123) and short numbers are left alone.
func MaskPersonalData(text string) string {
	if text == "" {
		return text
	}
	// Ticket numbers, whose digit runs look like phone numbers, are kept:
	// only the text between them is masked.
	var b strings.Builder
	last := 0
	for _, m := range ticketFull.FindAllStringIndex(text, -1) {
		b.WriteString(maskSegment(text[last:m[0]]))
		b.WriteString(text[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(maskSegment(text[last:]))
	return b.String()
}

func maskSegment(s string) string {
	for _, p := range piiPatterns {
		s = p.re.ReplaceAllString(s, p.mask)
	}
	return s
}
