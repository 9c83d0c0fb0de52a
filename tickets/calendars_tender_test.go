// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"testing"
	"time"

	"helpdesk/tickets"
)

// The tenders' calendars (tenderCalendars in calendars_test.go):
//
//	default  remote desk  Mon–Fri 07:00–18:30, Sat 07:00–13:30 (11.5 h, 6.5 h)
//	level1   split shift  Mon–Fri 08:00–13:00, 14:00–17:00 (8 h)
//	level1b  split shift  Mon–Fri 09:00–14:00, 15:00–18:00 (8 h)
//	level2   from 09:00   Mon–Fri 09:00–18:00 (the tender gives no end; 18:00 assumed)
//	on_site  on-site team Mon–Fri 08:30–12:30, 13:30–17:30 (8 h, an hour's break)
//	patron   on_site plus the patron saint on 7 December
//
// Every expected value below is worked out by hand in its comment; all
// in Europe/Rome. 2027: 5 March is a Friday, 28 March (also Easter) and
// 31 October the Sundays when summer time starts and ends, 1 November (All Saints) a
// Monday, 2 June (Festa della Repubblica) a Wednesday, 8 December
// (Immacolata) a Wednesday.
func TestTenderCalendars(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2027, m, d, h, min, 0, 0, rome) }
	cals := tenderCalendars(t, tickets.CalendarRules{})
	tests := []struct {
		name     string
		calendar string
		from     time.Time
		add      time.Duration
		want     time.Time
	}{
		// Friday 17:00–17:30 is 0.5 h; Monday 8 h (8.5); Tuesday
		// 08:30–12:30 4 h (12.5); 13:30 + 3.5 h = Tuesday 17:00.
		{"on site 16 h from Friday 17:00", "on_site", at(3, 5, 17, 0), 16 * time.Hour, at(3, 9, 17, 0)},
		// Friday 17:00–18:30 1.5 h; Saturday 07:00–13:30 6.5 h (8);
		// Monday 07:00 + 8 h = 15:00.
		{"remote 16 h from Friday 17:00", "default", at(3, 5, 17, 0), 16 * time.Hour, at(3, 8, 15, 0)},
		// Saturday 09:00–13:30 is 4.5 h; Monday 07:00 + 3.5 h = 10:30.
		{"remote 8 h from Saturday morning", "default", at(3, 6, 9, 0), 8 * time.Hour, at(3, 8, 10, 30)},
		// The on-site team does not work Saturdays: Monday 08:30–12:30 4
		// h, 13:30–17:30 4 h: due exactly at closing, Monday 17:30.
		{"on site 8 h from Saturday morning", "on_site", at(3, 6, 9, 0), 8 * time.Hour, at(3, 8, 17, 30)},
		// 12:30–13:00 is 0.5 h, lunch 13:00–14:00 does not count, 14:00 +
		// 0.5 h = 14:30.
		{"level 1 across lunch", "level1", at(3, 3, 12, 30), time.Hour, at(3, 3, 14, 30)},
		// Opened during lunch (13:15): counting starts at 14:00; + 2 h.
		{"level 1 opened at lunch", "level1", at(3, 3, 13, 15), 2 * time.Hour, at(3, 3, 16, 0)},
		// Second shift pattern: 13:30–14:00 0.5 h, break 14–15, 15:00 +
		// 1.5 h = 16:30.
		{"level 1b across its break", "level1b", at(3, 3, 13, 30), 2 * time.Hour, at(3, 3, 16, 30)},
		// Level 1 at 16:30 + 4 h: 16:30–17:00 0.5 h; next day 08:00–11:30.
		{"level 1 overnight", "level1", at(3, 3, 16, 30), 4 * time.Hour, at(3, 4, 11, 30)},
		// Level 2 opens at 09:00: a ticket of 08:00 + 1 h is due 10:00.
		{"level 2 from 09:00", "level2", at(3, 8, 8, 0), time.Hour, at(3, 8, 10, 0)},
		// Tuesday 1 June 16:00–17:30 is 1.5 h; Wednesday 2 June is the
		// Festa della Repubblica; Thursday 08:30 + 2.5 h = 11:00.
		{"on site over a national holiday", "on_site", at(6, 1, 16, 0), 4 * time.Hour, at(6, 3, 11, 0)},
		// Monday 6 December 17:00–17:30 0.5 h; 7 December the patron
		// saint (local), 8 December Immacolata; Thursday 08:30 + 0.5 h.
		{"local and national holidays in a row", "patron", at(12, 6, 17, 0), time.Hour, at(12, 9, 9, 0)},
		// Without the local holiday the same hour ends Tuesday 7 at 09:00.
		{"no patron saint on on_site", "on_site", at(12, 6, 17, 0), time.Hour, at(12, 7, 9, 0)},
		// Summer time starts Sunday 28 March, which is also Easter 2027:
		// Friday 26 at 17:00 (+01:00) + 1 h on site = 17:00–17:30, Monday
		// 29 is Easter Monday, then Tuesday 30 08:30 + 0.5 h = 09:00
		// (+02:00). The wall clock, not the absolute hours, counts.
		{"on site over the spring change and Easter Monday", "on_site", at(3, 26, 17, 0), time.Hour, at(3, 30, 9, 0)},
		// The week after, no holiday: Friday 2 April 17:00 + 1 h = Monday
		// 5 April 09:00; both in summer time, 63.5 absolute hours later.
		{"on site, ordinary weekend", "on_site", at(4, 2, 17, 0), time.Hour, at(4, 5, 9, 0)},
		// Summer time ends Sunday 31 October: remote Saturday 30 13:00 +
		// 1 h = 13:00–13:30, Sunday closed, Monday 1 November All Saints,
		// Tuesday 2 07:00 + 0.5 h = 07:30 (+01:00).
		{"remote over the autumn change and All Saints", "default", at(10, 30, 13, 0), time.Hour, at(11, 2, 7, 30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cal := mustNamed(t, cals, tc.calendar)
			got := cal.AddWorkingHours(tc.from, tc.add)
			if !got.Equal(tc.want) {
				t.Fatalf("%s + %s on %s = %s, want %s", tc.from.Format(time.RFC3339), tc.add, tc.calendar,
					got.In(rome).Format(time.RFC3339), tc.want.Format(time.RFC3339))
			}
			// And back: the working time between the two is what was added.
			if w := cal.WorkingTime(tc.from, got); w != tc.add {
				t.Fatalf("WorkingTime back = %s, want %s", w, tc.add)
			}
		})
	}
	// Offsets: the spring case ends in summer time, the autumn one in
	// winter time.
	if got := mustNamed(t, cals, "on_site").AddWorkingHours(at(3, 26, 17, 0), time.Hour).Format(time.RFC3339); got != "2027-03-30T09:00:00+02:00" {
		t.Errorf("spring: %s", got)
	}
	if got := mustNamed(t, cals, "default").AddWorkingHours(at(10, 30, 13, 0), time.Hour).Format(time.RFC3339); got != "2027-11-02T07:30:00+01:00" {
		t.Errorf("autumn: %s", got)
	}
}

