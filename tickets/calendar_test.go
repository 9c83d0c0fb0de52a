// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"errors"
	"testing"
	"time"
)

func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// milan is the default desk plus Sant'Ambrogio (7 December) and a summer
// closure.
func milan(t *testing.T) *BusinessCalendar {
	t.Helper()
	c, err := NewBusinessCalendar(CalendarConfig{
		LocalHolidays: []string{"12-07", "2027-06-24"},
		Closures:      []Closure{{From: "2026-08-10", To: "2026-08-21", Reason: "chiusura estiva"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCalendarClosedDays(t *testing.T) {
	loc := rome(t)
	c := milan(t)
	tests := []struct {
		name   string
		day    time.Time
		closed bool
	}{
		{"Easter Monday 2027", at(loc, 2027, time.March, 29, 10, 0), true},
		{"Tuesday after Easter 2027", at(loc, 2027, time.March, 30, 10, 0), false},
		{"25 April 2028 (Tuesday)", at(loc, 2028, time.April, 25, 10, 0), true},
		{"1 May 2029 (Tuesday)", at(loc, 2029, time.May, 1, 10, 0), true},
		{"2 June 2026 (Tuesday)", at(loc, 2026, time.June, 2, 10, 0), true},
		{"15 August 2028 (Tuesday)", at(loc, 2028, time.August, 15, 10, 0), true},
		{"8 December 2026 (Tuesday)", at(loc, 2026, time.December, 8, 10, 0), true},
		{"26 December 2029 (Wednesday)", at(loc, 2029, time.December, 26, 10, 0), true},
		{"6 January 2027 (Wednesday)", at(loc, 2027, time.January, 6, 10, 0), true},
		{"St Francis 4 October 2027 (Monday)", at(loc, 2027, time.October, 4, 10, 0), true},
		{"4 October 2024 was a working Friday", at(loc, 2024, time.October, 4, 10, 0), false},
		{"patron day 7 December 2026 (Monday)", at(loc, 2026, time.December, 7, 10, 0), true},
		{"one-off local holiday 2027-06-24", at(loc, 2027, time.June, 24, 10, 0), true},
		{"24 June 2026 is not the one-off", at(loc, 2026, time.June, 24, 10, 0), false},
		{"closure first day", at(loc, 2026, time.August, 10, 10, 0), true},
		{"closure last day", at(loc, 2026, time.August, 21, 10, 0), true},
		{"day after closure", at(loc, 2026, time.August, 24, 10, 0), false},
		{"ordinary Wednesday", at(loc, 2026, time.November, 25, 10, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if wd := tt.day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("test date %s falls on %s: pick a weekday", tt.day.Format(time.DateOnly), wd)
			}
			reason, closed := c.ClosedDay(tt.day)
			if closed != tt.closed {
				t.Fatalf("ClosedDay(%s) = %q, %v; want closed %v", tt.day.Format(time.DateOnly), reason, closed, tt.closed)
			}
			if got := c.IsOpen(tt.day); got == tt.closed {
				t.Errorf("IsOpen(%s) = %v, want %v", tt.day, got, !tt.closed)
			}
		})
	}
}

func TestCalendarIsOpenHours(t *testing.T) {
	loc := rome(t)
	c := DefaultBusinessCalendar()
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"Monday 07:59", at(loc, 2026, time.November, 23, 7, 59), false},
		{"Monday 08:00", at(loc, 2026, time.November, 23, 8, 0), true},
		{"Monday 19:59:59", at(loc, 2026, time.November, 23, 19, 59).Add(59 * time.Second), true},
		{"Monday 20:00", at(loc, 2026, time.November, 23, 20, 0), false},
		{"Saturday noon", at(loc, 2026, time.November, 28, 12, 0), false},
		{"Sunday noon", at(loc, 2026, time.November, 29, 12, 0), false},
		{"Monday 09:00 Rome given in UTC", time.Date(2026, time.November, 23, 8, 0, 0, 0, time.UTC), true},
		{"Monday 07:30 Rome given in UTC", time.Date(2026, time.November, 23, 6, 30, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsOpen(tt.t); got != tt.want {
				t.Errorf("IsOpen(%s) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestCalendarNextOpening(t *testing.T) {
	loc := rome(t)
	c := milan(t)
	tests := []struct {
		name string
		t    time.Time
		want time.Time
	}{
		{"open: itself", at(loc, 2026, time.November, 25, 10, 15), at(loc, 2026, time.November, 25, 10, 15)},
		{"before opening", at(loc, 2026, time.November, 25, 6, 0), at(loc, 2026, time.November, 25, 8, 0)},
		{"Friday at closing", at(loc, 2026, time.November, 27, 20, 0), at(loc, 2026, time.November, 30, 8, 0)},
		{"Saturday", at(loc, 2026, time.November, 28, 11, 0), at(loc, 2026, time.November, 30, 8, 0)},
		{"Christmas Eve night skips 25, 26, 27", at(loc, 2026, time.December, 24, 21, 0), at(loc, 2026, time.December, 28, 8, 0)},
		{"Easter Sunday 2027 skips Easter Monday", at(loc, 2027, time.March, 28, 9, 0), at(loc, 2027, time.March, 30, 8, 0)},
		{"Friday before patron day and Immacolata", at(loc, 2026, time.December, 4, 20, 30), at(loc, 2026, time.December, 9, 8, 0)},
		{"inside the summer closure", at(loc, 2026, time.August, 12, 9, 0), at(loc, 2026, time.August, 24, 8, 0)},
		{"Saturday of spring DST change", at(loc, 2026, time.March, 28, 12, 0), at(loc, 2026, time.March, 30, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.NextOpening(tt.t); !got.Equal(tt.want) {
				t.Errorf("NextOpening(%s) = %s, want %s", tt.t, got, tt.want)
			}
		})
	}
}

func TestCalendarAddWorkingHours(t *testing.T) {
	loc := rome(t)
	c := milan(t)
	tests := []struct {
		name string
		t    time.Time
		d    time.Duration
		want time.Time
	}{
		{"Friday 19:30 + 2h is Monday 09:30", at(loc, 2026, time.November, 27, 19, 30), 2 * time.Hour, at(loc, 2026, time.November, 30, 9, 30)},
		{"Friday 19:30 + 2h before Easter Monday is Tuesday", at(loc, 2027, time.March, 26, 19, 30), 2 * time.Hour, at(loc, 2027, time.March, 30, 9, 30)},
		{"Friday 19:30 + 2h before patron day and 8 Dec is Wednesday", at(loc, 2026, time.December, 4, 19, 30), 2 * time.Hour, at(loc, 2026, time.December, 9, 9, 30)},
		{"within the day", at(loc, 2026, time.November, 25, 9, 0), 3 * time.Hour, at(loc, 2026, time.November, 25, 12, 0)},
		{"ending exactly at closing stays there", at(loc, 2026, time.November, 27, 18, 0), 2 * time.Hour, at(loc, 2026, time.November, 27, 20, 0)},
		{"from the night counts from opening", at(loc, 2026, time.November, 25, 2, 0), time.Hour, at(loc, 2026, time.November, 25, 9, 0)},
		{"16 working hours from Monday 10:00", at(loc, 2026, time.November, 23, 10, 0), 16 * time.Hour, at(loc, 2026, time.November, 24, 14, 0)},
		{"zero duration", at(loc, 2026, time.November, 28, 3, 0), 0, at(loc, 2026, time.November, 28, 3, 0)},
		{"spring DST weekend: Friday 19:00 + 3h", at(loc, 2026, time.March, 27, 19, 0), 3 * time.Hour, at(loc, 2026, time.March, 30, 10, 0)},
		{"autumn DST weekend: Friday 19:00 + 3h", at(loc, 2026, time.October, 23, 19, 0), 3 * time.Hour, at(loc, 2026, time.October, 26, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingHours(tt.t, tt.d)
			if !got.Equal(tt.want) {
				t.Fatalf("AddWorkingHours(%s, %s) = %s, want %s", tt.t, tt.d, got, tt.want)
			}
			if tt.d > 0 {
				if back := c.WorkingTime(tt.t, got); back != tt.d {
					t.Errorf("WorkingTime back = %s, want %s", back, tt.d)
				}
			}
		})
	}
}

func TestCalendarWorkingTime(t *testing.T) {
	loc := rome(t)
	c := milan(t)
	always, err := NewBusinessCalendar(CalendarConfig{
		Hours:              map[string]string{"mon": "00:00-24:00", "tue": "00:00-24:00", "wed": "00:00-24:00", "thu": "00:00-24:00", "fri": "00:00-24:00", "sat": "00:00-24:00", "sun": "00:00-24:00"},
		NoNationalHolidays: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cal  *BusinessCalendar
		a, b time.Time
		want time.Duration
	}{
		{"one full week", c, at(loc, 2026, time.November, 23, 0, 0), at(loc, 2026, time.November, 30, 0, 0), 60 * time.Hour},
		{"reversed is zero", c, at(loc, 2026, time.November, 24, 0, 0), at(loc, 2026, time.November, 23, 0, 0), 0},
		{"weekend only", c, at(loc, 2026, time.November, 27, 20, 0), at(loc, 2026, time.November, 30, 8, 0), 0},
		{"over a spring DST weekend", c, at(loc, 2026, time.March, 27, 19, 0), at(loc, 2026, time.March, 30, 9, 0), 2 * time.Hour},
		{"24/7 desk: spring Saturday-Sunday has 47 hours", always, at(loc, 2026, time.March, 28, 0, 0), at(loc, 2026, time.March, 30, 0, 0), 47 * time.Hour},
		{"24/7 desk: autumn Saturday-Sunday has 49 hours", always, at(loc, 2026, time.October, 24, 0, 0), at(loc, 2026, time.October, 26, 0, 0), 49 * time.Hour},
		{"Easter week 2027 loses Monday", c, at(loc, 2027, time.March, 29, 0, 0), at(loc, 2027, time.April, 5, 0, 0), 48 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.WorkingTime(tt.a, tt.b); got != tt.want {
				t.Errorf("WorkingTime(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestCalendarSplitHours(t *testing.T) {
	loc := rome(t)
	c, err := NewBusinessCalendar(CalendarConfig{Hours: map[string]string{"monday": "08:30-13:00, 14:00-17:30", "Sat": "09:00-12:00", "sun": "closed"}})
	if err != nil {
		t.Fatal(err)
	}
	mon := at(loc, 2026, time.November, 23, 0, 0)
	if c.IsOpen(mon.Add(13*time.Hour + 30*time.Minute)) {
		t.Error("open during the lunch break")
	}
	if got, want := c.AddWorkingHours(mon.Add(12*time.Hour), 2*time.Hour), mon.Add(15*time.Hour); !got.Equal(want) {
		t.Errorf("AddWorkingHours across lunch = %s, want %s", got, want)
	}
	// Monday 17:00 + 1h: 30 minutes on Monday, 30 on Saturday.
	if got, want := c.AddWorkingHours(mon.Add(17*time.Hour), time.Hour), at(loc, 2026, time.November, 28, 9, 30); !got.Equal(want) {
		t.Errorf("AddWorkingHours to Saturday = %s, want %s", got, want)
	}
}

func TestNewBusinessCalendarErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  CalendarConfig
	}{
		{"unknown zone", CalendarConfig{Timezone: "Mars/Olympus"}},
		{"unknown weekday", CalendarConfig{Hours: map[string]string{"lun": "08:00-20:00"}}},
		{"bad range", CalendarConfig{Hours: map[string]string{"mon": "8-20"}}},
		{"end before start", CalendarConfig{Hours: map[string]string{"mon": "20:00-08:00"}}},
		{"overlapping ranges", CalendarConfig{Hours: map[string]string{"mon": "08:00-13:00,12:00-14:00"}}},
		{"never open", CalendarConfig{Hours: map[string]string{"mon": "closed"}}},
		{"bad local holiday", CalendarConfig{LocalHolidays: []string{"7 dicembre"}}},
		{"bad closure", CalendarConfig{Closures: []Closure{{From: "2026-08-10", To: "2026-08-01"}}}},
		{"closure without dates", CalendarConfig{Closures: []Closure{{Reason: "x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewBusinessCalendar(tt.cfg); !errors.Is(err, ErrCalendar) {
				t.Errorf("err = %v, want ErrCalendar", err)
			}
		})
	}
}

func TestItalianHolidaysListIsComplete(t *testing.T) {
	// The list in law 260/1949 as amended by law 151/2025, for a year after 2026.
	want := map[string]bool{"01-01": true, "01-06": true, "04-25": true, "05-01": true, "06-02": true,
		"08-15": true, "10-04": true, "11-01": true, "12-08": true, "12-25": true, "12-26": true, "04-02": true /* Easter Monday 2029 */}
	got := map[string]bool{}
	for _, h := range ItalianHolidays() {
		a, _ := h.Calc(2029)
		if !a.IsZero() {
			got[a.Format("01-02")] = true
		}
	}
	for d := range want {
		if !got[d] {
			t.Errorf("missing national holiday %s", d)
		}
	}
	for d := range got {
		if !want[d] {
			t.Errorf("unexpected national holiday %s", d)
		}
	}
}

// FuzzNewBusinessCalendar feeds configuration strings (outside input) to
// the constructor and, when they are accepted, checks that adding working
// time and measuring it back agree.
func FuzzNewBusinessCalendar(f *testing.F) {
	f.Add("08:00-20:00", "08:30-13:00,14:00-17:30", "12-07", "2026-08-10", "2026-08-21", int64(1790000000), int64(7200))
	f.Add("00:00-24:00", "closed", "02-29", "", "", int64(1774742400), int64(90000))
	f.Add("9:5-10:7", "x", "13-40", "2026-01-01", "2025-01-01", int64(0), int64(-5))
	f.Fuzz(func(t *testing.T, weekday, saturday, local, from, to string, unix, secs int64) {
		c, err := NewBusinessCalendar(CalendarConfig{
			Hours:         map[string]string{"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday, "sat": saturday},
			LocalHolidays: []string{local},
			Closures:      []Closure{{From: from, To: to}},
		})
		if err != nil {
			if !errors.Is(err, ErrCalendar) {
				t.Fatalf("error %v does not wrap ErrCalendar", err)
			}
			return
		}
		start := time.Unix(unix%(4e9), 0) // 1843 to 2096
		d := time.Duration(secs%(400*3600)) * time.Second
		end := c.AddWorkingHours(start, d)
		if d <= 0 {
			if !end.Equal(start) {
				t.Fatalf("AddWorkingHours(%s, %s) = %s, want start", start, d, end)
			}
			return
		}
		if end.IsZero() {
			return // closed for years: a closure range in the fuzz input
		}
		if got := c.WorkingTime(start, end); got != d {
			t.Fatalf("WorkingTime(%s, %s) = %s, want %s", start, end, got, d)
		}
		if !c.IsOpen(end.Add(-time.Nanosecond)) {
			t.Fatalf("the instant before the due time %s is closed", end)
		}
		if n := c.NextOpening(start); n.Before(start) || (!n.IsZero() && !c.IsOpen(n)) {
			t.Fatalf("NextOpening(%s) = %s", start, n)
		}
	})
}
