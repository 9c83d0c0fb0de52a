// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"testing"

	"helpdesk/internal/testdb"
)

// The bench's history is a desk's past: closed conversations of four
// messages each, every reply delivered (nothing for the senders' sweeps
// to pick up), one requester for every three conversations, a search
// and an answer logged for each question, and statistics taken.
func TestBenchHistory(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if err := benchHistory(ctx, pool, 30); err != nil {
		t.Fatal(err)
	}
	var convs, open, msgs, undelivered, requesters int
	if err := pool.QueryRow(`SELECT count(*), count(*) FILTER (WHERE state <> 'closed'), count(DISTINCT requester_id)
		FROM conversations WHERE channel = 'history'`).Scan(&convs, &open, &requesters); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(`SELECT count(*), count(*) FILTER (WHERE m.direction = 'out' AND d.message_id IS NULL)
		FROM messages m LEFT JOIN message_deliveries d ON d.message_id = m.id WHERE m.channel = 'history'`).Scan(&msgs, &undelivered); err != nil {
		t.Fatal(err)
	}
	if convs != 30 || open != 0 || requesters != 10 || msgs != 120 || undelivered != 0 {
		t.Errorf("%d conversations (%d open) of %d requesters, %d messages (%d replies undelivered); want 30 (0) of 10, 120 (0)",
			convs, open, requesters, msgs, undelivered)
	}
	var searches, answers int
	if err := pool.QueryRow(`SELECT (SELECT count(*) FROM kb_searches WHERE channel = 'history'),
		(SELECT count(*) FROM kb_answers WHERE channel = 'history')`).Scan(&searches, &answers); err != nil {
		t.Fatal(err)
	}
	if searches != 30 || answers != 30 {
		t.Errorf("%d searches and %d answers logged, want one of each for every question (30)", searches, answers)
	}
	var analyzed, vacuumed bool
	if err := pool.QueryRow(`SELECT last_analyze IS NOT NULL, last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'conversations'`).Scan(&analyzed, &vacuumed); err != nil {
		t.Fatal(err)
	}
	if !analyzed || !vacuumed {
		t.Errorf("conversations analyzed %v, vacuumed %v after the history; want both", analyzed, vacuumed)
	}
	// None is zero: nothing is written.
	if err := benchHistory(ctx, pool, 0); err != nil {
		t.Fatal(err)
	}
}
