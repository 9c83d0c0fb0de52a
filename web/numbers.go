// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"strconv"
	"strings"

	"helpdesk/internal/i18n"
)

// Numbers as the page's language writes them: Italian "1.234,5" and
// "12,5 %", English "1,234.5" and "12.5%". Only the pages format this way;
// the CSV files keep machine numbers (a dot, no grouping).

// formatNumber writes x with decimals digits after the separator.
func formatNumber(lang string, x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	dec, group := ".", ","
	if i18n.Normalize(lang) == "it" {
		dec, group = ",", "."
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// formatInt writes a count with the language's grouping.
func formatInt(lang string, n int) string { return formatNumber(lang, float64(n), 0) }

// formatPercent writes a percentage (x in 0–100) with one decimal.
func formatPercent(lang string, x float64) string {
	if i18n.Normalize(lang) == "it" {
		return formatNumber(lang, x, 1) + "\u00a0%" // a space that does not break
	}
	return formatNumber(lang, x, 1) + "%"
}
