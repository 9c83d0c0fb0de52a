// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// HistoryChannel is the channel of the past SeedHistory and its kin in
// bots and kb write.
const HistoryChannel = "history"

// SeedHistory adds n requesters of two months ago, each with an e-mail
// address and an identity (HistoryChannel, "h-user-<id>"): part of the
// past of a desk that `helpdesk bench` gives its throw-away database
// (bots adds their conversations, kb the search log). Only for such a
// database.
func SeedHistory(ctx context.Context, tx *sqlx.Tx, n int) error {
	if _, err := tx.ExecContext(ctx, `WITH r AS (
		    INSERT INTO requesters (name, email, lang, created_at)
		    SELECT 'Utente storico ' || g, 'storico' || g || '@example.org', 'it', now() - interval '60 days'
		    FROM generate_series(1, $1::int) g
		    RETURNING id, created_at)
		INSERT INTO requester_identities (channel, external_id, requester_id, created_at)
		SELECT $2, 'h-user-' || r.id, r.id, r.created_at FROM r`, n, HistoryChannel); err != nil {
		return fmt.Errorf("history requesters: %w", err)
	}
	return nil
}
