// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// TestCalendarChangeRecordedOnOpenTickets: the first start stores the
// digests; the same configuration again changes nothing; changed on_site
// hours put one event on the open on-site ticket only (not on the level-1
// ticket, nor on the resolved one), once, even when two instances start
// together.
func TestCalendarChangeRecordedOnOpenTickets(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Rome")
	now := time.Date(2027, 3, 8, 10, 0, 0, 0, loc)
	s, err := tickets.NewStore(tickets.Options{Now: func() time.Time { return now }, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	open := func(group string) *tickets.Ticket {
		tk, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "stampante " + group, GroupName: group})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	onSite, desk, done := open("on_site"), open(""), open("on_site")
	if _, err := s.Resolve(ctx, pool, done.ID, "agent:1", "solved", ""); err != nil {
		t.Fatal(err)
	}
	rules := tickets.CalendarRules{Teams: map[string]string{"on_site": "on_site"}}
	mk := func(onSiteHours string) *tickets.Calendars {
		cals, err := tickets.NewCalendars(map[string]tickets.CalendarConfig{"default": {},
			"on_site": {Hours: map[string]string{"mon": onSiteHours, "tue": onSiteHours}}}, rules)
		if err != nil {
			t.Fatal(err)
		}
		return cals
	}
	first, err := s.RecordCalendarChanges(ctx, pool, mk("08:30-12:30,13:30-17:30"), now)
	if err != nil || len(first.Changed) != 0 || first.Tickets != 0 {
		t.Fatalf("first start: %+v, %v; want nothing changed", first, err)
	}
	again, err := s.RecordCalendarChanges(ctx, pool, mk("08:30-12:30,13:30-17:30"), now)
	if err != nil || len(again.Changed) != 0 {
		t.Fatalf("same hours: %+v, %v; want nothing changed", again, err)
	}
	changed := mk("08:00-12:00,13:00-17:00")
	results := make(chan tickets.CalendarChange, 2)
	for range 2 {
		go func() {
			r, err := s.RecordCalendarChanges(ctx, pool, changed, now)
			if err != nil {
				t.Error(err)
			}
			results <- r
		}()
	}
	r1, r2 := <-results, <-results
	if r1.Tickets+r2.Tickets != 1 || len(r1.Changed)+len(r2.Changed) != 1 {
		t.Fatalf("two instances: %+v and %+v; want one change on one ticket in all", r1, r2)
	}
	count := func(id int64) int {
		evs, err := s.Events(ctx, pool, id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Kind == tickets.EventCalendarChanged {
				n++
				if e.Field != "on_site" || e.OldValue == e.NewValue || e.NewValue != changed.Hash("on_site")[:12] {
					t.Errorf("event %+v", e)
				}
			}
		}
		return n
	}
	if n := count(onSite.ID); n != 1 {
		t.Errorf("open on-site ticket: %d calendar events, want 1", n)
	}
	if n := count(desk.ID); n != 0 {
		t.Errorf("desk ticket (default calendar): %d calendar events, want 0", n)
	}
	if n := count(done.ID); n != 0 {
		t.Errorf("resolved ticket: %d calendar events, want 0", n)
	}
}
