// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// TestReportMatchesHandComputedFigures builds three tickets whose every
// figure is worked out by hand in the comments, and compares.
func TestReportMatchesHandComputedFigures(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Rome")
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, loc) // Tuesday, desk open 08–20
	now := start
	s, _ := tickets.NewStore(tickets.Options{Now: func() time.Time { return now }, Location: loc})
	at := func(h float64) { now = start.Add(time.Duration(h * float64(time.Hour))) }
	var agent int64
	if err := pool.Get(&agent, `INSERT INTO users (username, display_name, role) VALUES ('marco', 'Marco', 'agent_l1') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	mk := func(ch, cat string, u, i tickets.Level) *tickets.Ticket {
		tk, err := s.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: ch, Category: cat, Subject: "x", Urgency: u, Impact: i})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	must := func(_ any, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	t1 := mk("web", "VPN", tickets.High, tickets.Low)             // P2: goals 1 h / 4 h / 32 h
	t2 := mk("telegram", "Posta", tickets.Medium, tickets.Medium) // P3: 4 h / 8 h / 60 h
	mk("email", "Posta", tickets.Low, tickets.Low)                // P4: 8 h / 16 h / 120 h, left open

	at(0.5) // T1 taken after 30 min
	must(s.Assign(ctx, pool, t1.ID, "agent:1", &agent, ""))
	at(2) // T1 first reply after 2 h
	must(s.AddComment(ctx, pool, t1.ID, "agent:1", true, "Provi così"))
	at(5) // T1 resolved after 5 h; T2 taken after 5 h (late: goal 4 h)
	must(s.Resolve(ctx, pool, t1.ID, "agent:1", "fixed", ""))
	must(s.Assign(ctx, pool, t2.ID, "agent:1", &agent, ""))
	at(6) // T2 first reply after 6 h, then escalated
	must(s.AddComment(ctx, pool, t2.ID, "agent:1", true, "Verifico"))
	must(s.Escalate(ctx, pool, t2.ID, "agent:1", "serve il secondo livello"))
	at(10) // T2 resolved after 10 h
	must(s.Resolve(ctx, pool, t2.ID, "agent:2", "fixed", ""))
	at(10.5) // report time: T3 open for 10.5 h, not taken (goal 8 h: late), no reply (16 h: still in time)
	if _, err := s.ScanSLA(ctx, pool, tickets.DefaultBusinessCalendar(), now); err != nil {
		t.Fatal(err)
	}
	// Three conversations, one solved by the bot without a ticket; two ratings.
	for i, solved := range []bool{true, false, false} {
		var id int64
		if err := pool.Get(&id, `INSERT INTO conversations (channel, conversation_key, created_at, updated_at, last_message_at) VALUES ('web', $1, $2, $2, $2) RETURNING id`, fmt.Sprint("k", i), start); err != nil {
			t.Fatal(err)
		}
		if solved {
			pool.Exec(`INSERT INTO conversation_events (conversation_id, at, actor, kind) VALUES ($1, $2, 'bot', 'solved_by_bot')`, id, start)
		}
		if i < 2 {
			pool.Exec(`INSERT INTO satisfaction (conversation_id, rating, created_at) VALUES ($1, $2, $3)`, id, 4+i, start)
		}
	}

	from, to := tickets.Quarter(start, loc)
	r, err := s.Report(ctx, pool, from, to)
	if err != nil {
		t.Fatal(err)
	}
	vol := map[string]int{}
	for _, v := range r.Volumes {
		vol[v.Dimension+"="+v.Value] = v.Count
	}
	for k, want := range map[string]int{"channel=web": 1, "channel=telegram": 1, "channel=email": 1, "priority=P2": 1,
		// T3 was P4, but its late take charge raised it to P3 (the P4 policy's breach action).
		"priority=P3": 2, "priority=P4": 0, "category=Posta": 2, "category=VPN": 1, "type=incident": 3, "level=1": 2, "level=2": 1} {
		if vol[k] != want {
			t.Errorf("volume %s = %d, want %d", k, vol[k], want)
		}
	}
	sla := map[string]tickets.SLARow{}
	for _, row := range r.SLA {
		sla[row.Target] = row
	}
	h := 3600.0
	tests := []struct {
		target        string
		measured, met int
		mean, median  float64
	}{
		// take charge: T1 0.5 h (met), T2 5 h (late), T3 10.5 h and running (late): 1 of 3; mean/median of the reached ones: 2.75 h
		{"take_charge", 3, 1, 2.75 * h, 2.75 * h},
		// first response: T1 2 h, T2 6 h, both in time; T3 not judged yet
		{"first_response", 2, 2, 4 * h, 4 * h},
		// resolve: T1 5 h, T2 10 h, both in time; T3 not judged yet
		{"resolve", 2, 2, 7.5 * h, 7.5 * h},
	}
	for _, tt := range tests {
		got := sla[tt.target]
		if got.Measured != tt.measured || got.Met != tt.met || got.MeanSeconds != tt.mean || got.MedianSeconds != tt.median {
			t.Errorf("%s = %+v, want measured %d met %d mean %.0f median %.0f", tt.target, got, tt.measured, tt.met, tt.mean, tt.median)
		}
	}
	if _, ok := sla["intervention"]; ok {
		t.Errorf("intervention judged although no ticket needed one: %+v", sla["intervention"])
	}
	want := tickets.Rates{Tickets: 3, Escalated: 1, Resolved: 2, FirstContact: 1, Conversations: 3, SolvedByBot: 1}
	if r.Rates != want {
		t.Errorf("rates = %+v, want %+v", r.Rates, want)
	}
	if len(r.Backlog) != 1 || r.Backlog[0].Priority != "P3" || r.Backlog[0].Under1d != 1 || r.Backlog[0].Total != 1 {
		t.Errorf("backlog = %+v", r.Backlog)
	}
	if fmt.Sprint(r.Satisfaction) != "[{4 1} {5 1}]" {
		t.Errorf("satisfaction = %v", r.Satisfaction)
	}
}
