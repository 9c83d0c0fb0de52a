// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
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

// tuesdayMorning is inside the default business hours, so the transcript
// does not depend on when the test runs.
var tuesdayMorning = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// newEngine builds the real engine as the service does: PostgreSQL, the
// ticket store, the knowledge base imported from testdata/kb and searched
// in process, the severity model and the default business calendar.
func newEngine(t *testing.T) (*bots.Engine, *sqlx.DB) {
	t.Helper()
	return newEngineWith(t, nil)
}

// newEngineWith lets wrap change the knowledge base the engine uses.
func newEngineWith(t *testing.T, wrap func(bots.Knowledge) bots.Knowledge) (*bots.Engine, *sqlx.DB) {
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
	rep, err := store.Import(ctx, "testdata/kb", kb.ImportOptions{Author: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		t.Fatalf("knowledge base fixtures rejected: %+v", rep.Rejected)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	severity, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	var knowledge bots.Knowledge = &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "https://desk.example.org"}
	if wrap != nil {
		knowledge = wrap(knowledge)
	}
	eng, err := bots.New(bots.Options{DB: pool, Tickets: ts, Severity: severity, Calendar: cal, Now: now,
		Logger: slog.New(slog.DiscardHandler), Knowledge: knowledge, BaseURL: "https://desk.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return eng, pool
}

// buttons reads the inline keyboard of a sent message: label → data.
func buttons(t *testing.T, c call) map[string]string {
	t.Helper()
	out := map[string]string{}
	if c.Fields["reply_markup"] == "" {
		return out
	}
	var kb keyboard
	if err := json.Unmarshal([]byte(c.Fields["reply_markup"]), &kb); err != nil {
		t.Fatal(err)
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			out[b.Text] = b.CallbackData
		}
	}
	return out
}

var ticketNumber = regexp.MustCompile(`HD-\d{4}-\d{6}`)

// TestEndToEnd: a user writes a question in a private chat → the bot
// answers from the knowledge base with buttons → the user presses "Non
// risolto" → after the questions the bot asks, a ticket number comes
// back. The first reply meets a 429 on the way and still arrives once.
// Then the service restarts and Telegram delivers the first message
// again: the engine recognises it and nothing is sent twice.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	eng, pool := newEngine(t)
	api := newFakeAPI(t)
	w := &waits{}
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool), WithSleep(w.sleep))
	eng.RegisterSender("telegram", a)
	stop := startRun(t, a)

	const user = 7012345678
	api.fail("sendMessage", 429, "Too Many Requests: retry after 2", 2)
	first := textUpdate(900, 1, user, "it", "il lettore di smart card non legge la tessera")
	api.push(first)
	answer := api.nextSent(t)
	if !strings.Contains(answer.Fields["text"], "<b>Il lettore non legge la tessera sanitaria</b>") ||
		!strings.Contains(answer.Fields["text"], `<a href="https://desk.example.org/kb/lettore-tessera">`) {
		t.Fatalf("answer text:\n%s", answer.Fields["text"])
	}
	if got := w.all(); len(got) != 1 || got[0] != 2*time.Second {
		t.Fatalf("waits %v, want one of 2s for the 429", got)
	}
	btn := buttons(t, answer)
	notSolved, ok := btn["Non risolto"]
	if !ok || btn["Risolto"] == "" {
		t.Fatalf("answer buttons %v", btn)
	}

	update, msgID := int64(901), int64(2)
	press := func(data string) {
		api.push(callbackUpdate(update, fmt.Sprintf("cbq-%d", update), user, data))
		update++
	}
	write := func(text string) {
		api.push(textUpdate(update, msgID, user, "it", text))
		update, msgID = update+1, msgID+1
	}
	press(notSolved)
	var number string
	var transcript []string
	for step := 0; step < 6 && number == ""; step++ {
		c := api.nextSent(t)
		txt := c.Fields["text"]
		transcript = append(transcript, txt)
		b := buttons(t, c)
		switch {
		case ticketNumber.MatchString(txt):
			number = ticketNumber.FindString(txt)
		case strings.Contains(txt, "Quale programma"):
			write("il lettore della tessera sanitaria")
		case strings.Contains(txt, "e-mail") && b["Salta"] != "":
			press(b["Salta"])
		case strings.Contains(txt, "descrizione") || strings.Contains(txt, "dettagli"):
			write("il lettore USB non riconosce la tessera sanitaria e non compare nessun errore")
		default:
			t.Fatalf("unexpected bot message: %q (buttons %v)", txt, b)
		}
	}
	if number == "" {
		t.Fatalf("no ticket number; transcript:\n%s", strings.Join(transcript, "\n---\n"))
	}
	t.Logf("transcript after Non risolto:\n%s", strings.Join(transcript, "\n---\n"))
	var origin string
	if err := pool.Get(&origin, `SELECT origin_channel FROM tickets WHERE number = $1`, number); err != nil || origin != "telegram" {
		t.Fatalf("ticket %s: origin %q, %v", number, origin, err)
	}
	if n := len(api.callsTo("answerCallbackQuery")); n != int(update-901)-int(msgID-2) {
		t.Errorf("%d callbacks answered, want every press answered", n)
	}
	// The engine records a reply as sent once Send returns.
	waitFor(t, "every reply recorded as sent", func() bool {
		var unsent int
		err := pool.Get(&unsent, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'out' AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`)
		return err == nil && unsent == 0
	})
	sentSoFar := len(api.callsTo("sendMessage"))

	// Restart: a new instance polls from offset 0 and Telegram hands out
	// the first message again (as when a confirmation was lost).
	stop()
	b := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool))
	eng.RegisterSender("telegram", b)
	startRun(t, b)
	// (The conversation now waits for an operator, so a probe comes from
	// another user: its reply shows the redelivered update is behind us.)
	api.push(first, textUpdate(update, 1, user+1, "it", "la stampante del piano non stampa"))
	probe := api.nextSent(t)
	if probe.Fields["chat_id"] != fmt.Sprint(user+1) {
		t.Fatalf("the redelivered message was answered again: %q", probe.Fields["text"])
	}
	api.noMoreSent(t, 300*time.Millisecond)
	if got := len(api.callsTo("sendMessage")); got != sentSoFar+1 {
		t.Fatalf("%d messages sent after the redelivery, want %d", got, sentSoFar+1)
	}
	var in int
	if err := pool.Get(&in, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND external_id = $1`, messageID(123456789, user, 1)); err != nil {
		t.Fatal(err)
	}
	if in != 1 {
		t.Fatalf("the first message is recorded %d times", in)
	}
}

// startRun runs the adapter until the returned stop is called (or the
// test ends).
func startRun(t *testing.T, a *Adapter) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	stop := func() {
		cancel()
		select {
		case <-done:
		case <-testwait.Expired(t):
			t.Error("Run did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

// TestWebhookRedeliveryRepliesOnce: Telegram posts the same update twice
// (it does when an answer is lost); the user gets one reply.
func TestWebhookRedeliveryRepliesOnce(t *testing.T) {
	t.Parallel()
	eng, _ := newEngine(t)
	api := newFakeAPI(t)
	a, mux := webhookAdapter(t, api, eng)
	eng.RegisterSender("telegram", a)
	upd := textUpdate(950, 1, 7020000000, "it", "la stampante del piano non stampa")
	for i := 0; i < 2; i++ {
		if rec := postUpdate(mux, testSecret, upd); rec.Code != 200 {
			t.Fatalf("delivery %d: status %d", i+1, rec.Code)
		}
	}
	sent := api.callsTo("sendMessage")
	if len(sent) != 1 {
		t.Fatalf("%d replies to one message delivered twice, want 1", len(sent))
	}
	if !strings.Contains(sent[0].Fields["text"], "stampante") {
		t.Fatalf("reply %q", sent[0].Fields["text"])
	}
}

// TestCommandsThroughTheEngine: the registered commands reach the engine
// as what they mean.
func TestCommandsThroughTheEngine(t *testing.T) {
	t.Parallel()
	eng, _ := newEngine(t)
	api := newFakeAPI(t)
	a, mux := webhookAdapter(t, api, eng)
	eng.RegisterSender("telegram", a)
	tests := []struct {
		user    int64
		command string
		want    string
		buttons int
	}{
		{7030000001, "/start", "Ecco cosa posso fare", 4},
		{7030000002, "/help@DeskTestBot", "Ecco cosa posso fare", 4},
		{7030000003, "/ticket", "mi serve una descrizione", 1},
		{7030000004, "/status HD-2026-000999", "Non trovo la segnalazione HD-2026-000999", 0},
		{7030000005, "/status", "Non hai segnalazioni aperte", 0},
	}
	for i, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			before := len(api.callsTo("sendMessage"))
			if rec := postUpdate(mux, testSecret, textUpdate(int64(960+i), 1, tt.user, "it", tt.command)); rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			sent := api.callsTo("sendMessage")[before:]
			if len(sent) != 1 {
				t.Fatalf("%d replies", len(sent))
			}
			if !strings.Contains(sent[0].Fields["text"], tt.want) || len(buttons(t, sent[0])) != tt.buttons {
				t.Fatalf("reply %q with buttons %v; want %q and %d buttons", sent[0].Fields["text"], buttons(t, sent[0]), tt.want, tt.buttons)
			}
		})
	}
}

// outageKnowledge cuts every connection to the test database while the
// engine is inside its transaction (as a PostgreSQL restart would), once.
type outageKnowledge struct {
	bots.Knowledge
	kill func()
	once sync.Once
}

func (k *outageKnowledge) Search(ctx context.Context, q, lang, channel string) ([]bots.Answer, error) {
	k.once.Do(k.kill)
	return k.Knowledge.Search(ctx, q, lang, channel)
}

// TestPollingSurvivesADatabaseRestart: the real engine loses its database
// in the middle of a message; the update is not confirmed, is fetched
// again, and the user gets exactly one answer.
func TestPollingSurvivesADatabaseRestart(t *testing.T) {
	t.Parallel()
	var ok *outageKnowledge
	eng, pool := newEngineWith(t, func(k bots.Knowledge) bots.Knowledge {
		ok = &outageKnowledge{Knowledge: k}
		return ok
	})
	var dbname string
	if err := pool.Get(&dbname, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	admin, err := sqlx.Open("postgres", testdb.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ok.kill = func() {
		if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbname); err != nil {
			t.Errorf("terminate: %v", err)
		}
	}
	api := newFakeAPI(t)
	w := &waits{}
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool), WithSleep(w.sleep))
	eng.RegisterSender("telegram", a)
	api.push(textUpdate(980, 1, 7040000000, "it", "la stampante del piano non stampa"))
	startRun(t, a)

	reply := api.nextSent(t)
	if !strings.Contains(reply.Fields["text"], "stampante") {
		t.Fatalf("reply %q", reply.Fields["text"])
	}
	api.noMoreSent(t, 300*time.Millisecond)
	if len(w.all()) == 0 {
		t.Fatal("the adapter did not back off after the outage")
	}
	asked := 0
	for _, o := range api.seenOffsets() {
		if o == 0 {
			asked++
		}
	}
	if asked < 2 {
		t.Fatalf("offsets %v: the failed update was confirmed instead of fetched again", api.seenOffsets())
	}
	waitFor(t, "confirmed", func() bool { return api.pending() == 0 })
}
