// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"testing"
	"time"

	"helpdesk/internal/testdb"
)

// A conversation's summary: none at first, kept when saved, replaced by
// one covering more messages, never by one covering fewer (two agents
// asking at once), and never kept for an anonymised conversation.
func TestStoredSummaries(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	var conv, other int64
	for _, p := range []*int64{&conv, &other} {
		if err := pool.GetContext(ctx, p, `INSERT INTO conversations (channel, conversation_key, created_at, updated_at, last_message_at)
			VALUES ('memory', gen_random_uuid()::text, now(), now(), now()) RETURNING id`); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := StoredSummaryOf(ctx, pool, conv); err != nil || s != nil {
		t.Fatalf("before any: %+v, %v; want none", s, err)
	}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	save := func(id int64, last int64, body string) {
		t.Helper()
		if err := SaveSummary(ctx, pool, id, StoredSummary{Lang: "it", Body: body, LastMessageID: last, CreatedBy: "Anna", CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(body string) {
		t.Helper()
		s, err := StoredSummaryOf(ctx, pool, conv)
		if err != nil {
			t.Fatal(err)
		}
		if s == nil || s.Body != body || s.CreatedBy != "Anna" || !s.CreatedAt.Equal(at) {
			t.Fatalf("stored %+v, want body %q by Anna at %s", s, body, at)
		}
	}
	save(conv, 10, "primo")
	want("primo")
	save(conv, 12, "secondo")
	want("secondo")
	save(conv, 11, "in ritardo")
	want("secondo")

	if _, err := pool.ExecContext(ctx, `INSERT INTO anonymised (kind, id, at) VALUES ('conversation', $1, now())`, other); err != nil {
		t.Fatal(err)
	}
	save(other, 5, "dati personali")
	if s, err := StoredSummaryOf(ctx, pool, other); err != nil || s != nil {
		t.Fatalf("anonymised conversation: %+v, %v; want nothing kept", s, err)
	}
}
