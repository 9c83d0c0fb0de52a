// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// The delivery marks live in message_deliveries (migration 00192): these
// tests hold every reader of "unsent" to the same answer in each state a
// reply can be in, and the mark itself to one row per reply.

// unsentConversation records one message on a channel whose sends fail
// (temporarily) and returns its conversation and its replies' ids, all
// unsent.
func unsentConversation(t *testing.T, h *harness, key string) (int64, []int64) {
	t.Helper()
	h.engine.RegisterSender("marks", &flakySender{fails: 1000})
	h.engine.opt.Retry = &recordingRetry{}
	res, err := h.engine.Handle(context.Background(), Inbound{Channel: "marks", ExternalID: key + "-1", ConversationKey: key,
		User: User{ID: "u-" + key}, Text: "ciao"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replies) == 0 {
		t.Fatal("no reply recorded")
	}
	ids := make([]int64, len(res.Replies))
	for i, r := range res.Replies {
		ids[i] = r.MessageID
	}
	return res.ConversationID, ids
}

// behind is finish-turns' answer for the conversation: does it have a
// reply still unsent?
func behind(t *testing.T, h *harness, convID int64) bool {
	t.Helper()
	ctx := context.Background()
	var b bool
	err := db.Tx(ctx, h.db, func(tx *sqlx.Tx) error {
		c, err := h.engine.store.Lock(ctx, tx, convID)
		if err != nil {
			return err
		}
		a := &finishArg{conv: c}
		if err := h.engine.store.finishTurns(ctx, tx, []*finishArg{a}); err != nil {
			return err
		}
		b = a.behind
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func markUndeliverable(t *testing.T, h *harness, ids []int64) {
	t.Helper()
	for _, id := range ids {
		if _, err := h.db.Exec(h.engine.store.q.MarkUndeliverable, id, "403 blocked", h.now); err != nil {
			t.Fatal(err)
		}
	}
}

func markSentNow(t *testing.T, h *harness, ids []int64) {
	t.Helper()
	if err := h.engine.tryMarkSent(context.Background(), ids, h.now); err != nil {
		t.Fatalf("mark sent: %v", err)
	}
}

// TestEveryReaderAgreesOnUnsent: for a reply unsent, delivered, failed
// for good, or both in either order, finish-turns' behind, Resend's
// earlier-unsent, the sweep's earlier-unsent-of-message and its scan,
// and the terminal chat's unsent-replies all give the same answer, and a
// reply once delivered reads as delivered (Message.SentAt).
func TestEveryReaderAgreesOnUnsent(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mark      func(t *testing.T, h *harness, ids []int64)
		unsent    bool
		delivered bool
		failed    bool
	}{
		{"not marked", func(*testing.T, *harness, []int64) {}, true, false, false},
		{"delivered", markSentNow, false, true, false},
		{"failed for good", markUndeliverable, false, false, true},
		{"failed for good, then marked sent late", func(t *testing.T, h *harness, ids []int64) {
			markUndeliverable(t, h, ids)
			markSentNow(t, h, ids)
		}, false, true, true},
		{"delivered, then refused: stays delivered", func(t *testing.T, h *harness, ids []int64) {
			markSentNow(t, h, ids)
			markUndeliverable(t, h, ids)
		}, false, true, false},
		{"a temporary failure after the delivery", func(t *testing.T, h *harness, ids []int64) {
			markSentNow(t, h, ids)
			for _, id := range ids {
				if _, err := h.db.Exec(h.engine.store.q.MarkFailed, id, "timeout"); err != nil {
					t.Fatal(err)
				}
			}
		}, false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			conv, ids := unsentConversation(t, h, "k")
			tc.mark(t, h, ids)

			if got := behind(t, h, conv); got != tc.unsent {
				t.Errorf("finish-turns' behind = %v, want %v", got, tc.unsent)
			}
			var earlier int
			if err := h.db.Get(&earlier, h.engine.store.q.EarlierUnsent, conv, ids[len(ids)-1]+1); err != nil {
				t.Fatal(err)
			}
			if (earlier > 0) != tc.unsent {
				t.Errorf("earlier-unsent = %d, want unsent %v", earlier, tc.unsent)
			}
			var pending []int64
			if err := h.db.Select(&pending, h.engine.store.q.UnsentReplies, "marks", "k"); err != nil {
				t.Fatal(err)
			}
			if (len(pending) > 0) != tc.unsent {
				t.Errorf("unsent-replies = %v, want unsent %v", pending, tc.unsent)
			}
			sweep := &recordingRetry{}
			h.engine.opt.Retry = sweep
			h.engine.opt.Now = func() time.Time { return h.now.Add(time.Minute) }
			n, err := h.engine.SweepUnsent(ctx, time.Nanosecond)
			if err != nil {
				t.Fatal(err)
			}
			if (n > 0) != tc.unsent {
				t.Errorf("the sweep took %v, want unsent %v", sweep.ids, tc.unsent)
			}
			for _, id := range ids {
				var m Message
				if err := h.db.Get(&m, h.engine.store.q.GetMessage, id); err != nil {
					t.Fatal(err)
				}
				if (m.SentAt != nil) != tc.delivered || (m.FailedAt != nil) != tc.failed {
					t.Errorf("reply %d: sent_at %v, failed_at %v; want delivered %v, failed %v", id, m.SentAt, m.FailedAt, tc.delivered, tc.failed)
				}
			}
			ms, err := h.engine.store.Messages(ctx, h.db, conv)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.Direction == "out" && (m.SentAt != nil) != tc.delivered {
					t.Errorf("Messages: reply %d sent_at %v, want delivered %v", m.ID, m.SentAt, tc.delivered)
				}
			}

			// A later reply of the conversation waits behind this one only
			// while it is unsent (the sweep's and deliver's question).
			res, err := h.engine.Handle(ctx, Inbound{Channel: "marks", ExternalID: "k-2", ConversationKey: "k", User: User{ID: "u-k"}, Text: "grazie"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Replies) == 0 {
				t.Fatal("no second reply")
			}
			q, err := loadSweepQueries()
			if err != nil {
				t.Fatal(err)
			}
			if err := h.db.Get(&earlier, q.EarlierUnsent, res.Replies[0].MessageID); err != nil {
				t.Fatal(err)
			}
			if (earlier > 0) != tc.unsent {
				t.Errorf("earlier-unsent-of-message = %d, want unsent %v", earlier, tc.unsent)
			}
		})
	}
}

// TestMarkRetriedWritesOneRow: a mark written again (its answer was lost
// on the way back, or two instances sent the same reply) is no error and
// keeps one row with the first time; an id with no message is skipped
// without failing the marks batched with it.
func TestMarkRetriedWritesOneRow(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, ids := unsentConversation(t, h, "r")
	first := h.now
	for i, at := range []time.Time{first, first.Add(time.Second), first.Add(time.Minute)} {
		if err := h.engine.tryMarkSent(ctx, ids, at); err != nil {
			t.Fatalf("mark %d: %v", i+1, err)
		}
	}
	if err := h.engine.tryMarkSent(ctx, append([]int64{ids[0] + 1_000_000}, ids...), first.Add(time.Hour)); err != nil {
		t.Fatalf("a batch with an unknown id: %v", err)
	}
	var rows []struct {
		ID     int64     `db:"message_id"`
		SentAt time.Time `db:"sent_at"`
	}
	if err := h.db.Select(&rows, `SELECT message_id, sent_at FROM message_deliveries ORDER BY message_id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ids) {
		t.Fatalf("%d rows for %d replies marked four times: %+v", len(rows), len(ids), rows)
	}
	for i, r := range rows {
		if r.ID != ids[i] || !r.SentAt.Equal(first) {
			t.Errorf("row %d = %+v, want reply %d sent at %v", i, r, ids[i], first)
		}
	}
	// Through the engine's batcher, on the statement it prepared.
	h.engine.markSent(ctx, ids)
	if h.engine.marker.prepared.stmt == nil {
		t.Error("mark-sent was not prepared on the bookkeeping pool")
	}
	h.engine.WaitMarks()
	var n int
	if err := h.db.Get(&n, `SELECT count(*) FROM message_deliveries`); err != nil {
		t.Fatal(err)
	}
	if n != len(ids) {
		t.Errorf("%d rows after one more mark, want %d", n, len(ids))
	}
}

// TestDeliveriesWithoutSentAt: after the contract step (migration 00194)
// messages has no sent_at and no trigger copies marks: deliveries,
// failures, the sweep and the console's reading run on
// message_deliveries alone.
func TestDeliveriesWithoutSentAt(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var left int
	if err := h.db.Get(&left, `SELECT (SELECT count(*) FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'sent_at')
		+ (SELECT count(*) FROM pg_trigger WHERE tgname IN ('messages_sent_at_deliveries', 'message_deliveries_sent_at'))`); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatal("messages.sent_at or its triggers are still there")
	}

	conv, ids := unsentConversation(t, h, "c")
	if !behind(t, h, conv) {
		t.Error("an unsent reply is not seen")
	}
	sweep := &recordingRetry{}
	h.engine.opt.Retry = sweep
	h.engine.opt.Now = func() time.Time { return h.now.Add(time.Minute) }
	if n, err := h.engine.SweepUnsent(ctx, time.Nanosecond); err != nil || n != len(ids) {
		t.Fatalf("sweep: %d, %v; want %d", n, err, len(ids))
	}
	h.engine.RegisterSender("marks", h.mem)
	for _, id := range ids {
		if err := h.engine.Resend(ctx, id); err != nil {
			t.Fatalf("Resend %d: %v", id, err)
		}
	}
	h.engine.WaitMarks()
	if behind(t, h, conv) {
		t.Error("delivered replies still seen as unsent")
	}
	ms, err := h.engine.store.Messages(ctx, h.db, conv)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Direction == "out" && m.SentAt == nil {
			t.Errorf("reply %d not read as delivered", m.ID)
		}
	}
	markUndeliverable(t, h, ids) // a late refusal leaves them delivered
	if n, err := h.engine.SweepUnsent(ctx, time.Nanosecond); err != nil || n != 0 {
		t.Fatalf("sweep after delivery: %d, %v", n, err)
	}
}
