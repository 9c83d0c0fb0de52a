// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"testing"
	"time"
)

func clockOf(cs []Clock, target Target) Clock {
	for _, c := range cs {
		if c.Target == target {
			return c
		}
	}
	return Clock{}
}

// A P2 ticket opened Friday 26 March 2027 at 19:30, before Easter Monday:
// half an hour counts on Friday, nothing over the weekend and the holiday,
// the rest from Tuesday 08:00.
func TestDueTimesAcrossWeekendAndHoliday(t *testing.T) {
	loc := rome(t)
	cal := DefaultBusinessCalendar()
	created := time.Date(2027, 3, 26, 19, 30, 0, 0, loc)
	tk := &Ticket{Priority: P2, CreatedAt: created, State: StateNew}
	p, _ := PolicyFor(DefaultPolicies(), tk)
	cs := Clocks(tk, nil, p, cal, created)
	tests := []struct {
		target Target
		want   time.Time
	}{
		{TargetTakeCharge, time.Date(2027, 3, 30, 8, 30, 0, 0, loc)},
		{TargetFirstResponse, time.Date(2027, 3, 30, 11, 30, 0, 0, loc)},
		{TargetIntervention, time.Date(2027, 3, 31, 19, 30, 0, 0, loc)},
		{TargetResolve, time.Date(2027, 4, 1, 15, 30, 0, 0, loc)},
	}
	for _, tt := range tests {
		t.Run(string(tt.target), func(t *testing.T) {
			c := clockOf(cs, tt.target)
			if c.Due == nil || !c.Due.Equal(tt.want) {
				t.Fatalf("due = %v, want %v", c.Due, tt.want)
			}
		})
	}
	// Monday (Easter Monday) at noon nothing has elapsed beyond Friday's half hour.
	c := clockOf(Clocks(tk, nil, p, cal, time.Date(2027, 3, 29, 12, 0, 0, 0, loc)), TargetTakeCharge)
	if c.Elapsed != 30*time.Minute || c.Breached {
		t.Fatalf("on the holiday: %v", c)
	}
	// Tuesday 09:00 with nobody having taken it: breached.
	c = clockOf(Clocks(tk, nil, p, cal, time.Date(2027, 3, 30, 9, 0, 0, 0, loc)), TargetTakeCharge)
	if !c.Breached || c.Elapsed != 90*time.Minute {
		t.Fatalf("Tuesday 09:00: %v", c)
	}
}

func TestPauseWhileWaitingForTheRequester(t *testing.T) {
	loc := rome(t)
	cal := DefaultBusinessCalendar()
	created := time.Date(2026, 11, 24, 9, 0, 0, 0, loc) // Tuesday
	tk := &Ticket{Priority: P3, CreatedAt: created}
	p, _ := PolicyFor(DefaultPolicies(), tk)
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, loc) }
	events := []Event{
		{Kind: EventState, OldValue: "new", NewValue: "open", At: at(24, 9)},
		{Kind: EventState, OldValue: "open", NewValue: "waiting_requester", At: at(24, 10)},
	}
	// Paused: the resolve clock stops, shows no due time.
	c := clockOf(Clocks(tk, events, p, cal, at(24, 15)), TargetResolve)
	if !c.PausedNow || c.Running || c.Due != nil || c.Elapsed != time.Hour {
		t.Fatalf("while paused: %+v", c)
	}
	// Resumed Wednesday 09:00; at 10:00: 1 h on Tuesday + 1 h on Wednesday.
	events = append(events, Event{Kind: EventState, OldValue: "waiting_requester", NewValue: "open", At: at(25, 9)})
	c = clockOf(Clocks(tk, events, p, cal, at(25, 10)), TargetResolve)
	if c.Elapsed != 2*time.Hour || c.Paused != 11*time.Hour || !c.Running {
		t.Fatalf("after resuming: %+v", c)
	}
	want := cal.AddWorkingHours(at(25, 10), 58*time.Hour)
	if c.Due == nil || !c.Due.Equal(want) {
		t.Fatalf("due %v, want %v", c.Due, want)
	}
	// Take charge was met at 09:00 (state open), first response still running.
	if tc := clockOf(Clocks(tk, events, p, cal, at(25, 10)), TargetTakeCharge); tc.Met == nil || tc.Breached {
		t.Fatalf("take charge: %+v", tc)
	}
}

func TestFirstResponseCountsOnlyTheDesk(t *testing.T) {
	loc := rome(t)
	cal := DefaultBusinessCalendar()
	created := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	tk := &Ticket{Priority: P1, CreatedAt: created}
	p, _ := PolicyFor(DefaultPolicies(), tk)
	events := []Event{
		{Kind: EventComment, Actor: "requester:7", At: created.Add(10 * time.Minute)},
		{Kind: EventComment, Actor: "agent:3", At: created.Add(50 * time.Minute)},
	}
	c := clockOf(Clocks(tk, events, p, cal, created.Add(3*time.Hour)), TargetFirstResponse)
	if c.Met == nil || !c.Met.Equal(created.Add(50*time.Minute)) || c.Breached {
		t.Fatalf("first response: %+v", c)
	}
	if !c.Warned {
		t.Fatal("50 of 60 minutes is past the 75 % warning share")
	}
}

func TestPolicyForPrefersTheMostSpecific(t *testing.T) {
	ps := append(DefaultPolicies(), Policy{Priority: P3, Product: "Ricetta elettronica", Targets: map[Target]int64{TargetResolve: 8 * 60}})
	p, ok := PolicyFor(ps, &Ticket{Priority: P3, Product: "Ricetta elettronica"})
	if !ok || p.Target(TargetResolve) != 8*time.Hour {
		t.Fatalf("policy = %+v", p)
	}
	p, _ = PolicyFor(ps, &Ticket{Priority: P3, Product: "Posta"})
	if p.Target(TargetResolve) != 60*time.Hour {
		t.Fatalf("generic policy = %+v", p)
	}
}
