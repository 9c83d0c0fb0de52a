// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// benchHistory gives the bench's throw-away database the past of a desk
// that has been running: n closed conversations of a month and a half
// ago (one requester for every three), each with a greeting, a question
// and the bot's two replies, all delivered, and their audit lines; the
// knowledge base's log of the questions (searches, answers shown and
// rated); then vacuumed and analyzed, as autovacuum would have left it by
// now.
//
// Without it the bench measured a desk on its first day: every table
// nearly empty, so the plans a connection prepared at its first use
// (the prepared hot-path statements, the foreign-key checks, the search
// log's batches) scanned
// tables of a page or two, and kept doing so once the run had filled
// them — until autovacuum, which visits a database once a minute, came
// by, at a different moment in every run.
func benchHistory(ctx context.Context, pool *sqlx.DB, n int) error {
	if n <= 0 {
		return nil
	}
	steps := []string{
		`INSERT INTO requesters (name, email, lang, created_at)
		 SELECT 'Utente storico ' || g, 'storico' || g || '@example.org', 'it', now() - interval '60 days'
		 FROM generate_series(1, greatest($1::int / 3, 1)) g`,
		`INSERT INTO requester_identities (channel, external_id, requester_id, created_at)
		 SELECT 'history', 'h-user-' || r.id, r.id, r.created_at FROM requesters r WHERE r.name LIKE 'Utente storico %'`,
		`INSERT INTO conversations (channel, conversation_key, requester_id, lang, state, level, context, created_at, updated_at, last_message_at)
		 SELECT 'history', 'h-' || g, i.requester_id, 'it', 'closed', 1, '{}',
		        now() - interval '45 days' + g * interval '3 minutes',
		        now() - interval '45 days' + g * interval '3 minutes' + interval '2 minutes',
		        now() - interval '45 days' + g * interval '3 minutes' + interval '1 minute'
		 FROM generate_series(1, $1::int) g
		 JOIN (SELECT requester_id, row_number() OVER (ORDER BY requester_id) - 1 AS k FROM requester_identities WHERE channel = 'history') i
		   ON i.k = g % greatest($1::int / 3, 1)`,
		`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, payload, created_at)
		 SELECT c.id, 'history', 'h-' || c.id || '-' || k,
		        CASE WHEN k % 2 = 0 THEN 'in' ELSE 'out' END,
		        CASE WHEN k % 2 = 0 THEN 'h-user-' || c.requester_id ELSE 'bot' END,
		        (ARRAY['buongiorno',
		               'Buongiorno, come posso aiutarla? Mi descriva il problema in poche parole.',
		               'non riesco ad accedere al portale con lo SPID, mi dice credenziali non valide',
		               'Ho trovato questo nelle guide: Accesso con SPID non riuscito. Se non basta, scriva "operatore".'])[k + 1],
		        CASE WHEN k % 2 = 0 THEN '{}'::jsonb
		             ELSE jsonb_build_object('text', 'risposta', 'buttons', jsonb_build_array('Risolto', 'Non risolto', 'Operatore')) END,
		        c.created_at + k * interval '10 seconds'
		 FROM conversations c CROSS JOIN generate_series(0, 3) k WHERE c.channel = 'history'`,
		`INSERT INTO message_deliveries (message_id, sent_at)
		 SELECT id, created_at + interval '1 second' FROM messages WHERE channel = 'history' AND direction = 'out'`,
		`INSERT INTO conversation_events (conversation_id, at, actor, kind, old_value, new_value)
		 SELECT c.id, c.created_at, 'bot', 'state', s.old, s.new
		 FROM conversations c CROSS JOIN (VALUES ('', 'bot'), ('bot', 'closed')) s(old, new) WHERE c.channel = 'history'`,
		// The knowledge base's log of those questions: a search each, the
		// answer it showed, rated by two users of three.
		`WITH s AS (
		     INSERT INTO kb_searches (at, query, lang, audience, channel, top_entry, top_score, confidence, confident, hits)
		     SELECT m.created_at, m.body, 'it', 'public', 'history', 'accesso-spid', 7.5, 0.8, true, 3
		     FROM messages m WHERE m.channel = 'history' AND m.direction = 'in' AND m.body <> 'buongiorno'
		     RETURNING id, at)
		 INSERT INTO kb_answers (search_id, entry_slug, revision, channel, shown_at, helpful, rated_at)
		 SELECT id, 'accesso-spid', 1, 'history', at, CASE WHEN id % 3 = 0 THEN NULL ELSE id % 3 = 1 END,
		        CASE WHEN id % 3 = 0 THEN NULL ELSE at + interval '1 minute' END
		 FROM s`,
	}
	err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		for _, q := range steps {
			var args []any
			if strings.Contains(q, "$1") {
				args = append(args, n)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
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
