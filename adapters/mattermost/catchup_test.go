// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/internal/testwait"
)

// TestCatchUpAfterReconnect: while the WebSocket is down the user writes
// again; the server cannot resume the old connection (it gives a new
// connection id), so the adapter reads the direct channel's posts since
// the last one it saw through REST and answers the missed one — once:
// the post it had already handled is not answered again.
func TestCatchUpAfterReconnect(t *testing.T) {
	d := newDesk(t, true)
	d.write("il lettore non riconosce la smart card")
	first := d.next()
	if first.ChannelId != d.channel {
		t.Fatalf("first answer in %s", first.ChannelId)
	}
	for len(d.f.createdPosts()) > d.seen { // the rest of the first turn
		d.next()
	}
	// The cursor moves once the engine has handled the post, after its
	// reply is posted: drop the connection only then, or the catch-up has
	// nothing to read from.
	waitFor(t, "the catch-up cursor moved", func() bool { return d.a.catchUp.snapshot()[d.channel].last > 0 })

	d.f.dropConnections()
	missed := d.f.userPost(d.user.Id, d.channel, "", "grazie, tutto risolto")
	reply := d.next()
	if reply.ChannelId != d.channel || reply.Message == "" {
		t.Fatalf("reply to the missed post: %+v", reply)
	}
	var handled int
	if err := d.db.Get(&handled, `SELECT count(*) FROM messages WHERE channel = 'mattermost' AND direction = 'in' AND external_id = $1`, missed.Id); err != nil {
		t.Fatal(err)
	}
	if handled != 1 {
		t.Fatalf("missed post recorded %d times", handled)
	}
	var ins int
	if err := d.db.Get(&ins, `SELECT count(*) FROM messages WHERE channel = 'mattermost' AND direction = 'in'`); err != nil {
		t.Fatal(err)
	}
	if ins != 2 {
		t.Fatalf("%d inbound messages, want the two the user wrote", ins)
	}
	if strings.Contains(reply.Message, "smart card") {
		t.Fatalf("the first question was answered again: %q", reply.Message)
	}
}

// startAdapter runs a on its own context; the returned stop ends Run and
// waits for it, as a service shutting down does.
func startAdapter(t *testing.T, a *Adapter) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := testwait.Recv(t, "Run returns", done); err != nil {
			t.Errorf("Run returned %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// TestCatchUpAfterRestart: the catch-up cursors are kept in PostgreSQL.
// The service stops; the user writes meanwhile; a new adapter instance on
// the same database reads the post through REST at its first connection
// and answers it exactly once — the post handled before the stop is not
// answered again.
func TestCatchUpAfterRestart(t *testing.T) {
	eng, pool := deskEngine(t)
	f := newFakeServer(t)
	user := f.addUser("mario.bianchi", "Mario", "Bianchi", "mario@example.org", "it")
	start := func() (*Adapter, func()) {
		a, err := New(Config{URL: f.srv.URL, Token: f.token}, eng, testLogger(io.Discard),
			WithBackoff(10*time.Millisecond, 40*time.Millisecond), WithDB(pool))
		if err != nil {
			t.Fatal(err)
		}
		eng.RegisterSender(Channel, a)
		conns := f.connections()
		stop := startAdapter(t, a)
		waitFor(t, "connection", func() bool { return f.connections() == conns+1 })
		return a, stop
	}
	seen := 0
	next := func() *model.Post {
		t.Helper()
		waitFor(t, "a reply of the bot", func() bool { return len(f.createdPosts()) > seen })
		seen++
		return f.createdPosts()[seen-1]
	}
	settle := func() { // the rest of a turn: every post of it
		t.Helper()
		var n int
		waitFor(t, "the turn recorded", func() bool {
			err := pool.Get(&n, `SELECT count(*) FROM messages WHERE channel = 'mattermost' AND direction = 'out'`)
			if err != nil {
				t.Fatal(err)
			}
			return n > 0 && len(f.createdPosts()) >= n
		})
		seen = len(f.createdPosts())
	}
	inbound := func(id string) int {
		t.Helper()
		var n int
		q := `SELECT count(*) FROM messages WHERE channel = 'mattermost' AND direction = 'in'`
		args := []any{}
		if id != "" {
			q += ` AND external_id = $1`
			args = append(args, id)
		}
		if err := pool.Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}

	a1, stop1 := start()
	dm, err := a1.dmChannel(context.Background(), user.Id)
	if err != nil {
		t.Fatal(err)
	}
	write := func(text string) {
		f.push(f.posted(f.userPost(user.Id, dm, "", text), "D", user.Username, []string{f.bot.Id}))
	}
	write("il lettore non riconosce la smart card")
	first := next()
	settle()
	// The cursor moves after the engine has handled the post, which is
	// after its reply is posted: stopping before it is saved loses it (the
	// post would then be read again, but a channel with no cursor at all
	// is not followed after the restart). Wait for the row, not the reply.
	waitFor(t, "the catch-up cursor saved", func() bool {
		var n int
		if err := pool.Get(&n, `SELECT count(*) FROM mattermost_cursors WHERE server = $1 AND channel_id = $2 AND last_post_at > 0`, f.srv.URL, first.ChannelId); err != nil {
			t.Fatal(err)
		}
		return n == 1
	})
	stop1()

	// Written while the service is down: no socket to deliver it.
	missed := f.userPost(user.Id, dm, "", "grazie, tutto risolto")

	start()
	reply := next()
	if reply.ChannelId != dm || reply.Message == "" || strings.Contains(reply.Message, "smart card") {
		t.Fatalf("reply after the restart: %+v", reply)
	}
	settle()
	if n := inbound(missed.Id); n != 1 {
		t.Fatalf("the post written while down was recorded %d times", n)
	}
	if n := inbound(""); n != 2 {
		t.Fatalf("%d inbound messages, want the two the user wrote", n)
	}
	var cursors int
	if err := pool.Get(&cursors, `SELECT count(*) FROM mattermost_cursors WHERE server = $1 AND channel_id = $2`, f.srv.URL, dm); err != nil {
		t.Fatal(err)
	}
	if cursors != 1 {
		t.Fatalf("%d cursor rows for the direct channel", cursors)
	}
}
