// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// TestTwoMessagesAtOnceAreOrdered sends two messages of one conversation
// concurrently: each one's replies must be recorded and sent before the
// other message is handled, never interleaved.
func TestTwoMessagesAtOnceAreOrdered(t *testing.T) {
	h := newHarness(t)
	for round := 0; round < 5; round++ {
		key := fmt.Sprintf("order-%d", round)
		var wg sync.WaitGroup
		for i, text := range []string{"ciao", "il lettore non legge la smart card"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.engine.Handle(context.Background(), Inbound{Channel: "memory", ExternalID: fmt.Sprintf("%s-%d", key, i),
					ConversationKey: key, User: User{ID: "u-order"}, Text: text})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var dirs []string
		if err := h.db.Select(&dirs, `SELECT m.direction FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.conversation_key = $1 ORDER BY m.id`, key); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(dirs, ",")
		if got != "in,out,in,out" {
			t.Fatalf("messages recorded as %s, want in,out,in,out", got)
		}
		var outs []int64
		if err := h.db.Select(&outs, `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.conversation_key = $1 AND direction = 'out' ORDER BY m.id`, key); err != nil {
			t.Fatal(err)
		}
		sent := h.mem.Replies(key)
		if len(sent) != 2 || sent[0].MessageID != outs[0] || sent[1].MessageID != outs[1] {
			t.Fatalf("sent %+v, want replies %v in order", sent, outs)
		}
	}
}

// outageKnowledge kills every connection to the test database while the
// engine is inside its transaction, as a PostgreSQL restart would.
type outageKnowledge struct {
	*fakeKnowledge
	kill func()
	once sync.Once
}

func (k *outageKnowledge) Search(ctx context.Context, q, lang, channel string) ([]Answer, error) {
	k.once.Do(k.kill)
	return k.fakeKnowledge.Search(ctx, q, lang, channel)
}

func TestDatabaseOutageDuringAMessage(t *testing.T) {
	h := newHarness(t)
	var dbname string
	if err := h.db.Get(&dbname, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	admin := h.adminDB()
	ok := &outageKnowledge{fakeKnowledge: h.kb, kill: func() {
		if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbname); err != nil {
			t.Errorf("terminate: %v", err)
		}
	}}
	h.engine.opt.Knowledge = ok
	in := Inbound{Channel: "memory", ExternalID: "outage-1", ConversationKey: "c-outage", User: User{ID: "u-outage"}, Text: "il lettore non legge la smart card"}
	_, err := h.engine.Handle(context.Background(), in)
	if err == nil {
		t.Fatal("Handle succeeded although the database went away mid-transaction")
	}
	if !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("err = %v, want it to wrap db.ErrUnavailable", err)
	}
	var n int
	if err := h.db.Get(&n, `SELECT count(*) FROM messages`); err != nil {
		t.Fatalf("database did not come back: %v", err)
	}
	if n != 0 {
		t.Fatalf("%d messages half-written after the outage, want 0", n)
	}
	if got := len(h.mem.Replies("c-outage")); got != 0 {
		t.Fatalf("%d replies sent for a failed message", got)
	}
	// The platform redelivers the same event: now it is handled, once.
	res, err := h.engine.Handle(context.Background(), in)
	if err != nil || res.Duplicate || len(res.Replies) != 1 {
		t.Fatalf("after the outage: %+v, %v", res, err)
	}
	if got := len(h.mem.Replies("c-outage")); got != 1 {
		t.Fatalf("%d replies after recovery, want 1", got)
	}
}

// flakySender fails its first n sends.
type flakySender struct {
	mu    sync.Mutex
	fails int
	sent  []Outbound
}

func (s *flakySender) Send(_ context.Context, out Outbound) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails > 0 {
		s.fails--
		return errors.New("platform answered 503")
	}
	s.sent = append(s.sent, out)
	return nil
}

type recordingRetry struct {
	mu  sync.Mutex
	ids []int64
}

