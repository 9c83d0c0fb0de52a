// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testwait"
)

// syncBuffer is a log sink safe for concurrent writers.
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

// waitFor waits until cond holds, with the test's one deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, cond)
}

func recvInbound(t *testing.T, ch <-chan bots.Inbound) bots.Inbound {
	t.Helper()
	return testwait.Recv(t, "an update reaching the engine", ch)
}

func TestPollingConfirmsHandledUpdates(t *testing.T) {
	api := newFakeAPI(t)
	h := &recordingHandler{in: make(chan bots.Inbound, 10)}
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, h)
	api.push(textUpdate(10, 1, 501, "it", "la vpn non si connette"), callbackUpdate(11, "cbq-1", 501, "fb:no"))
	runAdapter(t, a)
	first, second := recvInbound(t, h.in), recvInbound(t, h.in)
	if first.Text != "la vpn non si connette" || second.Action != "fb:no" {
		t.Fatalf("got %+v then %+v", first, second)
	}
	waitFor(t, "offset 12", func() bool {
		for _, o := range api.seenOffsets() {
			if o == 12 {
				return true
			}
		}
		return false
	})
	if api.pending() != 0 {
		t.Fatalf("%d updates still unconfirmed", api.pending())
	}
	if got := api.callsTo("answerCallbackQuery"); len(got) != 1 || got[0].Fields["callback_query_id"] != "cbq-1" {
		t.Fatalf("answerCallbackQuery calls: %+v", got)
	}
	// The command menu was published in both languages and as default.
	waitFor(t, "setMyCommands", func() bool { return len(api.callsTo("setMyCommands")) == 3 })
	langs := map[string]string{}
	for _, c := range api.callsTo("setMyCommands") {
		langs[c.Fields["language_code"]] = c.Fields["commands"]
	}
	if !strings.Contains(langs["en"], `"command":"ticket"`) || !strings.Contains(langs["en"], "Open a ticket") ||
		!strings.Contains(langs["it"], "Apri una segnalazione") || langs[""] != langs["it"] {
		t.Fatalf("setMyCommands by language: %v", langs)
	}
}

// TestPollingKeepsTheOffsetOnDatabaseOutage: the engine reports the
// database unavailable for update 21; the adapter must not confirm it,
// fetch it again, and handle the chat's later update only after it.
func TestPollingKeepsTheOffsetOnDatabaseOutage(t *testing.T) {
	api := newFakeAPI(t)
	var mu sync.Mutex
	failures := 2
	h := &recordingHandler{in: make(chan bots.Inbound, 20), err: func(in bots.Inbound) error {
		mu.Lock()
		defer mu.Unlock()
		if in.Text == "secondo" && failures > 0 {
			failures--
			return fmt.Errorf("bots: %w: connection refused", db.ErrUnavailable)
		}
		return nil
	}}
	w := &waits{}
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, h, WithSleep(w.sleep))
	api.push(textUpdate(20, 1, 601, "it", "primo"), textUpdate(21, 2, 601, "it", "secondo"),
		textUpdate(22, 3, 601, "it", "terzo"), textUpdate(23, 1, 602, "it", "altra chat"))
	runAdapter(t, a)
	// Chat 602's update is handled again on each retry of the batch (the
	// engine answers those as duplicates); chat 601's must come in order,
	// with "terzo" only after "secondo" succeeded.
	var chat601 []string
	other := 0
	for len(chat601) == 0 || chat601[len(chat601)-1] != "terzo" {
		in := recvInbound(t, h.in)
		if in.ConversationKey == "602" {
			other++
			continue
		}
		chat601 = append(chat601, in.Text)
	}
	if strings.Join(chat601, ",") != "primo,secondo,terzo" {
		t.Fatalf("chat 601 handled %v, want primo,secondo,terzo in order", chat601)
	}
	if other == 0 {
		t.Fatal("the other chat's update was held up by the outage")
	}
	waitFor(t, "all confirmed", func() bool { return api.pending() == 0 })
	offsets := api.seenOffsets()
	var sawRetry bool
	for _, o := range offsets {
		if o > 22 && !sawRetry {
			t.Fatalf("offsets %v: moved past update 21 before it was handled", offsets)
		}
		if o == 21 {
			sawRetry = true
		}
	}
	if !sawRetry {
		t.Fatalf("offsets %v: update 21 was never asked for again", offsets)
	}
	if len(w.all()) < 2 {
		t.Fatalf("waits %v: the adapter should back off between database retries", w.all())
	}
}

