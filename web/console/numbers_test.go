// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"testing"
	"time"
)

func TestFormatNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, lang string
		got        string
		want       string
	}{
		{"zero percent it", "it", formatPercent("it", 0), "0,0\u00a0%"},
		{"zero percent en", "en", formatPercent("en", 0), "0.0%"},
		{"percent it", "it", formatPercent("it", 87.46), "87,5\u00a0%"},
		{"hundred en", "en", formatPercent("en", 100), "100.0%"},
		{"thousands it", "it", formatInt("it", 1234567), "1.234.567"},
		{"thousands en", "en", formatInt("en", 1234567), "1,234,567"},
		{"small", "it", formatInt("it", 12), "12"},
		{"negative decimals it", "it", formatNumber("it", -1234.5, 2), "-1.234,50"},
		{"hours en", "en", formatNumber("en", 3.25, 2), "3.25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// The report's period and date read as the language writes them, Italian
// with its elisions ("dall'1", "l'8", "all'11").
func TestReportDatesInWords(t *testing.T) {
	t.Parallel()
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, rome) }
	for _, tt := range []struct {
		name     string
		lang     string
		from, to time.Time // to excluded
		gen      time.Time
		period   string
		made     string
	}{
		{"a month", "it", day(12, 1), day(12, 1).AddDate(0, 1, 0), time.Date(2027, 1, 8, 9, 5, 0, 0, rome),
			"dall'1 dicembre 2026 al 31 dicembre 2026", "Generato l'8 gennaio 2027 alle 09:05"},
		{"a month", "en", day(12, 1), day(12, 1).AddDate(0, 1, 0), time.Date(2027, 1, 8, 9, 5, 0, 0, rome),
			"from 1 December 2026 to 31 December 2026", "Generated on 8 January 2027 at 09:05"},
		{"custom days", "it", day(3, 2), day(3, 12), time.Date(2026, 3, 11, 17, 0, 0, 0, rome),
			"dal 2 marzo 2026 all'11 marzo 2026", "Generato l'11 marzo 2026 alle 17:00"},
		{"eighth to eighteenth", "it", day(8, 8), day(8, 19), time.Date(2026, 8, 18, 23, 59, 0, 0, rome),
			"dall'8 agosto 2026 al 18 agosto 2026", "Generato il 18 agosto 2026 alle 23:59"},
		{"generated in the desk's zone", "it", day(5, 1), day(5, 2), time.Date(2026, 5, 1, 22, 30, 0, 0, time.UTC),
			"dall'1 maggio 2026 all'1 maggio 2026", "Generato il 2 maggio 2026 alle 00:30"},
	} {
		t.Run(tt.name+"/"+tt.lang, func(t *testing.T) {
			d := &reportData{lang: tt.lang, loc: rome, Period: reportPeriod{From: tt.from, To: tt.to}, Generated: tt.gen}
			if got := d.PeriodText(); got != tt.period {
				t.Errorf("period %q, want %q", got, tt.period)
			}
			if got := d.GeneratedText(); got != tt.made {
				t.Errorf("generated %q, want %q", got, tt.made)
			}
		})
	}
}
