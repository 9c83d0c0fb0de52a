// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// A search and a shown answer for each question of the channel's past,
// none for its greetings nor for another channel; two of three rated.
func TestSeedHistory(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(`WITH c AS (
			INSERT INTO conversations (channel, conversation_key, lang, state, created_at, updated_at, last_message_at)
			SELECT ch, 'k', 'it', 'closed', now(), now(), now() FROM unnest(ARRAY['history', 'web']) ch RETURNING id, channel)
		INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		SELECT c.id, c.channel, c.channel || '-' || k, 'in', 'u', CASE WHEN k = 0 THEN 'buongiorno' ELSE 'domanda ' || k END, now()
		FROM c CROSS JOIN generate_series(0, 3) k ORDER BY c.id, k`); err != nil {
		t.Fatal(err)
	}
	if err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error { return SeedHistory(ctx, tx, "history") }); err != nil {
		t.Fatal(err)
	}
	var searches, answers, rated int
	if err := pool.QueryRow(`SELECT (SELECT count(*) FROM kb_searches), count(*), count(*) FILTER (WHERE helpful IS NOT NULL)
		FROM kb_answers a JOIN kb_searches s ON s.id = a.search_id WHERE s.channel = 'history'`).Scan(&searches, &answers, &rated); err != nil {
		t.Fatal(err)
	}
	if searches != 3 || answers != 3 || rated != 2 {
		t.Errorf("%d searches, %d answers (%d rated); want 3, 3 (2)", searches, answers, rated)
	}
	var greetings int
	if err := pool.QueryRow(`SELECT count(*) FROM kb_searches WHERE query = 'buongiorno'`).Scan(&greetings); err != nil {
		t.Fatal(err)
	}
	if greetings != 0 {
		t.Errorf("%d greetings logged as searches, want none", greetings)
	}
}
