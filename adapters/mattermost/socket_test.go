// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testwait"
)

// recorder is a hand-written Handler that keeps what it was given and
// can fail the first calls with an error.
type recorder struct {
	mu       sync.Mutex
	got      []bots.Inbound
	failWith error
	failures int
	calls    int
}

func (r *recorder) Handle(_ context.Context, in bots.Inbound) (bots.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.failures > 0 {
		r.failures--
		return bots.Result{}, r.failWith
	}
	r.got = append(r.got, in)
	return bots.Result{}, nil
}

func (r *recorder) inbounds() []bots.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bots.Inbound(nil), r.got...)
}

// syncBuffer is a log sink safe for the adapter's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newTestAdapter points a production adapter at the fake.
func newTestAdapter(t *testing.T, f *fakeServer, h Handler, cfg Config, logs io.Writer) *Adapter {
	t.Helper()
	cfg.URL, cfg.Token = f.srv.URL, f.token
	if logs == nil {
		logs = io.Discard
	}
	a, err := New(cfg, h, testLogger(logs), WithBackoff(10*time.Millisecond, 40*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// run starts Run and stops it when the test ends, checking it returns.
func run(t *testing.T, a *Adapter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-testwait.Expired(t):
			t.Error("Run did not return after cancel")
		}
	})
}

func TestRunReadsDirectMessagesAndMentions(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "alice@example.org", "it")
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, Config{}, nil)
	run(t, a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })

	dm := f.userPost(alice.Id, model.NewId(), "", "la VPN non si connette")
	f.push(f.posted(dm, "D", "alice.rossi", []string{f.bot.Id}))
	// The bot's own reply comes back on the socket too: it must be ignored.
	echo := &model.Post{Id: model.NewId(), UserId: f.bot.Id, ChannelId: dm.ChannelId, Message: "risposta", CreateAt: dm.CreateAt + 1}
	f.push(f.posted(echo, "D", "helpdesk", nil))
	// A channel post without a mention is not for the bot.
	chatter := f.userPost(alice.Id, model.NewId(), "", "pranzo alle 13?")
	f.push(f.posted(chatter, "O", "alice.rossi", nil))
	// A system message in a direct channel is not either.
	join := f.userPost(alice.Id, dm.ChannelId, "", "alice joined")
	join.Type = model.PostTypeJoinChannel
	f.push(f.posted(join, "D", "alice.rossi", nil))
	mention := f.userPost(alice.Id, model.NewId(), "", "@helpdesk la stampante di rete non stampa")
	f.push(f.posted(mention, "O", "alice.rossi", []string{f.bot.Id}))

	waitFor(t, "two inbound messages", func() bool { return len(rec.inbounds()) >= 2 })
	time.Sleep(testwait.Quiet) // let anything wrongly accepted arrive too
	got := rec.inbounds()
	if len(got) != 2 {
		t.Fatalf("got %d inbound messages, want 2: %+v", len(got), got)
	}
	want := []bots.Inbound{
		{Channel: "mattermost", ExternalID: dm.Id, ConversationKey: "dm:" + alice.Id, Text: "la VPN non si connette",
			User: bots.User{ID: alice.Id, Name: "Alice Rossi", Email: "alice@example.org", Lang: "it"}, At: time.UnixMilli(dm.CreateAt)},
		{Channel: "mattermost", ExternalID: mention.Id, ConversationKey: "th:" + mention.ChannelId + ":" + mention.Id, Text: "la stampante di rete non stampa",
			User: bots.User{ID: alice.Id, Name: "Alice Rossi", Email: "alice@example.org", Lang: "it"}, At: time.UnixMilli(mention.CreateAt)},
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) {
			t.Errorf("inbound %d at %v, want %v", i, got[i].At, want[i].At)
		}
		got[i].At = want[i].At
		if got[i] != want[i] {
			t.Errorf("inbound %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestThreadRepliesWithoutMention(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "en")
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, Config{}, nil)
	run(t, a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })

	// A thread the bot has posted in (known to the server, not to this
	// adapter instance): a reply there needs no mention.
	ch := model.NewId()
	root := f.userPost(alice.Id, ch, "", "@helpdesk printer")
	if err := a.Send(context.Background(), bots.Outbound{ExternalID: "out:1:0", ConversationKey: threadKey(ch, root.Id), Reply: bots.Reply{Text: "Which printer?"}}); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	a.threads = map[string]bool{} // as after a restart
	a.mu.Unlock()
	reply := f.userPost(alice.Id, ch, root.Id, "the one on floor 2")
	f.push(f.posted(reply, "O", "alice.rossi", nil))
	// A reply in a thread the bot is not part of is ignored.
	other := f.userPost(alice.Id, ch, "", "unrelated")
	otherReply := f.userPost(alice.Id, ch, other.Id, "still unrelated")
	f.push(f.posted(otherReply, "O", "alice.rossi", nil))

	waitFor(t, "the thread reply", func() bool { return len(rec.inbounds()) >= 1 })
	time.Sleep(testwait.Quiet) // a wrong extra one gets a bounded while to show itself
	got := rec.inbounds()
	if len(got) != 1 || got[0].ConversationKey != threadKey(ch, root.Id) || got[0].Text != "the one on floor 2" {
		t.Fatalf("got %+v", got)
	}
}

