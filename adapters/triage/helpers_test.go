// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/adapters/mattermost"
	"helpdesk/adapters/slack"
	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// A Tuesday morning in Rome: the desk is open. The clock moves on from
// there with real time, so timeouts and orderings behave.
var tuesdayMorning = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

var (
	modelOnce sync.Once
	sevModel  *nlp.SeverityModel
	modelErr  error
)

// env is the real engine on a fresh PostgreSQL database, with a
// Telegram-like user on the in-process channel "memory".
type env struct {
	t      *testing.T
	pool   *sqlx.DB
	dsn    string
	engine *bots.Engine
	mem    *bots.Memory
	now    func() time.Time
	seq    atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.NewURL(t)
	pool, err := db.Open(ctx, dsn, db.Options{MaxOpenConns: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	start := time.Now()
	now := func() time.Time { return tuesdayMorning.Add(time.Since(start)) }
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
	modelOnce.Do(func() { sevModel, modelErr = nlp.NewSeverityModel() })
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	e, err := bots.New(bots.Options{DB: pool, Tickets: ts, Severity: sevModel, Calendar: cal, Logger: quietLog(), Now: now,
		Knowledge: &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "https://help.example.org"},
		BaseURL:   "https://help.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	mem := bots.NewMemory()
	e.RegisterSender("memory", mem)
	return &env{t: t, pool: pool, dsn: dsn, engine: e, mem: mem, now: now}
}

// quietLog discards logs; TRIAGE_TEST_LOG=1 shows them.
func quietLog() *slog.Logger {
	if os.Getenv("TRIAGE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// say is the memory user writing (or pressing "[action]").
func (v *env) say(key, msg string) bots.Result {
	v.t.Helper()
	in := bots.Inbound{Channel: "memory", ExternalID: fmt.Sprintf("m%d", v.seq.Add(1)), ConversationKey: key,
		User: bots.User{ID: "user-" + key, Name: "Anna Rossi"}}
	if strings.HasPrefix(msg, "[") && strings.HasSuffix(msg, "]") {
		in.Action = strings.Trim(msg, "[]")
	} else {
		in.Text = msg
	}
	res, err := v.engine.Handle(context.Background(), in)
	if err != nil {
		v.t.Fatalf("Handle(%q): %v", msg, err)
	}
	return res
}

// queued makes the memory user of key ask for a person and open a
// ticket; it returns the queued conversation's id and ticket number.
func (v *env) queued(key string) (int64, string) {
	v.t.Helper()
	res := v.say(key, "voglio parlare con un operatore: da stamattina il gestionale delle ricette si blocca quando stampo il promemoria")
	if res.TicketNumber == "" {
		v.t.Fatalf("no ticket opened; replies: %+v", v.mem.Replies(key))
	}
	c := v.conv(res.ConversationID)
	if c.State != bots.StateQueued {
		v.t.Fatalf("state %s, want queued", c.State)
	}
	return c.ID, res.TicketNumber
}

func (v *env) conv(id int64) *bots.Conversation {
	v.t.Helper()
	var c bots.Conversation
	if err := v.pool.Get(&c, `SELECT * FROM conversations WHERE id = $1`, id); err != nil {
		v.t.Fatal(err)
	}
	return &c
}

// agent adds a console user; chat ids may be empty.
func (v *env) agent(username, role, email, slackID, mattermostID string) int64 {
	v.t.Helper()
	var id int64
	if err := v.pool.Get(&id, `INSERT INTO users (username, display_name, role, email, slack_user_id, mattermost_user_id)
		VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, '')) RETURNING id`,
		username, strings.ToUpper(username[:1])+username[1:], role, email, slackID, mattermostID); err != nil {
		v.t.Fatal(err)
	}
	return id
}

// userGot waits until the memory user has a reply containing s.
func (v *env) userGot(key, s string) {
	v.t.Helper()
	eventually(v.t, "the user receives "+s, func() bool {
		for _, r := range v.mem.Replies(key) {
			if strings.Contains(r.Reply.Text, s) {
				return true
			}
		}
		return false
	})
}

// userNever checks that no reply to the user contains s.
func (v *env) userNever(key, s string) {
	v.t.Helper()
	for _, r := range v.mem.Replies(key) {
		if strings.Contains(r.Reply.Text, s) {
			v.t.Fatalf("the user received %q: %q", s, r.Reply.Text)
		}
	}
}

func (v *env) ticketState(number string) string {
	v.t.Helper()
	var s string
	if err := v.pool.Get(&s, `SELECT state FROM tickets WHERE number = $1`, number); err != nil {
		v.t.Fatal(err)
	}
	return s
}

// chat is the triage channel's platform as a test wires it: the
// production adapter, hooked to the relay the way cmd/helpdesk's
// newTriage hooks it (the adapter's TriageEvent converted to Event).
type chat struct {
	poster Poster
	attach func(r *Relay, channel string)
}

func viaSlack(a *slack.Adapter) chat {
	return chat{poster: a, attach: func(r *Relay, channel string) {
		a.SetTriage(channel, func(_ context.Context, ev slack.TriageEvent) { r.Receive(Event(ev)) })
	}}
}

func viaMattermost(a *mattermost.Adapter) chat {
	return chat{poster: a, attach: func(r *Relay, channel string) {
		a.SetTriage(channel, func(_ context.Context, ev mattermost.TriageEvent) { r.Receive(Event(ev)) })
	}}
}

// relay starts a triage relay on the chat until the test ends.
func (v *env) relay(cfg Config, on chat) *Relay {
	v.t.Helper()
	cfg.DatabaseURL = v.dsn
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 300 * time.Millisecond
	}
	r, err := New(cfg, v.engine, quietLog(), WithDB(v.pool), WithClock(v.now), WithPoster(on.poster))
	if err != nil {
		v.t.Fatal(err)
	}
	on.attach(r, cfg.ChannelID)
	run(v.t, r.Run)
	return r
}

// run runs fn until the test ends.
func run(t *testing.T, fn func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-testwait.Expired(t):
			t.Error("Run did not return after cancel")
		}
	})
}

// eventually waits until cond holds, with the test's one deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, "until "+what, cond)
}

// count reads one number, failing the test when the query does.
func (v *env) count(query string, args ...any) int {
	v.t.Helper()
	var n int
	if err := v.pool.Get(&n, query, args...); err != nil {
		v.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func agentOf(id int64, name string, level int) bots.Agent {
	return bots.Agent{ID: id, Name: name, Level: level}
}
