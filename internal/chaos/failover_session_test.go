// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/internal/leader"
	"helpdesk/internal/testwait"
)

// TestSessionsFollowTheFailover: the two things that hold a connection of
// their own for a long time — a leadership (the Telegram and mail pollers
// run under one) and a LISTEN for the consoles' live updates — come back by
// themselves on the promoted standby after the primary is killed and the
// address moved. Checked by what they do: the leader's work runs again, and
// a NOTIFY on the new primary reaches the listener.
func TestSessionsFollowTheFailover(t *testing.T) {
	t.Parallel()
	ctx := testwait.Context(t)
	ha := newHAPair(t, ctx)
	primary, standby, v, url := ha.primary, ha.standby, ha.vip, ha.url
	pool, err := db.Open(ctx, url, db.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })

	el, err := leader.New(pool.DB, leader.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Retry: 200 * time.Millisecond, Heartbeat: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	terms := make(chan struct{}, 16) // one value each time the work starts under the leadership
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go el.Run(runCtx, "chaos-failover", func(ctx context.Context) error {
		terms <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	testwait.Recv(t, "the first leadership", terms)

	// The consoles' listener, as web/live.go opens it.
	notified := make(chan string, 16)
	l := pq.NewDialListener(db.Dialer(), url, 100*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { l.Close() })
	if err := l.Listen("chaos_failover"); err != nil {
		t.Fatal(err)
	}
	go func() {
		for n := range l.Notify {
			if n != nil { // nil: the connection was re-established
				notified <- n.Extra
			}
		}
	}()
	notify := func(payload string) error {
		_, err := pool.ExecContext(ctx, `SELECT pg_notify('chaos_failover', $1)`, payload)
		return err
	}
	if err := notify("before"); err != nil {
		t.Fatal(err)
	}
	if got := testwait.Recv(t, "the notification before the fail-over", notified); got != "before" {
		t.Fatalf("notified %q", got)
	}

	if err := primary.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	v.move(ha.standbyAddr)
	promoted := time.Now()

	testwait.Recv(t, "the leadership taken again on the new primary", terms)
	fmt.Printf("chaos fail-over sessions: leadership back %s after the promotion\n", time.Since(promoted).Round(10*time.Millisecond))
	// The listener reconnects on its own schedule; a NOTIFY sent before it
	// listens again is not queued for it, so send until one arrives.
	testwait.For(t, "a notification on the new primary to reach the listener", func() bool {
		if err := notify("after"); err != nil && !db.IsUnavailable(err) {
			t.Fatal(err)
		}
		select {
		case got := <-notified:
			return got == "after"
		case <-time.After(200 * time.Millisecond): // one round of the resend
			return false
		}
	})
	fmt.Printf("chaos fail-over sessions: LISTEN back %s after the promotion\n", time.Since(promoted).Round(10*time.Millisecond))
}
