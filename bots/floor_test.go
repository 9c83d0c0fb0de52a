// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// The SQL floor runs the engine's two statements for every message: n
// messages in, n replies out, in one conversation per worker, and a rate;
// the grouped floor runs perTx messages of as many conversations in each
// transaction, in workers × perTx conversations, each transaction writing
// perTx replies: with one statement for all of them (grouped), or one for
// each message (batched, as issue 21 measured it).
func TestSQLFloor(t *testing.T) {
	const workers, n = 2, 12
	for _, c := range []struct {
		name  string
		perTx int
		// statements is how many statements of a transaction recorded
		// its inbound messages.
		statements int
		floor      func(ctx context.Context, pool *sqlx.DB, ts *tickets.Store) (float64, error)
	}{
		{"one message a transaction", 1, 1, func(ctx context.Context, pool *sqlx.DB, ts *tickets.Store) (float64, error) {
			return SQLFloor(ctx, pool, ts, workers, n)
		}},
		{"three messages a transaction, set-based", 3, 1, func(ctx context.Context, pool *sqlx.DB, ts *tickets.Store) (float64, error) {
			return SQLFloorGrouped(ctx, pool, ts, workers, n, 3)
		}},
		{"three messages a transaction, a statement each", 3, 3, func(ctx context.Context, pool *sqlx.DB, ts *tickets.Store) (float64, error) {
			return SQLFloorBatched(ctx, pool, ts, workers, n, 3)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			rate, err := c.floor(t.Context(), h.db, h.tickets)
			if err != nil {
				t.Fatal(err)
			}
			if rate <= 0 {
				t.Errorf("rate %v", rate)
			}
			var convs, in, out int
			if err := h.db.QueryRow(`SELECT count(DISTINCT conversation_id), count(*) FILTER (WHERE direction = 'in'),
				count(*) FILTER (WHERE direction = 'out') FROM messages WHERE channel = 'sqlfloor'`).Scan(&convs, &in, &out); err != nil {
				t.Fatal(err)
			}
			// Each conversation starts with one message of its own.
			if want := workers * c.perTx; convs != want || in != n+want || out != n {
				t.Errorf("%d conversations, %d in, %d out; want %d, %d, %d", convs, in, out, want, n+want, n)
			}
			// Messages of one transaction share it: n/perTx transactions
			// wrote the replies.
			var txs int
			if err := h.db.QueryRow(`SELECT count(DISTINCT xmin::text) FROM messages WHERE channel = 'sqlfloor' AND direction = 'out'`).Scan(&txs); err != nil {
				t.Fatal(err)
			}
			if txs != n/c.perTx {
				t.Errorf("replies written by %d transactions, want %d", txs, n/c.perTx)
			}
			// Each statement of a transaction has its own command id.
			var stmts int
			if err := h.db.QueryRow(`SELECT count(DISTINCT (xmin::text, cmin::text)) FROM messages
				WHERE channel = 'sqlfloor' AND direction = 'in' AND external_id NOT LIKE '%-0'`).Scan(&stmts); err != nil {
				t.Fatal(err)
			}
			if want := n / c.perTx * c.statements; stmts != want {
				t.Errorf("inbound messages recorded by %d statements, want %d", stmts, want)
			}
		})
	}
}

// The history's conversations are closed, of the history requesters in
// turn, four messages each through the new-messages block, every reply
// delivered, two audit lines each.
func TestSeedHistory(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var msgs int
	err := db.Tx(ctx, h.db, func(tx *sqlx.Tx) error {
		if err := tickets.SeedHistory(ctx, tx, 3); err != nil {
			return err
		}
		var err error
		msgs, err = SeedHistory(ctx, tx, tickets.HistoryChannel, 9)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var convs, closed, requesters, in, out, delivered, events int
	if err := h.db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE state = 'closed'), count(DISTINCT requester_id),
			(SELECT count(*) FROM messages m WHERE m.channel = 'history' AND m.direction = 'in'),
			(SELECT count(*) FROM messages m WHERE m.channel = 'history' AND m.direction = 'out'),
			(SELECT count(*) FROM messages m JOIN message_deliveries d ON d.message_id = m.id WHERE m.channel = 'history'),
			(SELECT count(*) FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id WHERE c.channel = 'history')
		FROM conversations WHERE channel = 'history'`).Scan(&convs, &closed, &requesters, &in, &out, &delivered, &events); err != nil {
		t.Fatal(err)
	}
	if msgs != 36 || convs != 9 || closed != 9 || requesters != 3 || in != 18 || out != 18 || delivered != 18 || events != 18 {
		t.Errorf("%d messages written; %d conversations (%d closed) of %d requesters, %d in, %d out (%d delivered), %d events; want 36; 9 (9) of 3, 18, 18 (18), 18",
			msgs, convs, closed, requesters, in, out, delivered, events)
	}
}
