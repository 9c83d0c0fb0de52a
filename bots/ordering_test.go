// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
)

// genericPlan runs query, prepared and on its generic plan (as the hot
// statements run once prepared), with the argument literals args, under
// EXPLAIN ANALYZE in a transaction rolled back, and returns the plan.
func genericPlan(t *testing.T, h *harness, query string, args ...string) string {
	t.Helper()
	ctx := context.Background()
	tx, err := h.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range []string{`SET LOCAL plan_cache_mode = force_generic_plan`, "PREPARE probe AS " + query} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var doc string
	if err := tx.GetContext(ctx, &doc, "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE probe("+strings.Join(args, ", ")+")"); err != nil {
		t.Fatal(err)
	}
	// A prepared statement outlives a rolled back transaction.
	if _, err := tx.ExecContext(ctx, `DEALLOCATE probe`); err != nil {
		t.Fatal(err)
	}
	return doc
}

// rowsRead is how many rows of messages a plan read (kept or filtered
// out) in its scans: EXPLAIN ANALYZE's counts, not a time.
func rowsRead(t *testing.T, doc string) float64 {
	t.Helper()
	return rowsReadOf(t, doc, "messages")
}

// rowsReadOf is rowsRead for the rows of the table rel.
func rowsReadOf(t *testing.T, doc, rel string) float64 {
	t.Helper()
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(doc), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %q: %v", doc, err)
	}
	var walk func(n map[string]any) float64
	walk = func(n map[string]any) float64 {
		var read float64
		if n["Relation Name"] == rel && n["Node Type"] != "ModifyTable" {
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

// scanRows is rowsRead of query's generic plan with the integer args.
func scanRows(t *testing.T, h *harness, query string, args ...int64) float64 {
	t.Helper()
	lits := make([]string, len(args))
	for i, a := range args {
		lits[i] = strconv.FormatInt(a, 10)
	}
	return rowsRead(t, genericPlan(t, h, query, lits...))
}

// finish-turns' behind, on its generic plan, finds a conversation's newest
// live reply as the first entry of messages_out_live (migration 00195),
// however long the conversations: without that index, once the statistics
// said conversations were long, the plan walked the primary key back from
// the newest message of all (16–21 ms a group statement in the bench).
func TestBehindReadsTheLiveRepliesIndex(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	conv, _ := unsentConversation(t, h, "k")
	other, _ := unsentConversation(t, h, "busy")
	if _, err := h.db.Exec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		SELECT $1, 'marks', 'busy-more-' || i, CASE WHEN i % 2 = 0 THEN 'in' ELSE 'out' END, 'u-busy', 'testo', now()
		FROM generate_series(1, 3000) i`, other); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(`ANALYZE messages`); err != nil {
		t.Fatal(err)
	}
	var c *Conversation
	err := db.Tx(ctx, h.db, func(tx *sqlx.Tx) error {
		var err error
		c, err = h.engine.store.Lock(ctx, tx, conv)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal([]finishTurnRow{{ID: c.ID, RequesterID: c.RequesterID, Lang: c.Lang, State: c.State, Level: c.Level,
		Context: c.Context, UpdatedAt: h.now, LastMessageAt: h.now, Channel: c.Channel, Replies: []replyRow{}, Events: []eventRow{}}})
	if err != nil {
		t.Fatal(err)
	}
	plan := genericPlan(t, h, h.engine.store.q.FinishTurns, pq.QuoteLiteral(string(doc)))
	if !strings.Contains(plan, `"Index Name": "messages_out_live"`) {
		t.Errorf("finish-turns' behind does not read messages_out_live:\n%s", plan)
	}
	if read := rowsRead(t, plan); read > 3 {
		t.Errorf("finish-turns read %v rows of messages for one conversation, want its newest reply", read)
	}
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

	// Another conversation writes 3,000 messages after it, and the
	// statistics say so: a plan that walks the primary key back from the
	// newest message, filtering on the conversation (what the planner
	// chose for "ORDER BY id DESC LIMIT 1" after the bench's SQL floor),
	// would read them all.
	other, _ := unsentConversation(t, h, "busy")
	if _, err := h.db.Exec(`INSERT INTO messages (conversation_id, channel, external_id, direction, author, body, created_at)
		SELECT $1, 'marks', 'busy-more-' || i, 'in', 'u-busy', 'testo', now() FROM generate_series(1, 3000) i`, other); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(`ANALYZE messages`); err != nil {
		t.Fatal(err)
	}
	if read := scanRows(t, h, h.engine.store.q.EarlierUnsent, conv, last+1); read > 3 {
		t.Errorf("after 3,000 newer messages elsewhere: earlier-unsent read %v rows of messages, want the newest reply or two", read)
	}
}

// open-turns finds a message's open conversation with one probe of
// conversations_open_key, whatever the statistics say of how many
// conversations are open. A desk's statistics are often taken when
// nearly every conversation is closed (at night, or on a new database);
// the generic plan made from them must not scan every conversation open
// by day. Here: 5,000 closed conversations, ANALYZE, then 2,000 open ones.
func TestOpenTurnsProbesTheOpenKey(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		state string
		n     int
	}{{"closed", 5000}, {"bot", 2000}} {
		if _, err := h.db.Exec(`INSERT INTO conversations (channel, conversation_key, lang, state, created_at, updated_at, last_message_at)
			SELECT 'marks', $1 || '-' || i, 'it', $1, now(), now(), now() FROM generate_series(1, $2::int) i`, c.state, c.n); err != nil {
			t.Fatal(err)
		}
		if c.state == "closed" {
			if _, err := h.db.Exec(`ANALYZE conversations`); err != nil {
				t.Fatal(err)
			}
		}
	}
	conv, _ := unsentConversation(t, h, "probe")
	doc, err := json.Marshal([]openTurnRow{{Channel: "marks", Key: "probe", Author: "u-probe", ExternalID: "probe-2",
		Body: "ancora", Payload: db.JSON(`{}`), CreatedAt: h.now, Lang: "it", OpenedAt: h.now}})
	if err != nil {
		t.Fatal(err)
	}
	plan := genericPlan(t, h, h.engine.store.q.OpenTurns, pq.QuoteLiteral(string(doc)))
	if !strings.Contains(plan, `"Index Name": "conversations_open_key"`) {
		t.Errorf("open-turns does not probe conversations_open_key:\n%s", plan)
	}
	if read := rowsReadOf(t, plan, "conversations"); read > 2 {
		t.Errorf("open-turns read %v conversations to find one (%d)", read, conv)
	}
}
