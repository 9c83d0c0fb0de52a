// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

func TestLiveFallbackPolling(t *testing.T) {
	t.Parallel()
	// No database to listen on: the hub tells pages to refresh on a timer.
	h := newLiveHub("", 50*time.Millisecond, slog.Default())
	defer h.Close()
	ch, stop := h.subscribe()
	defer stop()
	if got := testwait.Recv(t, "a refresh while the listener is down", ch); got != "refresh" {
		t.Fatalf("got %q, want refresh", got)
	}
}

// TestLiveHubListens: once the hub's LISTEN is in place, a NOTIFY on the
// engine's channel reaches every subscriber with the conversation's id.
func TestLiveHubListens(t *testing.T) {
	t.Parallel()
	u := testdb.NewURL(t)
	pool, err := db.Open(context.Background(), u, db.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	h := newLiveHub(u, time.Hour, slog.Default())
	defer h.Close()
	ch, stop := h.subscribe()
	defer stop()
	testwait.Closed(t, "the live hub's LISTEN", h.listening)
	pool.MustExec(`SELECT pg_notify($1, '4242')`, bots.NotifyChannel)
	if got := testwait.Recv(t, "the event of the NOTIFY", ch); got != "4242" {
		t.Fatalf("event %q, want 4242", got)
	}
}
