// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// benchHistory gives the bench's throw-away database the past of a desk
// that has been running, each part written by the package that owns its
// tables: n closed conversations of a month and a half ago, of one
// requester for every three (tickets), each with a greeting, a question
// and the bot's two replies, all delivered, and their audit lines (bots);
// the knowledge base's log of the questions, searches and answers shown
// and rated (kb). Then it vacuums and analyzes the database, as autovacuum
// would have left it by now.
//
// Without it the bench measured a desk on its first day: every table
// nearly empty, so the plans a connection prepared at its first use (the
// prepared hot-path statements, the foreign-key checks, the search log's
// batches) scanned tables of a page or two, and kept doing so once the run
// had filled them — until autovacuum, which visits a database once a
// minute, came by, at a different moment in every run.
func benchHistory(ctx context.Context, pool *sqlx.DB, n int) error {
	if n <= 0 {
		return nil
	}
	err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		if err := tickets.SeedHistory(ctx, tx, max(n/3, 1)); err != nil {
			return err
		}
		if _, err := bots.SeedHistory(ctx, tx, tickets.HistoryChannel, n); err != nil {
			return err
		}
		return kb.SeedHistory(ctx, tx, tickets.HistoryChannel)
	})
	if err != nil {
		return fmt.Errorf("bench history: %w", err)
	}
	return benchSettle(ctx, pool)
}

// benchSettle vacuums and analyzes the bench's database before a measured
// run: autovacuum would otherwise start on the rows of the run before
// (or of the history) in the middle of it, at a moment of its own, and
// take one of the two cores for a while.
func benchSettle(ctx context.Context, pool *sqlx.DB) error {
	if _, err := pool.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("bench: vacuum: %w", err)
	}
	return nil
}
