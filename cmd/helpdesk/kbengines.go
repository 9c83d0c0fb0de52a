// SPDX-License-Identifier: EUPL-1.2

//go:build !kbeval

package main

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"helpdesk/kb"
)

// comparisonEngines says whether this binary carries kb/kbeval's engines.
// Without -tags kbeval it does not: bleve alone would bring some twenty
// modules into `serve` for a comparison run by hand (docs/kb-search.md).
const comparisonEngines = false

// comparisonEngine would build `kb eval --engine postgres|bleve`; this
// binary says how to get one that can.
func comparisonEngine(_ context.Context, name string, _ *kb.Store, _ *sqlx.DB) (evalEngine, error) {
	return nil, fmt.Errorf("engine %s is kept only for the comparison in docs/kb-search.md and is not in this binary: run it with `go run -tags kbeval ./cmd/helpdesk kb eval … --engine %s`", name, name)
}
