// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// A Tuesday morning in Rome: the desk is open, so the transcript is the
// same whenever the test runs.
var tuesdayMorning = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

var (
	modelOnce sync.Once
	model     *nlp.SeverityModel
	modelErr  error
)

// newEngine wires the real engine as cmd/helpdesk does: PostgreSQL, the
// ticket store, the knowledge base imported from kb/testdata and its
// searcher, the severity model and the default calendar.
func newEngine(t *testing.T) *bots.Engine {
	e, _ := newEngineOn(t)
	return e
}

// newEngineOn is newEngine, also returning its database.
func newEngineOn(t *testing.T) (*bots.Engine, *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	pool := testdb.New(t)
	now := func() time.Time { return tuesdayMorning }
	cal := tickets.DefaultBusinessCalendar()
	ts, err := tickets.NewStore(tickets.Options{Now: now, Location: cal.Location()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(pool, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Import(ctx, "../../kb/testdata/content", kb.ImportOptions{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	modelOnce.Do(func() { model, modelErr = nlp.NewSeverityModel() })
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := bots.New(bots.Options{DB: pool, Tickets: ts, Severity: model, Calendar: cal, Logger: quiet, Now: now,
		Knowledge: &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "https://help.example.org"},
		BaseURL:   "https://help.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return e, pool
}

// allSent waits until every reply the engine has recorded went out (the
// platform accepted it and the delivery is marked): once a turn's first
// reply is seen, its transaction has committed, so this is the end of
// the turn's sending.
func allSent(t *testing.T, pool *sqlx.DB) {
	t.Helper()
	testwait.For(t, "every recorded reply sent", func() bool {
		var unsent int
		if err := pool.Get(&unsent, `SELECT count(*) FROM messages WHERE direction = 'out' AND failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`); err != nil {
			t.Fatal(err)
		}
		return unsent == 0
	})
}

// waitFor waits for a post, from index from on, that satisfies ok.
func (f *fakeSlack) waitFor(from int, what string, ok func(post) bool) (post, int) {
	f.t.Helper()
	deadline := time.After(time.Until(testwait.Deadline(f.t)))
	for {
		f.mu.Lock()
		posts := append([]post(nil), f.posts...)
		f.mu.Unlock()
		for i := from; i < len(posts); i++ {
			if ok(posts[i]) {
				return posts[i], i
			}
		}
		select {
		case <-f.postCh:
		case <-deadline:
			f.t.Fatalf("no post %s among %+v", what, posts[from:])
		}
	}
}

// The path over Socket Mode: a user writes a question in a
// direct message → the bot answers from the KB with buttons → the user
// presses Not solved → names the product → a ticket number comes back
// (no e-mail question: users.info gave the address). A redelivered
// envelope then produces no second reply.
func TestEndToEndSocketMode(t *testing.T) {
	f := newFakeSlack(t)
	engine, pool := newEngineOn(t)
	a, _ := newTestAdapter(t, f, ModeSocket, engine)
	engine.RegisterSender(Channel, a)
	run(t, a)

	f.srv.SendToWebsocket(socketEnvelope("events_api", "e2e-1", fixture(t, "events/message_im.json"), 0))
	answer, i := f.waitFor(0, "with the KB answer", func(p post) bool { return slices.Contains(p.buttons(), "fb:no") })
	if answer.Channel != "D0ANNA" || answer.ThreadTS != "" || !strings.Contains(answer.body(), "smart card") {
		t.Fatalf("answer = %+v", answer)
	}
	if !slices.Contains(answer.buttons(), "fb:yes") {
		t.Errorf("answer buttons = %v", answer.buttons())
	}
	f.waitAcks("e2e-1")

	// Non risolto, pressed on the answer's own prompt: the entry names
	// the product, so the ticket is opened without asking for it.
	press := strings.Replace(string(fixture(t, "interactions/block_actions_dm.json")), `"value": "fb:no"`, `"value": "`+answer.value("fb:no")+`"`, 1)
	f.srv.SendToWebsocket(socketEnvelope("interactive", "e2e-2", []byte(press), 0))
	ticket, i := f.waitFor(i+1, "with the ticket number", func(p post) bool { return strings.Contains(p.body(), "HD-2026-") })
	if ticket.Channel != "D0ANNA" || !strings.Contains(ticket.body(), "*HD-2026-000001*") {
		t.Errorf("ticket message = %+v", ticket)
	}

	// More details while queued are added to the ticket and said so.
	reply := strings.NewReplacer("il lettore non riconosce la smart card", "il lettore resta con la luce rossa anche su un altro PC",
		"1764151200.000100", "1764151260.000100", "Ev0MSGIM0001", "Ev0MSGIM0002").Replace(string(fixture(t, "events/message_im.json")))
	f.srv.SendToWebsocket(socketEnvelope("events_api", "e2e-3", []byte(reply), 0))
	f.waitFor(i+1, "saying the details were added", func(p post) bool { return strings.Contains(p.body(), "Ho aggiunto") })
	f.waitAcks("e2e-2", "e2e-3")
	allSent(t, pool)
	before := f.postCount()

	// Slack redelivers the last message (as if our ack had been lost).
	f.srv.SendToWebsocket(socketEnvelope("events_api", "e2e-3-retry", []byte(reply), 1))
	f.waitAcks("e2e-3-retry")
	time.Sleep(testwait.Quiet) // a wrong extra post gets a bounded while to show itself
	for _, p := range f.waitPosts(before) {
		t.Logf("%s/%s: %q %v", p.Channel, p.ThreadTS, p.body(), p.buttons())
	}
	if n := f.postCount(); n != before {
		t.Fatalf("redelivery produced %d more posts", n-before)
	}
}

// The Events API path with the real engine: a question answered once
// even though Slack's first 429 and its redelivery (X-Slack-Retry-Num)
// get in the way; then the thread follow-up of a channel mention.
func TestEndToEndEventsAPI(t *testing.T) {
	f := newFakeSlack(t)
	f.limits = []int{1} // the first post meets a 429 with Retry-After: 1
	engine, pool := newEngineOn(t)
	a, logs := newTestAdapter(t, f, ModeHTTP, engine)
	engine.RegisterSender(Channel, a)
	run(t, a)

	body := fixture(t, "events/message_im.json")
	if w := serve(a, sign(t, EventsPath, body, testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	f.waitFor(0, "with the KB answer", func(p post) bool { return slices.Contains(p.buttons(), "fb:no") })
	allSent(t, pool)
	delivered := f.postCount()
	f.mu.Lock()
	attempts := f.attempts
	f.mu.Unlock()
	if attempts != delivered+1 {
		t.Errorf("attempts = %d for %d posts: the 429 should cost exactly one more", attempts, delivered)
	}

	r := sign(t, EventsPath, body, testSecret, time.Now())
	r.Header.Set("X-Slack-Retry-Num", "1")
	r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	if w := serve(a, r); w.Code != http.StatusOK {
		t.Fatalf("redelivery: status %d", w.Code)
	}
	time.Sleep(testwait.Quiet) // a wrong extra post gets a bounded while to show itself
	if n := f.postCount(); n != delivered {
		t.Fatalf("redelivery produced %d more posts", n-delivered)
	}
	if !strings.Contains(logs.String(), "redelivered event already handled") {
		t.Error("the duplicate was not recognised")
	}

	// A mention in a channel is answered in its thread, and the thread
	// goes on without a new mention.
	if w := serve(a, sign(t, EventsPath, fixture(t, "events/app_mention.json"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("mention: status %d", w.Code)
	}
	first, i := f.waitFor(delivered, "in the mention's thread", func(p post) bool { return p.Channel == "C0SUPPORT" })
	if first.ThreadTS != "1764151300.000200" {
		t.Fatalf("mention answered outside the thread: %+v", first)
	}
	allSent(t, pool)
	n := f.postCount()
	if w := serve(a, sign(t, EventsPath, fixture(t, "events/message_thread_reply.json"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("thread reply: status %d", w.Code)
	}
	next, _ := f.waitFor(max(n, i+1), "answering the thread reply", func(p post) bool { return p.Channel == "C0SUPPORT" })
	if next.ThreadTS != "1764151300.000200" {
		t.Fatalf("thread reply answered outside the thread: %+v", next)
	}
}
