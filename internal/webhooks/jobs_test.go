// SPDX-License-Identifier: EUPL-1.2

package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/internal/db"
	"helpdesk/internal/jobs"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/internal/webhooks"
	"helpdesk/tickets"
)

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
