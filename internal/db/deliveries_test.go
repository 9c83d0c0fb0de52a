// SPDX-License-Identifier: EUPL-1.2

package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// TestDeliveryMarksMigration: migrations 00192–00193 move the delivery
// marks from messages.sent_at to message_deliveries without losing one,
// keep the two in step both ways while the previous release may still
// run (its UPDATE of sent_at, this release's INSERT), and their Down
// gives every mark back to sent_at with the old indexes.
func TestDeliveryMarksMigration(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectPostgres, pool.DB, db.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	const before, after = 191, 193
	if _, err := p.DownTo(ctx, before); err != nil {
		t.Fatalf("down to %d: %v", before, err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var conv int64
	if err := pool.Get(&conv, `INSERT INTO conversations (channel, conversation_key, created_at, updated_at, last_message_at)
		VALUES ('web', 'k', $1, $1, $1) RETURNING id`, at); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 4)
	for i := range ids {
		var sent *time.Time
		if i == 0 {
			sent = &at // marked before the migration
		}
		if err := pool.Get(&ids[i], `INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at, sent_at)
			VALUES ($1, 'web', $2, 'out', 'bot', 'ok', $3, $4) RETURNING id`, conv, fmt.Sprintf("out-%d", i), at, sent); err != nil {
			t.Fatal(err)
		}
	}
	indexes := func() map[string]bool {
		var names []string
		if err := pool.Select(&names, `SELECT indexname FROM pg_indexes WHERE tablename = 'messages'`); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, n := range names {
			out[n] = true
		}
		return out
	}
	delivered := func() map[int64]time.Time {
		var rows []struct {
			ID     int64     `db:"message_id"`
			SentAt time.Time `db:"sent_at"`
		}
		if err := pool.Select(&rows, `SELECT message_id, sent_at FROM message_deliveries`); err != nil {
			t.Fatal(err)
		}
		out := map[int64]time.Time{}
		for _, r := range rows {
			out[r.ID] = r.SentAt
		}
		return out
	}

	if _, err := p.UpTo(ctx, after); err != nil {
		t.Fatalf("up to %d: %v", after, err)
	}
	if d := delivered(); len(d) != 1 || !d[ids[0]].Equal(at) {
		t.Fatalf("marks copied: %v, want only %d at %v", d, ids[0], at)
	}
	ix := indexes()
	if !ix["messages_out_pending"] || ix["messages_unsent"] || ix["messages_unsent_conversation"] {
		t.Errorf("indexes of messages after %d: %v", after, ix)
	}
	// The previous release marks by UPDATE (its mark-sent); this one by INSERT.
	later := at.Add(time.Minute)
	if _, err := pool.Exec(`UPDATE messages SET sent_at = $2, send_attempts = send_attempts + 1, send_error = '' WHERE id = ANY($1) AND sent_at IS NULL`,
		pq.Array(ids[1:2]), later); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(`INSERT INTO message_deliveries (message_id, sent_at) VALUES ($1, $2)`, ids[2], later); err != nil {
		t.Fatal(err)
	}
	if d := delivered(); len(d) != 3 || !d[ids[1]].Equal(later) || !d[ids[2]].Equal(later) {
		t.Fatalf("after one mark of each release: %v", d)
	}
	var sentAt []sql.NullTime
	if err := pool.Select(&sentAt, `SELECT sent_at FROM messages ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(sentAt) != 4 || !sentAt[0].Valid || !sentAt[1].Valid || !sentAt[2].Valid || !sentAt[2].Time.Equal(later) || sentAt[3].Valid {
		t.Fatalf("sent_at as the previous release reads it: %v", sentAt)
	}

	if _, err := p.DownTo(ctx, before); err != nil {
		t.Fatalf("down to %d: %v", before, err)
	}
	sentAt = nil
	if err := pool.Select(&sentAt, `SELECT sent_at FROM messages ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(sentAt) != 4 || !sentAt[0].Time.Equal(at) || !sentAt[1].Time.Equal(later) || !sentAt[2].Time.Equal(later) || sentAt[3].Valid {
		t.Fatalf("sent_at after the Down: %v", sentAt)
	}
	ix = indexes()
	if ix["messages_out_pending"] || !ix["messages_unsent"] || !ix["messages_unsent_conversation"] {
		t.Errorf("indexes of messages after the Down: %v", ix)
	}
	var tables int
	if err := pool.Get(&tables, `SELECT count(*) FROM pg_tables WHERE tablename = 'message_deliveries'`); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Error("message_deliveries left after the Down")
	}

	if err := db.MigrateUp(ctx, pool.DB); err != nil {
		t.Fatal(err)
	}
	if d := delivered(); len(d) != 3 {
		t.Fatalf("marks after up again: %v", d)
	}
}
