// SPDX-License-Identifier: EUPL-1.2

package tickets

import "time"

// OpeningRange is one opening of a weekday, in minutes since midnight in
// the calendar's zone; To may be 1440 (24:00).
type OpeningRange struct{ From, To int }

// WeekHours returns the usual openings of a weekday, in order (none: the
// desk is closed that day of the week). Holidays and closures are not in
// it: it is the timetable a page prints, not an answer to "is it open".
func (c *BusinessCalendar) WeekHours(wd time.Weekday) []OpeningRange {
	out := make([]OpeningRange, len(c.hours[wd]))
	for i, r := range c.hours[wd] {
		out[i] = OpeningRange{From: r.from, To: r.to}
	}
	return out
}

// ClosedOnNationalHolidays says whether the national holidays close the
// desk (false for a 24/7 service configured with no_national_holidays).
func (c *BusinessCalendar) ClosedOnNationalHolidays() bool { return len(c.national) > 0 }