// TestTenderOpenings: is it open, and when does it open next.
func TestTenderOpenings(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2027, m, d, h, min, 0, 0, rome) }
	cals := tenderCalendars(t, tickets.CalendarRules{})
	tests := []struct {
		name, calendar string
		at             time.Time
		open           bool
		next           time.Time // NextOpening
		closes         time.Time // NextClosing (the instant itself when closed)
	}{
		{"remote Saturday morning", "default", at(3, 6, 9, 0), true, at(3, 6, 9, 0), at(3, 6, 13, 30)},
		{"on site Saturday morning", "on_site", at(3, 6, 9, 0), false, at(3, 8, 8, 30), at(3, 6, 9, 0)},
		{"on site lunch break", "on_site", at(3, 8, 12, 45), false, at(3, 8, 13, 30), at(3, 8, 12, 45)},
		{"level 1 morning shift", "level1", at(3, 8, 12, 59), true, at(3, 8, 12, 59), at(3, 8, 13, 0)},
		{"level 1 at 13:00 sharp", "level1", at(3, 8, 13, 0), false, at(3, 8, 14, 0), at(3, 8, 13, 0)},
		{"level 2 at 08:59", "level2", at(3, 8, 8, 59), false, at(3, 8, 9, 0), at(3, 8, 8, 59)},
		{"level 2 Friday evening", "level2", at(3, 5, 18, 0), false, at(3, 8, 9, 0), at(3, 5, 18, 0)},
		{"national holiday", "level1", at(6, 2, 10, 0), false, at(6, 3, 8, 0), at(6, 2, 10, 0)},
		{"remote Saturday before the autumn change", "default", at(10, 30, 14, 0), false, at(11, 2, 7, 0), at(10, 30, 14, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cal := mustNamed(t, cals, tc.calendar)
			if got := cal.IsOpen(tc.at); got != tc.open {
				t.Errorf("IsOpen = %v, want %v", got, tc.open)
			}
			if got := cal.NextOpening(tc.at); !got.Equal(tc.next) {
				t.Errorf("NextOpening = %s, want %s", got.In(rome), tc.next)
			}
			if got := cal.NextClosing(tc.at); !got.Equal(tc.closes) {
				t.Errorf("NextClosing = %s, want %s", got.In(rome), tc.closes)
			}
		})
	}
}