func TestMalformedEventsAreDroppedAndTheAdapterKeepsRunning(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	rec := &recorder{}
	logs := &syncBuffer{}
	a := newTestAdapter(t, f, rec, Config{}, logs)
	run(t, a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })

	f.push(`{"event":"posted","data":{"channel_type":"D","post":{"id":"not-a-string"}},"seq":1}`)
	f.push(`{"event":"posted","data":{"channel_type":"D","post":"{\"id\":\"tr`)
	f.push(`{"event":"posted","data":{"channel_type":"D","post":"{\"id\":\"x\"}"},"seq":2}`)
	f.push(`not json at all`)
	good := f.userPost(alice.Id, model.NewId(), "", "ciao")
	f.push(f.posted(good, "D", "alice.rossi", nil))

	waitFor(t, "the good post", func() bool { return len(rec.inbounds()) == 1 })
	if got := rec.inbounds()[0].ExternalID; got != good.Id {
		t.Fatalf("handled %q, want %q", got, good.Id)
	}
	if n := strings.Count(logs.String(), "mattermost event dropped"); n != 2 {
		t.Errorf("logged %d dropped events, want 2 (the other two frames are not events):\n%s", n, logs.String())
	}
	if f.connections() != 1 {
		t.Errorf("malformed frames caused %d connections", f.connections())
	}
}

func TestReconnectsAfterDropAndPingTimeout(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, Config{}, nil)
	clients := make(chan *model.WebSocketClient, 4)
	a.onConnect = func(ws *model.WebSocketClient) { clients <- ws }
	run(t, a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })
	<-clients

	first := f.userPost(alice.Id, model.NewId(), "", "uno")
	f.push(f.posted(first, "D", "alice.rossi", nil))
	waitFor(t, "first post", func() bool { return len(rec.inbounds()) == 1 })

	f.dropConnections()
	waitFor(t, "reconnection after a drop", func() bool { return f.connections() == 2 })
	ws := <-clients
	// The library signals a missing ping on PingTimeoutChannel after 65 s;
	// the signal is sent here directly.
	ws.PingTimeoutChannel <- true
	waitFor(t, "reconnection after a ping timeout", func() bool { return f.connections() == 3 })
	<-clients

	second := f.userPost(alice.Id, model.NewId(), "", "due")
	f.push(f.posted(second, "D", "alice.rossi", nil))
	waitFor(t, "second post", func() bool { return len(rec.inbounds()) == 2 })

	f.mu.Lock()
	queries := append([]string(nil), f.queries...)
	f.mu.Unlock()
	if !strings.Contains(queries[1], "connection_id=conn1") || !strings.Contains(queries[1], fmt.Sprintf("sequence_number=%d", 2)) {
		t.Errorf("the reconnection did not ask to resume after the last event: %q", queries[1])
	}
}

