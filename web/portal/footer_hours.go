// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"helpdesk/tickets"
)

// weekOrder is the week as an Italian (and European) timetable prints it.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// shortDays are the weekdays' abbreviations in each language.
var shortDays = map[string]map[time.Weekday]string{
	"it": {time.Monday: "lun", time.Tuesday: "mar", time.Wednesday: "mer", time.Thursday: "gio", time.Friday: "ven", time.Saturday: "sab", time.Sunday: "dom"},
	"en": {time.Monday: "Mon", time.Tuesday: "Tue", time.Wednesday: "Wed", time.Thursday: "Thu", time.Friday: "Fri", time.Saturday: "Sat", time.Sunday: "Sun"},
}

// deskHours is the footer's sentence on when the desk answers, written
// from the business calendar itself (hours, national holidays, zone), so
// a desk that configures other hours never shows the default ones:
// "Servizio di assistenza: lun–ven 8:00–20:00, esclusi i festivi (ora di
// Europe/Rome)." Consecutive days with the same hours share one entry.
func deskHours(cal *tickets.BusinessCalendar, lang string) string {
	type run struct {
		from, to int // indexes in weekOrder
		hours    []tickets.OpeningRange
	}
	var runs []run
	for i, wd := range weekOrder {
		h := cal.WeekHours(wd)
		if len(h) == 0 {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].to == i-1 && slices.Equal(runs[n-1].hours, h) {
			runs[n-1].to = i
			continue
		}
		runs = append(runs, run{from: i, to: i, hours: h})
	}
	days := shortDays[lang]
	if days == nil {
		lang, days = "it", shortDays["it"]
	}
	parts := make([]string, len(runs))
	for i, r := range runs {
		span := days[weekOrder[r.from]]
		if r.to != r.from {
			span += "–" + days[weekOrder[r.to]]
		}
		clocks := make([]string, len(r.hours))
		for j, o := range r.hours {
			clocks[j] = wallClock(o.From) + "–" + wallClock(o.To)
		}
		parts[i] = span + " " + strings.Join(clocks, Text.T(lang, "footer.hours.and"))
	}
	key := "footer.hours"
	if !cal.ClosedOnNationalHolidays() {
		key = "footer.hours.holidays_open"
	}
	return Text.T(lang, key, strings.Join(parts, "; "), cal.Location().String())
}

// wallClock writes minutes since midnight as "8:00", "13:30", "24:00".
func wallClock(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }
