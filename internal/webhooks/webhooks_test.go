// SPDX-License-Identifier: EUPL-1.2

package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/jobs"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
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

func TestSignMatchesDocumentedAlgorithm(t *testing.T) {
	at := time.Unix(1767225600, 0)
	body := []byte(`{"kind":"ticket.opened"}`)
	h := http.Header{}
	h.Set("X-Helpdesk-Timestamp", "1767225600")
	h.Set("X-Helpdesk-Signature", webhooks.Sign("s3cret-s3cret-s3cret", at, body))
	if !verify("s3cret-s3cret-s3cret", h, body, at) {
		t.Fatal("signature does not verify")
	}
	for name, mutate := range map[string]func(){
		"other secret": func() { h.Set("X-Helpdesk-Signature", webhooks.Sign("another-secret-here", at, body)) },
		"other time":   func() { h.Set("X-Helpdesk-Timestamp", "1767225601") },
		"other body":   func() { body = []byte(`{"kind":"ticket.closed"}`) },
	} {
		h.Set("X-Helpdesk-Timestamp", "1767225600")
		h.Set("X-Helpdesk-Signature", webhooks.Sign("s3cret-s3cret-s3cret", at, body))
		mutate()
		if verify("s3cret-s3cret-s3cret", h, body, at) {
			t.Errorf("%s: still verifies", name)
		}
		body = []byte(`{"kind":"ticket.opened"}`)
	}
}

// TestDeliveredOnceAfterFailures: a receiver that fails twice then
// succeeds gets each event exactly once (as a success), with a valid
// signature, and the log shows three attempts.
func TestDeliveredOnceAfterFailures(t *testing.T) {
	ctx := context.Background()
	url := testdb.NewURL(t)
	pool, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	const secret = "a-secret-of-some-length"
	var mu sync.Mutex
	calls, accepted := 0, map[int64]int{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if !verify(secret, r.Header, body, time.Now()) {
			t.Errorf("bad signature on %s", body)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if calls <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var p webhooks.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Error(err)
		}
		accepted[p.EventID]++
	}))
	defer recv.Close()

	// The receiver is on loopback: the allow-list lets deliveries reach it.
	svc, err := webhooks.New(pool, webhooks.Options{Backoff: func(int) time.Duration { return 10 * time.Millisecond }, Settle: time.Millisecond,
		AllowPrivateTargets: loopback})
	if err != nil {
		t.Fatal(err)
	}
	client, err := jobs.New(pool.DB, jobs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Register: []func(*river.Workers){svc.Register}, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetClient(client)
	events, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(ctx)

	sub, err := svc.Subscribe(ctx, recv.URL, secret, []string{webhooks.KindOpened, webhooks.KindStateChanged})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, recv.URL, "short", []string{webhooks.KindOpened}); err == nil {
		t.Error("short secret accepted")
	}
	st, _ := tickets.NewStore(tickets.Options{})
	tk, err := st.Create(ctx, pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Printer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, pool, tk.ID, "agent", false, "internal note: not sent"); err != nil {
		t.Fatal(err)
	}
	n, err := svc.Scan(ctx)
	if err != nil || n != 1 {
		t.Fatalf("scan queued %d, %v; want 1", n, err)
	}
	if n, err := svc.Scan(ctx); err != nil || n != 0 {
		t.Fatalf("a second scan queued %d again (%v)", n, err)
	}
	select {
	case <-events:
	case <-testwait.Expired(t):
		t.Fatal("delivery not completed")
	}
	mu.Lock()
	if calls != 3 || len(accepted) != 1 {
		t.Errorf("calls %d, accepted %v; want 3 calls, one event", calls, accepted)
	}
	for id, k := range accepted {
		if k != 1 {
			t.Errorf("event %d accepted %d times", id, k)
		}
	}
	mu.Unlock()
	ds, err := svc.Deliveries(ctx, sub.ID, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("log %+v, %v", ds, err)
	}
	if d := ds[0]; d.Status != "delivered" || d.Attempts != 3 || d.LastStatus != 200 || d.DeliveredAt == nil || d.Kind != webhooks.KindOpened {
		t.Errorf("log entry %+v", d)
	}
	// Delivering again (a duplicate job) sends nothing.
	if err := svc.Deliver(ctx, ds[0].ID, false); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if calls != 3 {
		t.Errorf("a delivered event was sent again (%d calls)", calls)
	}
	mu.Unlock()
	// The log of a deleted subscription, or of one never made, is not an
	// empty log: there is no such subscription.
	if err := svc.Unsubscribe(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{sub.ID, sub.ID + 1000} {
		if ds, err := svc.Deliveries(ctx, id, 10); !errors.Is(err, webhooks.ErrNotFound) {
			t.Errorf("deliveries of subscription %d: %v, %v; want ErrNotFound", id, ds, err)
		}
	}
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
