// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// SeedHistory logs, for every question of channel's past (each inbound
// message but the first of its conversation, a greeting in what
// bots.SeedHistory writes), the search
// it made and the answer shown, rated by two users of three: the search
// log of the past `helpdesk bench` gives its throw-away database. Only for
// such a database.
func SeedHistory(ctx context.Context, tx *sqlx.Tx, channel string) error {
	if _, err := tx.ExecContext(ctx, `WITH s AS (
		    INSERT INTO kb_searches (at, query, lang, audience, channel, top_entry, top_score, confidence, confident, hits)
		    SELECT m.created_at, m.body, 'it', 'public', $1, 'accesso-spid', 7.5, 0.8, true, 3
		    FROM messages m WHERE m.channel = $1 AND m.direction = 'in'
		      AND EXISTS (SELECT 1 FROM messages p WHERE p.conversation_id = m.conversation_id
		                  AND p.direction = 'in' AND p.id < m.id)
		    RETURNING id, at)
		INSERT INTO kb_answers (search_id, entry_slug, revision, channel, shown_at, helpful, rated_at)
		SELECT id, 'accesso-spid', 1, $1, at, CASE WHEN id % 3 = 0 THEN NULL ELSE id % 3 = 1 END,
		       CASE WHEN id % 3 = 0 THEN NULL ELSE at + interval '1 minute' END
		FROM s`, channel); err != nil {
		return fmt.Errorf("history search log: %w", err)
	}
	return nil
}