func TestPollingDropsMalformedUpdates(t *testing.T) {
	api := newFakeAPI(t)
	logs := &syncBuffer{}
	h := &recordingHandler{in: make(chan bots.Inbound, 10)}
	a, err := New(Config{Token: testToken, APIURL: api.URL(), PollTimeout: time.Second}, h, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	api.push(`{"update_id":30,"message":{"message_id":"not a number"}}`,
		`{"update_id":31,"message":{"message_id":5,"chat":{"id":7,"type":"private"},"date":1,"text":"no sender"}}`,
		`{"update_id":32,"edited_message":{"message_id":5,"chat":{"id":7,"type":"private"},"date":1,"text":"x"}}`,
		textUpdate(33, 6, 7, "en", "still working"))
	runAdapter(t, a)
	if in := recvInbound(t, h.in); in.Text != "still working" {
		t.Fatalf("got %+v", in)
	}
	waitFor(t, "all confirmed", func() bool { return api.pending() == 0 })
	if n := strings.Count(logs.String(), "malformed update dropped"); n != 2 {
		t.Fatalf("%d malformed updates logged, want 2; log:\n%s", n, logs.String())
	}
}

func TestPollingSaysWhenAWebhookIsSet(t *testing.T) {
	api := newFakeAPI(t)
	logs := &syncBuffer{}
	w := &waits{}
	a, err := New(Config{Token: testToken, APIURL: api.URL(), PollTimeout: time.Second}, &recordingHandler{},
		slog.New(slog.NewTextHandler(logs, nil)), WithSleep(w.sleep))
	if err != nil {
		t.Fatal(err)
	}
	api.fail("getUpdates", 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
	h := &recordingHandler{in: make(chan bots.Inbound, 1)}
	a.h = h
	api.push(textUpdate(40, 1, 9, "it", "dopo"))
	runAdapter(t, a)
	recvInbound(t, h.in) // the loop went on after the 409
	out := logs.String()
	if !strings.Contains(out, "a webhook is set for this bot") || !strings.Contains(out, "deleteWebhook") {
		t.Fatalf("log does not explain the 409:\n%s", out)
	}
}

func TestGetUpdatesErrors(t *testing.T) {
	api := newFakeAPI(t)
	ctx := context.Background()
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, nil)
	api.fail("getUpdates", 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", 0)
	if _, err := a.getUpdates(ctx, 0); err == nil || !strings.Contains(err.Error(), "another process is polling") {
		t.Errorf("two pollers: %v", err)
	}
	api.fail("getUpdates", 429, "Too Many Requests: retry after 7", 7)
	var rl *rateLimited
	if _, err := a.getUpdates(ctx, 0); err == nil || !asRateLimited(err, &rl) || rl.after != 7*time.Second {
		t.Errorf("429: %v", err)
	}
	bad := newTestAdapter(t, Config{Token: "123456789:wrong", APIURL: api.URL(), PollTimeout: time.Second}, nil)
	_, err := bad.getUpdates(ctx, 0)
	if err == nil || !strings.Contains(err.Error(), "token rejected") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad token: %v (must not print the token)", err)
	}
}

func TestGetUpdatesLongPolls(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, nil)
	ctx := context.Background()

	got, err := a.getUpdates(ctx, 0)
	if err != nil || len(got) != 0 {
		t.Fatalf("empty queue: %d updates, %v", len(got), err)
	}
	if e := api.pollEndings(); len(e) != 1 || e[0] != (poll{1, "timeout"}) {
		t.Fatalf("the empty poll was %+v, want a 1 s long poll ended by its timeout", e)
	}

	// An update that arrives while the poll waits ends the poll: it is
	// not held until the timeout. The fake says when the poll waits.
	type polled struct {
		n   int
		err error
	}
	done := make(chan polled, 1)
	select {
	case <-api.waiting: // the first poll's signal
	default:
	}
	go func() {
		got, err := a.getUpdates(ctx, 0)
		done <- polled{len(got), err}
	}()
	testwait.Recv(t, "the second poll waiting", api.waiting)
	api.push(textUpdate(5, 1, 9, "it", "ciao"))
	if p := testwait.Recv(t, "the second poll's answer", done); p.err != nil || p.n != 1 {
		t.Fatalf("%d updates, %v", p.n, p.err)
	}
	if e := api.pollEndings(); len(e) != 2 || e[1].ended != "updates" {
		t.Fatalf("the poll ended %v: the update waited for the timeout", e)
	}
	// Asking from offset 6 confirms update 5: it is gone.
	if got, err := a.getUpdates(ctx, 6); err != nil || len(got) != 0 || api.pending() != 0 {
		t.Fatalf("after confirming: %d updates, %d pending, %v", len(got), api.pending(), err)
	}
	if offs := api.seenOffsets(); offs[len(offs)-1] != 6 {
		t.Fatalf("offsets sent %v", offs)
	}
}
