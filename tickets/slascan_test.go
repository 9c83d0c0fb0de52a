// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

func TestBreachEscalatesExactlyOnceWithTwoInstances(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Rome")
	cal := tickets.DefaultBusinessCalendar()
	created := time.Date(2026, 11, 24, 9, 0, 0, 0, loc) // Tuesday
	now := created
	clock := func() time.Time { return now }
	a, _ := tickets.NewStore(tickets.Options{Now: clock, Location: loc})
	b, _ := tickets.NewStore(tickets.Options{Now: clock, Location: loc})
	tk, err := a.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "VPN giù per tutto l'ufficio", Urgency: tickets.High, Impact: tickets.Low})
	if err != nil || tk.Priority != tickets.P2 {
		t.Fatalf("ticket %+v, %v", tk, err)
	}
	now = created.Add(90 * time.Minute) // take charge (1 h) breached
	var wg sync.WaitGroup
	results := make([]tickets.ScanResult, 2)
	for i, s := range []*tickets.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.ScanSLA(ctx, pool, cal, now)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if results[0].Breaches+results[1].Breaches != 1 {
		t.Fatalf("breaches acted on: %+v, want exactly 1 in all", results)
	}
	got, err := a.Get(ctx, pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Level != 2 {
		t.Fatalf("level after breach = %d, want 2", got.Level)
	}
	evs, err := a.Events(ctx, pool, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	escalations := 0
	for _, e := range evs {
		if e.Kind == tickets.EventEscalated {
			escalations++
		}
	}
	if escalations != 1 {
		t.Fatalf("%d escalation events, want 1", escalations)
	}
	var notes int
	if err := pool.Get(&notes, `SELECT count(*) FROM notifications WHERE role = 'supervisor' AND ticket_id = $1`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if notes != 1 {
		t.Fatalf("%d supervisor notifications, want 1", notes)
	}
	// Scanning again later changes nothing more for this target.
	now = now.Add(time.Hour)
	r, err := a.ScanSLA(ctx, pool, cal, now)
	if err != nil {
		t.Fatal(err)
	}
	var breaches int
	if err := pool.Get(&breaches, `SELECT count(*) FROM sla_events WHERE ticket_id = $1 AND target = 'take_charge'`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if breaches != 1 {
		t.Fatalf("take_charge events = %d after a second scan (%+v)", breaches, r)
	}
	// Later the first response (4 h) is breached too: a target already
	// acted on does not hide the next one.
	now = created.Add(4*time.Hour + 30*time.Minute)
	if _, err := a.ScanSLA(ctx, pool, cal, now); err != nil {
		t.Fatal(err)
	}
	var firstResponse int
	if err := pool.Get(&firstResponse, `SELECT count(*) FROM sla_events WHERE ticket_id = $1 AND target = 'first_response' AND kind = 'breach'`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if firstResponse != 1 {
		t.Fatalf("first-response breach recorded %d times, want 1", firstResponse)
	}
	// The stored summary carries the clocks for reports.
	var escalated bool
	var goal int64
	if err := pool.QueryRow(`SELECT escalated, take_charge_goal FROM ticket_sla WHERE ticket_id = $1`, tk.ID).Scan(&escalated, &goal); err != nil {
		t.Fatal(err)
	}
	if !escalated || goal != 3600 {
		t.Fatalf("summary escalated=%v goal=%d", escalated, goal)
	}
}

func TestWarningsWaitForOpeningExceptP1(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Rome")
	cal := tickets.DefaultBusinessCalendar()
	friday := time.Date(2026, 11, 27, 19, 0, 0, 0, loc)
	now := friday
	s, _ := tickets.NewStore(tickets.Options{Now: func() time.Time { return now }, Location: loc})
	p3, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "stampante", Urgency: tickets.Medium, Impact: tickets.Low})
	if err != nil {
		t.Fatal(err)
	}
	p1, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "server giù", Urgency: tickets.High, Impact: tickets.High})
	if err != nil {
		t.Fatal(err)
	}
	// Saturday: the P1's take charge (30 min, 19:00→19:30 Friday) is
	// breached and acted on at once; the P3 (1 h of its 4 h counted on
	// Friday) must wait for Monday whatever it shows.
	now = time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	r, err := s.ScanSLA(ctx, pool, cal, now)
	if err != nil {
		t.Fatal(err)
	}
	var p1Events, p3Events int
	if err := pool.Get(&p1Events, `SELECT count(*) FROM sla_events WHERE ticket_id = $1`, p1.ID); err != nil {
		t.Fatal(err)
	}
	if err := pool.Get(&p3Events, `SELECT count(*) FROM sla_events WHERE ticket_id = $1`, p3.ID); err != nil {

		t.Fatal(err)

	}
	if p1Events == 0 {
		t.Fatalf("P1 breach out of hours was not acted on (%+v)", r)
	}
	if p3Events != 0 {
		t.Fatalf("P3 acted on out of hours: %d events", p3Events)
	}
	// Monday 11:00 the P3's take charge (4 h: 1 h Friday + 3 h Monday) is at 100 %.
	now = time.Date(2026, 11, 30, 11, 1, 0, 0, loc)
	if _, err := s.ScanSLA(ctx, pool, cal, now); err != nil {
		t.Fatal(err)
	}
	if err := pool.Get(&p3Events, `SELECT count(*) FROM sla_events WHERE ticket_id = $1 AND target = 'take_charge' AND kind = 'breach'`, p3.ID); err != nil {
		t.Fatal(err)
	}
	if p3Events != 1 {
		t.Fatalf("P3 breach on Monday not recorded")
	}
	got, err := s.Get(ctx, pool, p3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != tickets.P2 {
		t.Fatalf("P3 breach should raise the priority to P2, got %s", got.Priority)
	}
}
