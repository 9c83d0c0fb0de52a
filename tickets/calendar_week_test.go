// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"slices"
	"testing"
	"time"
)

func TestWeekHours(t *testing.T) {
	c, err := NewBusinessCalendar(CalendarConfig{Hours: map[string]string{
		"mon": "08:30-13:00,14:00-17:30", "sat": "09:00-24:00", "sun": "closed"}, NoNationalHolidays: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		wd   time.Weekday
		want []OpeningRange
	}{
		{time.Monday, []OpeningRange{{510, 780}, {840, 1050}}},
		{time.Tuesday, []OpeningRange{}},
		{time.Saturday, []OpeningRange{{540, 1440}}},
		{time.Sunday, []OpeningRange{}},
	} {
		if got := c.WeekHours(tt.wd); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.wd, got, tt.want)
		}
	}
	if c.ClosedOnNationalHolidays() {
		t.Error("no_national_holidays: the holidays must not close the desk")
	}
	if !DefaultBusinessCalendar().ClosedOnNationalHolidays() {
		t.Error("the default desk closes on national holidays")
	}
}