// TestDSTDaysOnARoundTheClockCalendar: a service open every hour counts
// the real length of the change days: 23 h on 28 March 2027, 25 h on 31
// October; a range 01:00–04:00 on the spring day lasts 2 h (02:00–03:00
// does not exist).
func TestDSTDaysOnARoundTheClockCalendar(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	all := map[string]string{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		all[d] = "00:00-24:00"
	}
	always, err := tickets.NewBusinessCalendar(tickets.CalendarConfig{Hours: all, NoNationalHolidays: true})
	if err != nil {
		t.Fatal(err)
	}
	night, err := tickets.NewBusinessCalendar(tickets.CalendarConfig{Hours: map[string]string{"sun": "01:00-04:00"}, NoNationalHolidays: true})
	if err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d int) (time.Time, time.Time) {
		return time.Date(2027, m, d, 0, 0, 0, 0, rome), time.Date(2027, m, d+1, 0, 0, 0, 0, rome)
	}
	if a, b := day(3, 28); always.WorkingTime(a, b) != 23*time.Hour {
		t.Errorf("spring day: %s, want 23h", always.WorkingTime(a, b))
	}
	if a, b := day(10, 31); always.WorkingTime(a, b) != 25*time.Hour {
		t.Errorf("autumn day: %s, want 25h", always.WorkingTime(a, b))
	}
	if a, b := day(3, 28); night.WorkingTime(a, b) != 2*time.Hour {
		t.Errorf("01:00-04:00 on the spring day: %s, want 2h", night.WorkingTime(a, b))
	}
	if a, b := day(10, 31); night.WorkingTime(a, b) != 4*time.Hour {
		t.Errorf("01:00-04:00 on the autumn day: %s, want 4h (02:00-03:00 twice)", night.WorkingTime(a, b))
	}
	// Round the clock, 24 h from Saturday 27 March 12:00 ends Sunday 13:00
	// on the wall clock (an hour was skipped).
	if got := always.AddWorkingHours(time.Date(2027, 3, 27, 12, 0, 0, 0, rome), 24*time.Hour); !got.Equal(time.Date(2027, 3, 28, 13, 0, 0, 0, rome)) {
		t.Errorf("24 h over the spring change: %s", got)
	}
	// A 24-hour service never closes: NextClosing runs to the search bound.
	if got := always.NextClosing(time.Date(2027, 3, 27, 12, 0, 0, 0, rome)); got.Before(time.Date(2028, 1, 1, 0, 0, 0, 0, rome)) {
		t.Errorf("round the clock closes at %s", got)
	}
}

// TestOnSiteInterventionClock: "on site within 16 working hours" for a P1
// ticket of the on-site team opened Friday 17:00, whose desk clocks run on
// the remote desk: intervention due Tuesday 17:00 (on_site, as above),
// resolution (16 h) on the team's calendar too; first response (1 h) on
// the remote desk because the SLA rule says so: Friday 17:00 + 1 h = 18:00.
func TestOnSiteInterventionClock(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	cals := tenderCalendars(t, tickets.CalendarRules{Teams: map[string]string{"on_site": "on_site"},
		Targets: map[string]map[tickets.Target]string{"all": {tickets.TargetFirstResponse: "default"}}})
	created := time.Date(2027, 3, 5, 17, 0, 0, 0, rome)
	tk := &tickets.Ticket{ID: 1, Priority: tickets.P1, Level: 1, GroupName: "on_site", State: tickets.StateNew, CreatedAt: created}
	p, _ := tickets.PolicyFor(tickets.DefaultPolicies(), tk)
	want := map[tickets.Target]time.Time{
		tickets.TargetIntervention:  time.Date(2027, 3, 9, 17, 0, 0, 0, rome),
		tickets.TargetResolve:       time.Date(2027, 3, 9, 17, 0, 0, 0, rome),
		tickets.TargetFirstResponse: time.Date(2027, 3, 5, 18, 0, 0, 0, rome),
		// Take charge (30 min) on_site: Friday 17:00–17:30, due at closing.
		tickets.TargetTakeCharge: time.Date(2027, 3, 5, 17, 30, 0, 0, rome),
	}
	for _, c := range tickets.ClocksOn(tk, nil, p, cals, created) {
		if c.Due == nil || !c.Due.Equal(want[c.Target]) {
			t.Errorf("%s on %s due %v, want %s", c.Target, c.Calendar, c.Due, want[c.Target])
		}
		delete(want, c.Target)
	}
	if len(want) > 0 {
		t.Errorf("clocks missing: %v", want)
	}
}
