package tickets_test

import (
	"context"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// BenchmarkQuarterReport measures the report for one quarter over a year
// of generated data: 1,000,000 tickets, 10,000,000 ticket events, their
// clock summaries, 500,000 conversations. Setting the data up takes a few
// minutes; run it with
//
//	go test -run '^$' -bench QuarterReport -benchtime 5x -timeout 60m ./tickets
//
// (tickets are spread over 2026 one every 31 seconds, so a quarter holds
// about 250,000 of them)
func BenchmarkQuarterReport(b *testing.B) {
	pool := testdb.New(b)
	ctx := context.Background()
	start := time.Now()
	for _, q := range []string{
		`INSERT INTO tickets (number, origin_channel, subject, type, category, urgency, impact, priority, level, state, created_at, updated_at, resolved_at)
		 SELECT 'HD-2026-' || lpad(g::text, 7, '0'),
		        (ARRAY['web','email','slack','telegram','mattermost','phone'])[1 + g % 6],
		        'generated', (ARRAY['incident','request','question','suggestion'])[1 + g % 4],
		        (ARRAY['VPN','Posta','Stampanti','Certificati INPS','Ricetta elettronica','SUAP','SPID'])[1 + g % 7],
		        (ARRAY['high','medium','low'])[1 + g % 3], (ARRAY['high','medium','low'])[1 + (g / 3) % 3],
		        (ARRAY['P1','P2','P3','P4'])[1 + g % 4], 1 + (g % 5 = 0)::int,
		        CASE WHEN g % 10 = 0 THEN 'open' WHEN g % 10 = 1 THEN 'waiting_requester' ELSE 'closed' END,
		        timestamptz '2026-01-01' + (g * 31) * interval '1 second',
		        timestamptz '2026-01-01' + (g * 31) * interval '1 second',
		        CASE WHEN g % 10 > 1 THEN timestamptz '2026-01-01' + (g * 31 + 3600 * (1 + g % 40)) * interval '1 second' END
		 FROM generate_series(1, 1000000) g`,
		`INSERT INTO ticket_events (ticket_id, at, actor, kind, field, old_value, new_value)
		 SELECT t.id, t.created_at + k * interval '10 minutes', 'agent:1',
		        (ARRAY['created','state','field','comment','assigned','note','state','comment','field','state'])[k], '', '', ''
		 FROM tickets t CROSS JOIN generate_series(1, 10) k`,
		`INSERT INTO ticket_sla (ticket_id, take_charge_goal, take_charge_elapsed, take_charge_met, first_response_goal,
		        first_response_elapsed, first_response_met, resolve_goal, resolve_elapsed, resolve_met, escalated, reopened, computed_at)
		 SELECT id, 3600, (id % 7200), true, 14400, (id % 20000), true, 115200, (id % 150000), state = 'closed',
		        id % 5 = 0, id % 17 = 0, now()
		 FROM tickets`,
		`INSERT INTO conversations (channel, conversation_key, state, created_at, updated_at, last_message_at)
		 SELECT 'web', 'k' || g, 'closed', timestamptz '2026-01-01' + (g * 63 % 31536000) * interval '1 second', now(), now()
		 FROM generate_series(1, 500000) g`,
		`INSERT INTO conversation_events (conversation_id, at, actor, kind)
		 SELECT id, created_at, 'bot', 'solved_by_bot' FROM conversations WHERE id % 3 = 0`,
		`ANALYZE`,
	} {
		if _, err := pool.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var events int
	pool.Get(&events, `SELECT count(*) FROM ticket_events`)
	b.Logf("generated 1,000,000 tickets and %d events in %s", events, time.Since(start).Round(time.Second))
	loc, _ := time.LoadLocation("Europe/Rome")
	s, err := tickets.NewStore(tickets.Options{Location: loc})
	if err != nil {
		b.Fatal(err)
	}
	from, to := tickets.Quarter(time.Date(2026, 11, 1, 0, 0, 0, 0, loc), loc)
	b.ResetTimer()
	for b.Loop() {
		r, err := s.Report(ctx, pool, from, to)
		if err != nil {
			b.Fatal(err)
		}
		if r.Rates.Tickets < 200000 {
			b.Fatalf("quarter holds %d tickets, want about 250,000", r.Rates.Tickets)
		}
	}
}