func TestWrongTokenOnTheSocket(t *testing.T) {
	tests := []struct {
		name         string
		ignoreHeader bool
		wantLog      string
	}{
		{"refused at the upgrade", false, "open the WebSocket"},
		{"refused by the challenge", true, "authentication challenge failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			f.ignoreHeader = tt.ignoreHeader
			logs := &syncBuffer{}
			a := newTestAdapter(t, f, &recorder{}, Config{}, logs)
			// users/me answers (the bot is known), but the socket refuses the token.
			a.bot = f.bot
			a.cfg.Token = "wrong"
			run(t, a)
			waitFor(t, "two refused attempts", func() bool {
				f.mu.Lock()
				defer f.mu.Unlock()
				return f.authFails >= 2
			})
			waitFor(t, "the refusal in the log", func() bool { return strings.Contains(logs.String(), tt.wantLog) })
			if f.connections() != 0 {
				t.Errorf("%d connections accepted with a wrong token", f.connections())
			}
		})
	}
}

func TestDatabaseOutageKeepsThePost(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	rec := &recorder{failWith: fmt.Errorf("%w: connection refused", db.ErrUnavailable), failures: 3}
	a := newTestAdapter(t, f, rec, Config{}, nil)
	run(t, a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })

	p1 := f.userPost(alice.Id, model.NewId(), "", "primo")
	p2 := f.userPost(alice.Id, p1.ChannelId, "", "secondo")
	f.push(f.posted(p1, "D", "alice.rossi", nil))
	f.push(f.posted(p2, "D", "alice.rossi", nil))
	waitFor(t, "both posts after the outage", func() bool { return len(rec.inbounds()) == 2 })
	got := rec.inbounds()
	if got[0].ExternalID != p1.Id || got[1].ExternalID != p2.Id {
		t.Errorf("order after the outage: %s, %s", got[0].Text, got[1].Text)
	}
	rec.mu.Lock()
	calls := rec.calls
	rec.mu.Unlock()
	if calls != 5 {
		t.Errorf("handler called %d times, want 3 failures + 2", calls)
	}
}

func TestTooLongAndEngineErrorsAreToldToTheUser(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"too long", bots.ErrTooLong, "dividilo in parti"},
		{"engine error", errors.New("boom"), "something went wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
			rec := &recorder{failWith: tt.err, failures: 1}
			a := newTestAdapter(t, f, rec, Config{}, nil)
			run(t, a)
			waitFor(t, "connection", func() bool { return f.connections() == 1 })
			f.push(f.posted(f.userPost(alice.Id, model.NewId(), "", "testo"), "D", "alice.rossi", nil))
			waitFor(t, "the notice", func() bool { return len(f.createdPosts()) == 1 })
			if msg := f.createdPosts()[0].Message; !strings.Contains(msg, tt.want) {
				t.Errorf("notice %q lacks %q", msg, tt.want)
			}
		})
	}
}

func TestTLSServerWithItsOwnCA(t *testing.T) {
	f := newFakeTLSServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
	rec := &recorder{}
	a, err := New(Config{URL: f.srv.URL, Token: f.token}, rec, testLogger(io.Discard),
		WithHTTPClient(f.srv.Client()), WithBackoff(10*time.Millisecond, 40*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.wsURL, "wss://") {
		t.Fatalf("socket URL %q", a.wsURL)
	}
	if err := a.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	run(t, a)
	waitFor(t, "a wss connection", func() bool { return f.connections() == 1 })
	f.push(f.posted(f.userPost(alice.Id, model.NewId(), "", "ciao"), "D", "alice.rossi", nil))
	waitFor(t, "the post", func() bool { return len(rec.inbounds()) == 1 })
}
