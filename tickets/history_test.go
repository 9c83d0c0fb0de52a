// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// The history's requesters each have one identity on the history channel.
func TestSeedHistory(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error { return SeedHistory(ctx, tx, 7) }); err != nil {
		t.Fatal(err)
	}
	var requesters, identities int
	if err := pool.QueryRow(`SELECT count(DISTINCT r.id), count(i.*) FROM requesters r
		JOIN requester_identities i ON i.requester_id = r.id AND i.channel = $1`, HistoryChannel).Scan(&requesters, &identities); err != nil {
		t.Fatal(err)
	}
	if requesters != 7 || identities != 7 {
		t.Errorf("%d requesters with %d identities, want 7 and 7", requesters, identities)
	}
}
