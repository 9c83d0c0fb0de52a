// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"strconv"
	"strings"
	"time"

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

// monthsIT are the months as Italian writes them in a date.
var monthsIT = [...]string{"", "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
	"settembre", "ottobre", "novembre", "dicembre"}

// longDate writes a day as the page's language does: "1 dicembre 2026",
// "1 December 2026" (t's own zone: give it in the desk's).
func longDate(lang string, t time.Time) string {
	if i18n.Normalize(lang) == "en" {
		return t.Format("2 January 2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsIT[t.Month()] + " " + strconv.Itoa(t.Year())
}

// italianElision joins an article or preposition to a day said with a
// vowel sound: "l'1", "dall'8", "all'11" (Italian writes "dal 1" as
// "dall'1").
var italianElision = strings.NewReplacer(
	"il 1 ", "l'1 ", "il 8 ", "l'8 ", "il 11 ", "l'11 ",
	"dal 1 ", "dall'1 ", "dal 8 ", "dall'8 ", "dal 11 ", "dall'11 ",
	" al 1 ", " all'1 ", " al 8 ", " all'8 ", " al 11 ", " all'11 ")

// elide applies Italian elision to a sentence built with longDate.
func elide(lang, s string) string {
	if i18n.Normalize(lang) == "en" {
		return s
	}
	return italianElision.Replace(s)
}
