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

// The daily retention walks db.Erasure too: the search log's old lines
// have e-mails, phones and tax codes masked (the count of searches stays);
// recent lines are left for the editors.
func TestRetentionMasksTheSearchLog(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	now := time.Now()
	s, err := tickets.NewStore(tickets.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		q  string
		at time.Time
	}{
		{"vpn, scrivete a anna@studio.example o al 333 1234567", now.AddDate(-3, 0, 0)},
		{"CF NRENNA80A41H501X non accettato", now.AddDate(-3, 0, 0)},
		{"vpn, scrivete a bruno@studio.example", now},
		{"3331234567", now.AddDate(-3, 0, 0)}, // a query that is a bare phone number (and valid JSON)
	} {
		if _, err := pool.Exec(`INSERT INTO kb_searches (query, lang, audience, channel, top_entry, top_score, confidence, confident, hits, at)
			VALUES ($1, 'it', 'public', 'web', '', 0, 0, false, 0, $2)`, row.q, row.at); err != nil {
			t.Fatal(err)
		}
	}
	// A webhook delivery's copy of a ticket: its strings are masked, its
	// ids (one looks like a phone number) stay numbers.
	var sub int64
	if err := pool.Get(&sub, `INSERT INTO webhook_subscriptions (url, secret, kinds, created_at)
		VALUES ('https://crm.example.org/h', '0123456789abcdef', '{ticket.opened}', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(`INSERT INTO webhook_deliveries (subscription_id, event_id, kind, payload, created_at)
		VALUES ($1, 1, 'ticket.opened', '{"event_id": 3331234567, "ticket": {"subject": "chiamare 333 7654321"}}', $2)`, sub, now.AddDate(-3, 0, 0)); err != nil {
		t.Fatal(err)
	}
	res, err := s.ApplyRetention(ctx, pool, now.AddDate(-2, 0, 0), convs(t))
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	if err := pool.Select(&qs, `SELECT query FROM kb_searches ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	want := []string{"vpn, scrivete a <EMAIL> o al <PHONE>", "CF <TAX_CODE> non accettato", "vpn, scrivete a bruno@studio.example", "<PHONE>"}
	for i := range want {
		if i >= len(qs) || qs[i] != want[i] {
			t.Fatalf("search log after retention = %q, want %q", qs, want)
		}
	}
	var payload string
	if err := pool.Get(&payload, `SELECT payload::text FROM webhook_deliveries`); err != nil {
		t.Fatal(err)
	}
	if payload != `{"ticket": {"subject": "chiamare <PHONE>"}, "event_id": 3331234567}` {
		t.Errorf("delivery payload after retention: %s", payload)
	}
	if res.Logs != 4 {
		t.Errorf("retention reports %d log values masked, want 4", res.Logs)
	}
	// A second run finds nothing more to mask.
	if res, err = s.ApplyRetention(ctx, pool, now.AddDate(-2, 0, 0), convs(t)); err != nil || res.Logs != 0 {
		t.Errorf("second retention run: %d values masked (%v), want 0", res.Logs, err)
	}
}

// Assigning a ticket to a user id that does not exist is the caller's
// mistake (ErrInvalid: 400), not a foreign-key failure (500).
func TestAssignMissingAgentIsInvalid(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	s, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := s.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "stampante"})
	if err != nil {
		t.Fatal(err)
	}
	ghost := int64(987654)
	if _, err := s.Assign(ctx, pool, tk.ID, "agent:x", &ghost, ""); !errors.Is(err, tickets.ErrInvalid) {
		t.Fatalf("assign to a missing user: %v, want ErrInvalid", err)
	}
}
