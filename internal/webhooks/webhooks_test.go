// SPDX-License-Identifier: EUPL-1.2

package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/internal/webhooks"
	"helpdesk/tickets"
)

// verify checks a delivery as a receiver would, from the documented
// algorithm alone (docs/api.md): HMAC-SHA256, keyed with the secret,
// over "<timestamp>.<body>", hex, prefixed "sha256=".
func verify(secret string, h http.Header, body []byte, now time.Time) bool {
	ts := h.Get("X-Helpdesk-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(h.Get("X-Helpdesk-Signature")))
}

// TestScanKinds: the scan queues state changes too, skips
// kinds not subscribed, and never queues one event twice.
func TestScanKinds(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	var queued []webhooks.DeliverArgs
	svc, err := webhooks.New(pool, webhooks.Options{Settle: time.Millisecond, Resolver: exampleOrg,
		Enqueue: func(_ context.Context, _ *sql.Tx, a webhooks.DeliverArgs) error {
			queued = append(queued, a)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := tickets.NewStore(tickets.Options{})
	old, err := st.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "before subscribing"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, "https://example.org/a", "0123456789abcdef", []string{webhooks.KindStateChanged}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, "https://example.org/b", "0123456789abcdef", []string{webhooks.KindOpened, webhooks.KindStateChanged}); err != nil {
		t.Fatal(err)
	}
	tk, err := st.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "after"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Transition(ctx, pool, old.ID, "agent", tickets.StateOpen); err != nil {
		t.Fatal(err)
	}
	n, err := svc.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// created(after): b; state(old): a and b. The event before the
	// first subscription is not replayed.
	if n != 3 || len(queued) != 3 {
		t.Fatalf("queued %d (%v), want 3", n, queued)
	}
	_ = tk
	if n, err := svc.Scan(ctx); err != nil || n != 0 {
		t.Errorf("rescan queued %d (%v)", n, err)
	}
}

// TestScanWaitsForGap: an event whose id was taken by a transaction not
// yet committed is not skipped: the scan stops before the gap, and sends
// both once the transaction commits.
func TestScanWaitsForGap(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	var queued int
	svc, err := webhooks.New(pool, webhooks.Options{Settle: time.Hour, Resolver: exampleOrg,
		Enqueue: func(context.Context, *sql.Tx, webhooks.DeliverArgs) error { queued++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := tickets.NewStore(tickets.Options{})
	t1, err := st.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "one"})
	if err != nil {
		t.Fatal(err)
	}
	t2, err := st.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "two"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, "https://example.org/a", "0123456789abcdef", []string{webhooks.KindCommented}); err != nil {
		t.Fatal(err)
	}
	slow, err := pool.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	if _, err := st.AddComment(ctx, slow, t1.ID, "agent", true, "slow reply"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, pool, t2.ID, "agent", true, "fast reply"); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Scan(ctx); err != nil || n != 0 {
		t.Fatalf("scan past an uncommitted id: %d, %v", n, err)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Scan(ctx); err != nil || n != 2 || queued != 2 {
		t.Fatalf("after commit: %d (%d), %v; want 2", n, queued, err)
	}
}

// TestScanConversationEvents: a conversation handed to the agents is
// sent as conversation.escalated; ids of the two event tables do not
// collide in the log.
func TestScanConversationEvents(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	var queued int
	svc, err := webhooks.New(pool, webhooks.Options{Settle: time.Millisecond, Resolver: exampleOrg,
		Enqueue: func(context.Context, *sql.Tx, webhooks.DeliverArgs) error { queued++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := svc.Subscribe(ctx, "https://example.org/a", "0123456789abcdef",
		[]string{webhooks.KindOpened, webhooks.KindConversationOpened, webhooks.KindConversationEscalated})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := bots.NewStore()
	err = db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		c, _, err := st.LockOpen(ctx, tx, "web", "k1", nil, "it", time.Now())
		if err != nil {
			return err
		}
		return st.SetState(ctx, tx, c, "bot", bots.StateQueued, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := tickets.NewStore(tickets.Options{})
	if _, err := ts.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	ds, err := svc.Deliveries(ctx, sub.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, d := range ds {
		kinds[d.Kind] = d.Source
	}
	if kinds[webhooks.KindOpened] != "ticket" || kinds[webhooks.KindConversationEscalated] != "conversation" || queued != len(ds) {
		t.Errorf("deliveries %v (queued %d)", kinds, queued)
	}
}
