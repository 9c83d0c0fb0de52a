// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"encoding/json"
	"testing"
)

// scanRows is how many rows of messages PostgreSQL read (kept or filtered
// out) running query with args: EXPLAIN ANALYZE's counts, not a time.
func scanRows(t *testing.T, h *harness, query string, args ...any) float64 {
	t.Helper()
	var doc string
	if err := h.db.Get(&doc, "EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...); err != nil {
		t.Fatal(err)
	}
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(doc), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %q: %v", doc, err)
	}
	var walk func(n map[string]any) float64
	walk = func(n map[string]any) float64 {
		var read float64
		if n["Relation Name"] == "messages" {
			loops, _ := n["Actual Loops"].(float64)
			kept, _ := n["Actual Rows"].(float64)
			dropped, _ := n["Rows Removed by Filter"].(float64)
			read += (kept + dropped) * max(loops, 1)
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				read += walk(m)
			}
		}
		return read
	}
	return walk(plans[0].Plan)
}

// The ordering checks (finish-turns' behind, earlier-unsent,
// earlier-unsent-of-message) look at the newest live reply before the
// one in question, however long the conversation: every way a reply is
// sent asks them first, so when that reply is delivered so are all before
// it. A conversation of 800 delivered messages, then one reply unsent,
// then that reply refused for good.
func TestOrderingChecksReadTheNewestReplyOnly(t *testing.T) {
	h := newHarness(t)
	conv, ids := unsentConversation(t, h, "long")
	markSentNow(t, h, ids)
	if _, err := h.db.Exec(`WITH m AS (
			INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
			SELECT $1, 'marks', 'long-' || i || '-' || d, d, 'u-long', 'testo', now()
			FROM generate_series(1, 400) i, unnest(ARRAY['in', 'out']) d ORDER BY i, d
			RETURNING id, direction)
		INSERT INTO message_deliveries (message_id, sent_at) SELECT id, now() FROM m WHERE direction = 'out'`, conv); err != nil {
		t.Fatal(err)
	}
	var last int64
	if err := h.db.Get(&last, `INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		VALUES ($1, 'marks', 'long-last', 'out', 'bot', 'ultima', now()) RETURNING id`, conv); err != nil {
		t.Fatal(err)
	}
	check := func(state string, want bool) {
		t.Helper()
		if got := behind(t, h, conv); got != want {
			t.Errorf("%s: finish-turns' behind = %v, want %v", state, got, want)
		}
		var n int
		if err := h.db.Get(&n, h.engine.store.q.EarlierUnsent, conv, last+1); err != nil {
			t.Fatal(err)
		}
		if (n > 0) != want {
			t.Errorf("%s: earlier-unsent = %d, want unsent %v", state, n, want)
		}
		var next int64
		if err := h.db.Get(&next, `INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
			VALUES ($1, 'marks', 'long-probe-' || $2, 'out', 'bot', 'dopo', now()) RETURNING id`, conv, state); err != nil {
			t.Fatal(err)
		}
		sq, err := loadSweepQueries()
		if err != nil {
			t.Fatal(err)
		}
		if err := h.db.Get(&n, sq.EarlierUnsent, next); err != nil {
			t.Fatal(err)
		}
		if (n > 0) != want {
			t.Errorf("%s: earlier-unsent-of-message = %d, want unsent %v", state, n, want)
		}
		if _, err := h.db.Exec(`DELETE FROM messages WHERE id = $1`, next); err != nil {
			t.Fatal(err)
		}
		if read := scanRows(t, h, h.engine.store.q.EarlierUnsent, conv, last+1); read > 3 {
			t.Errorf("%s: earlier-unsent read %v rows of messages in an 800-message conversation, want the newest reply or two", state, read)
		}
	}
	check("the newest reply unsent", true)
	markUndeliverable(t, h, []int64{last})
	check("the newest reply refused for good, the one before delivered", false)
}