func (r *recordingRetry) EnqueueSend(_ context.Context, id int64, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
	return nil
}

func TestFailedSendIsRetriedInOrderAndOnce(t *testing.T) {
	h := newHarness(t)
	flaky := &flakySender{fails: 1}
	retry := &recordingRetry{}
	h.engine.RegisterSender("flaky", flaky)
	h.engine.opt.Retry = retry
	ctx := context.Background()
	// The suggestion reply fails; the ticket-status question's reply, which
	// comes later, must wait behind it.
	in := Inbound{Channel: "flaky", ExternalID: "f1", ConversationKey: "cf", User: User{ID: "uf"}, Text: "ciao"}
	if _, err := h.engine.Handle(ctx, in); err != nil {
		t.Fatal(err)
	}
	if len(retry.ids) != 1 || len(flaky.sent) != 0 {
		t.Fatalf("after a failed send: queued %v, sent %d", retry.ids, len(flaky.sent))
	}
	var m Message
	if err := h.db.Get(&m, h.engine.store.q.GetMessage, retry.ids[0]); err != nil {
		t.Fatal(err)
	}
	if m.SentAt != nil || m.SendAttempts != 1 || !strings.Contains(m.SendError, "503") {
		t.Fatalf("failed reply bookkeeping: %+v", m)
	}
	if err := h.engine.Resend(ctx, retry.ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.Resend(ctx, retry.ids[0]); err != nil {
		t.Fatal(err)
	}
	if len(flaky.sent) != 1 {
		t.Fatalf("reply sent %d times, want once", len(flaky.sent))
	}
}

func TestResendWaitsForEarlierReplies(t *testing.T) {
	h := newHarness(t)
	flaky := &flakySender{fails: 100}
	h.engine.RegisterSender("flaky", flaky)
	retry := &recordingRetry{}
	h.engine.opt.Retry = retry
	ctx := context.Background()
	for i, text := range []string{"ciao", "grazie"} {
		if _, err := h.engine.Handle(ctx, Inbound{Channel: "flaky", ExternalID: fmt.Sprint("w", i), ConversationKey: "cw", User: User{ID: "uw"}, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if len(retry.ids) != 2 {
		t.Fatalf("queued %v", retry.ids)
	}
	flaky.fails = 0
	if err := h.engine.Resend(ctx, retry.ids[1]); !errors.Is(err, errNotYet) {
		t.Fatalf("second reply before the first: err = %v, want errNotYet", err)
	}
	for _, id := range retry.ids {
		if err := h.engine.Resend(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if len(flaky.sent) != 2 || flaky.sent[0].MessageID != retry.ids[0] {
		t.Fatalf("sent %+v", flaky.sent)
	}
}

func TestInactivityClosesBotConversationKeepsTicket(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.say("ui", "ci", "ciao")
	h.say("uj", "cj", "Suggerimento: un calendario dei corsi di formazione nel portale")
	h.now = h.now.Add(45 * time.Minute)
	n, err := h.engine.store.CloseIdle(ctx, h.db, h.now.Add(-30*time.Minute), h.now)
	if err != nil || n != 2 {
		t.Fatalf("closed %d, %v; want 2", n, err)
	}
	if c := h.conversation("ci"); c.State != StateClosed {
		t.Fatalf("state %s", c.State)
	}
	var open int
	if err := h.db.Get(&open, `SELECT count(*) FROM tickets WHERE state = 'new'`); err != nil {
		t.Fatal(err)
	}
	if open != 1 {
		t.Fatalf("%d tickets left open, want the suggestion's 1", open)
	}
	// The next message opens a new conversation.
	res, _ := h.say("ui", "ci", "ciao di nuovo")
	if res.ConversationID == h.conversation("cj").ID {
		t.Fatal("reused a closed conversation")
	}
}

func TestCatalogueComplete(t *testing.T) {
	if problems := botText.Check(); len(problems) > 0 {
		t.Fatal(strings.Join(problems, "\n"))
	}
}

// onceSender runs hook before its first send, then delivers to the memory
// channel.
type onceSender struct {
	mem  *Memory
	once sync.Once
	hook func()
}

func (s *onceSender) Send(ctx context.Context, out Outbound) error {
	s.once.Do(s.hook)
	return s.mem.Send(ctx, out)
}

// The database goes away between a reply's delivery and its mark: the
// mark is retried until it lands, so the sweep does not send the reply a
// second time.
func TestDeliveryMarkRetriedWhileTheDatabaseIsAway(t *testing.T) {
	deliveryMarkOutage(t, 30*time.Second, 700*time.Millisecond)
}

// The same when the database stays away longer than MarkSentRetry (a
// PostgreSQL restart under load took 20 s in the chaos tests): the retry
// window counts from the database's return, not from the send. Before,
// the mark gave up during the outage and the sweep sent the reply again.
func TestDeliveryMarkOutlastsALongOutage(t *testing.T) {
	deliveryMarkOutage(t, 100*time.Millisecond, 1500*time.Millisecond)
}

// deliveryMarkOutage refuses the bookkeeping connections for outage (the
// fault's length, not a wait) right after a reply is sent, with marks
// retried for retry, and checks the reply ends up marked.
func deliveryMarkOutage(t *testing.T, retry, outage time.Duration) {
	h := newHarness(t)
	ctx := context.Background()
	var dbname string
	if err := h.db.GetContext(ctx, &dbname, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(testdb.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + dbname
	q := u.Query()
	q.Set("application_name", "bookkeeping-test")
	u.RawQuery = q.Encode()
	book, err := sqlx.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	book.SetMaxOpenConns(1)
	if err := book.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	admin := h.adminDB()
	defer admin.Exec(`ALTER DATABASE ` + pq.QuoteIdentifier(dbname) + ` ALLOW_CONNECTIONS true`)
	back := make(chan struct{})
	sender := &onceSender{mem: h.mem, hook: func() {
		// The bookkeeping connection dies and no new one is accepted for
		// a moment.
		for _, stmt := range []string{
			`ALTER DATABASE ` + pq.QuoteIdentifier(dbname) + ` ALLOW_CONNECTIONS false`,
			`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bookkeeping-test'`,
		} {
			if _, err := admin.Exec(stmt); err != nil {
				t.Errorf("%s: %v", stmt, err)
			}
		}
		go func() {
			defer close(back)
			time.Sleep(outage) // the outage itself
			if _, err := admin.Exec(`ALTER DATABASE ` + pq.QuoteIdentifier(dbname) + ` ALLOW_CONNECTIONS true`); err != nil {
				t.Errorf("allow connections: %v", err)
			}
		}()
	}}
	eng, err := New(Options{DB: h.db, BookkeepingDB: book, Tickets: h.tickets, Knowledge: h.kb, Severity: severityModel(t),
		Calendar: tickets.DefaultBusinessCalendar(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return h.now }, MarkSentRetry: retry})
	if err != nil {
		t.Fatal(err)
	}
	eng.RegisterSender("memory", sender)
	res, err := eng.Handle(ctx, Inbound{Channel: "memory", ExternalID: "mark-1", ConversationKey: "c-mark", User: User{ID: "u-mark"}, Text: "buongiorno"})
	if err != nil || len(res.Replies) == 0 {
		t.Fatalf("Handle: %+v, %v", res, err)
	}
	<-back
	eng.WaitMarks()
	var unsent int
	if err := h.db.GetContext(ctx, &unsent, `SELECT count(*) FROM messages WHERE direction = 'out' AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`); err != nil {
		t.Fatal(err)
	}
	if unsent != 0 {
		t.Fatalf("%d delivered replies still unmarked after the database came back: the sweep would send them twice", unsent)
	}
}
