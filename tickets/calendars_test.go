// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// tenderCalendars are the calendars of the tenders issue 23 quotes: the
// remote desk (default), level 1 on split shifts, level 2 from 09:00, and
// the on-site team with an hour's lunch break.
func tenderCalendars(t *testing.T, rules tickets.CalendarRules) *tickets.Calendars {
	t.Helper()
	weekdays := func(spec string) map[string]string {
		return map[string]string{"mon": spec, "tue": spec, "wed": spec, "thu": spec, "fri": spec}
	}
	remote := weekdays("07:00-18:30")
	remote["sat"] = "07:00-13:30"
	level1 := weekdays("08:00-13:00,14:00-17:00")
	level1b := weekdays("09:00-14:00,15:00-18:00")
	cals, err := tickets.NewCalendars(map[string]tickets.CalendarConfig{
		"default":  {Hours: remote},
		"level1":   {Hours: level1},
		"level1b":  {Hours: level1b},
		"level2":   {Hours: weekdays("09:00-18:00")},
		"on_site":  {Hours: weekdays("08:30-12:30,13:30-17:30")},
		"patron":   {Hours: weekdays("08:30-12:30,13:30-17:30"), LocalHolidays: []string{"12-07"}},
		"weekdays": {Hours: weekdays("08:00-20:00")},
	}, rules)
	if err != nil {
		t.Fatal(err)
	}
	return cals
}

func TestCalendarRulesPickMostSpecific(t *testing.T) {
	cals := tenderCalendars(t, tickets.CalendarRules{Level1: "level1", Level2: "level2",
		Teams: map[string]string{"on_site": "on_site"},
		Targets: map[string]map[tickets.Target]string{
			"all": {tickets.TargetIntervention: "on_site"},
			"P1":  {tickets.TargetIntervention: "weekdays", tickets.TargetFirstResponse: "default"},
		}})
	tests := []struct {
		name   string
		tk     tickets.Ticket
		target tickets.Target
		want   string
	}{
		{"level 1 queue", tickets.Ticket{Level: 1, Priority: tickets.P3}, tickets.TargetTakeCharge, "level1"},
		{"level 0 is level 1", tickets.Ticket{Priority: tickets.P3}, tickets.TargetResolve, "level1"},
		{"level 2 queue", tickets.Ticket{Level: 2, Priority: tickets.P3}, tickets.TargetResolve, "level2"},
		{"team beats level", tickets.Ticket{Level: 2, Priority: tickets.P3, GroupName: "on_site"}, tickets.TargetResolve, "on_site"},
		{"unknown team: level", tickets.Ticket{Level: 2, Priority: tickets.P3, GroupName: "network"}, tickets.TargetResolve, "level2"},
		{"target for all priorities", tickets.Ticket{Level: 1, Priority: tickets.P2}, tickets.TargetIntervention, "on_site"},
		{"priority's target beats all", tickets.Ticket{Level: 1, Priority: tickets.P1}, tickets.TargetIntervention, "weekdays"},
		{"target beats team", tickets.Ticket{Level: 1, Priority: tickets.P1, GroupName: "on_site"}, tickets.TargetFirstResponse, "default"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cals.NameFor(&tc.tk, tc.target); got != tc.want {
				t.Fatalf("NameFor = %s, want %s", got, tc.want)
			}
			want, _ := cals.Named(tc.want)
			if cals.For(&tc.tk, tc.target) != want {
				t.Fatal("For returned another calendar than NameFor names")
			}
		})
	}
	if cals.Level(2) != mustNamed(t, cals, "level2") || cals.Level(1) != mustNamed(t, cals, "level1") {
		t.Fatal("Level does not give the queues' calendars")
	}
}

func mustNamed(t *testing.T, cals *tickets.Calendars, name string) *tickets.BusinessCalendar {
	t.Helper()
	c, ok := cals.Named(name)
	if !ok {
		t.Fatalf("no calendar %s", name)
	}
	return c
}

func TestNewCalendarsRefusesUnknownNames(t *testing.T) {
	named := map[string]tickets.CalendarConfig{"default": {}, "on_site": {Hours: map[string]string{"mon": "08:30-17:30"}}}
	for name, rules := range map[string]tickets.CalendarRules{
		"level 1": {Level1: "onsite"},
		"level 2": {Level2: "nope"},
		"team":    {Teams: map[string]string{"on_site": "on-site"}},
		"target":  {Targets: map[string]map[tickets.Target]string{"P1": {tickets.TargetIntervention: "x"}}},
	} {
		if _, err := tickets.NewCalendars(named, rules); !errors.Is(err, tickets.ErrCalendar) {
			t.Errorf("%s: err = %v, want ErrCalendar", name, err)
		}
	}
	if _, err := tickets.NewCalendars(map[string]tickets.CalendarConfig{"x": {}}, tickets.CalendarRules{}); !errors.Is(err, tickets.ErrCalendar) {
		t.Errorf("no default calendar accepted: %v", err)
	}
	if _, err := tickets.NewCalendars(map[string]tickets.CalendarConfig{"default": {}, "bad": {Hours: map[string]string{"mon": "9-5"}}}, tickets.CalendarRules{}); !errors.Is(err, tickets.ErrCalendar) {
		t.Errorf("bad hours accepted: %v", err)
	}
}

