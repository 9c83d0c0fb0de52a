// SPDX-License-Identifier: EUPL-1.2

//go:build kbeval

package main

import (
	"context"

	"github.com/jmoiron/sqlx"

	"helpdesk/kb"
	"helpdesk/kb/kbeval"
)

// comparisonEngines: built with -tags kbeval, this binary carries the
// engines kept to compare with ours (kb/kbeval).
const comparisonEngines = true

// comparisonEngine builds `kb eval --engine postgres|bleve` on the
// imported knowledge base.
func comparisonEngine(ctx context.Context, name string, store *kb.Store, db *sqlx.DB) (evalEngine, error) {
	if name == "postgres" {
		return kbeval.NewPostgresSearcher(db), nil
	}
	return kbeval.NewBleveSearcher(ctx, store)
}