// TestClocksRunOnTheTargetsCalendar: one P1 ticket opened Friday 16:00 at
// level 1; its intervention (16 h) is counted on the on-site calendar,
// its take charge (30 min) on the split-shift level 1 calendar.
func TestClocksRunOnTheTargetsCalendar(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Rome")
	cals := tenderCalendars(t, tickets.CalendarRules{Level1: "level1",
		Targets: map[string]map[tickets.Target]string{"all": {tickets.TargetIntervention: "on_site"}}})
	created := time.Date(2027, 3, 5, 16, 0, 0, 0, loc) // Friday
	tk := &tickets.Ticket{ID: 1, Priority: tickets.P1, Level: 1, State: tickets.StateNew, CreatedAt: created}
	p, _ := tickets.PolicyFor(tickets.DefaultPolicies(), tk)
	clocks := tickets.ClocksOn(tk, nil, p, cals, created)
	got := map[tickets.Target]tickets.Clock{}
	for _, c := range clocks {
		got[c.Target] = c
	}
	// Take charge, level1 (08–13, 14–17): 16:00 + 30 min = Friday 16:30.
	if c := got[tickets.TargetTakeCharge]; c.Calendar != "level1" || !c.Due.Equal(time.Date(2027, 3, 5, 16, 30, 0, 0, loc)) {
		t.Errorf("take charge: %s due %v, want level1 Fri 16:30", c.Calendar, c.Due)
	}
	// Intervention, on_site (08:30–12:30, 13:30–17:30, 8 h a day): Friday
	// 16:00–17:30 is 1.5 h; Monday 8 h (9.5); Tuesday 08:30–12:30 4 h
	// (13.5), 13:30 + 2.5 h = Tuesday 16:00.
	if c := got[tickets.TargetIntervention]; c.Calendar != "on_site" || !c.Due.Equal(time.Date(2027, 3, 9, 16, 0, 0, 0, loc)) {
		t.Errorf("intervention: %s due %v, want on_site Tue 16:00", c.Calendar, c.Due)
	}
	// Resolve (16 h) on level1 (8 h a day): Friday 16–17 is 1 h; Monday 8
	// h (9); Tuesday 08–13 5 h (14), 14:00 + 2 h = Tuesday 16:00 as well.
	if c := got[tickets.TargetResolve]; c.Calendar != "level1" || !c.Due.Equal(time.Date(2027, 3, 9, 16, 0, 0, 0, loc)) {
		t.Errorf("resolve: %s due %v, want level1 Tue 16:00", c.Calendar, c.Due)
	}
	// Monday 10:00: the on-site clock has counted Friday 1.5 h + Monday
	// 08:30–10:00 1.5 h = 3 h.
	mon := time.Date(2027, 3, 8, 10, 0, 0, 0, loc)
	for _, c := range tickets.ClocksOn(tk, nil, p, cals, mon) {
		if c.Target == tickets.TargetIntervention && c.Elapsed != 3*time.Hour {
			t.Errorf("intervention elapsed Monday 10:00 = %s, want 3h", c.Elapsed)
		}
		if c.Target == tickets.TargetTakeCharge && c.Elapsed != 3*time.Hour {
			// level1: Friday 16–17 1 h + Monday 08–10 2 h.
			t.Errorf("take charge elapsed Monday 10:00 = %s, want 3h", c.Elapsed)
		}
	}
}

// TestScanDefersOnTheClocksOwnCalendar: Friday 18:00 the remote desk
// (default, until 18:30) is open and the on-site team's calendar (until
// 17:30) closed. Two P3 tickets opened Friday 13:30, both past their
// take-charge target (4 h): the desk's is acted on at once, the on-site
// team's waits for its own calendar to open on Monday.
func TestScanDefersOnTheClocksOwnCalendar(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Date(2027, 3, 5, 13, 30, 0, 0, rome) // Friday 13:30
	s, err := tickets.NewStore(tickets.Options{Now: func() time.Time { return now }, Location: rome})
	if err != nil {
		t.Fatal(err)
	}
	cals := tenderCalendars(t, tickets.CalendarRules{Teams: map[string]string{"on_site": "on_site"}})
	team, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "stampante in reparto", GroupName: "on_site"})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "password scaduta"})
	if err != nil {
		t.Fatal(err)
	}
	if team.Priority != tickets.P3 || desk.Priority != tickets.P3 {
		t.Fatalf("priorities %s %s, want P3", team.Priority, desk.Priority)
	}
	kinds := func(id int64) []string {
		var out []string
		if err := pool.Select(&out, `SELECT target || '/' || kind FROM sla_events WHERE ticket_id = $1 ORDER BY id`, id); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Friday 18:00. On site: 13:30–17:30 = 4 h, at the target (warned,
	// not yet beyond it). Desk: 13:30–18:00 = 4.5 h, breached.
	now = time.Date(2027, 3, 5, 18, 0, 0, 0, rome)
	res, err := s.ScanSLAOn(ctx, pool, cals, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(team.ID); len(got) != 0 || res.Deferred == 0 {
		t.Fatalf("on-site ticket acted on while its calendar is closed: %v (scan %+v)", got, res)
	}
	if got := kinds(desk.ID); len(got) != 1 || got[0] != "take_charge/breach" {
		t.Fatalf("desk ticket: %v, want a take_charge breach (scan %+v)", got, res)
	}
	// Monday 08:45: on site 4 h + 15 min, breached, and its calendar open.
	now = time.Date(2027, 3, 8, 8, 45, 0, 0, rome)
	if _, err := s.ScanSLAOn(ctx, pool, cals, now); err != nil {
		t.Fatal(err)
	}
	if got := kinds(team.ID); len(got) != 1 || got[0] != "take_charge/breach" {
		t.Fatalf("on-site ticket Monday: %v, want a take_charge breach", got)
	}
}
