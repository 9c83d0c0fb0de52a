// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/nlp"
	"helpdesk/tickets"
)

// lockProbe checks, from a connection of its own, whether anybody holds
// the conversation's row lock or an open transaction on the database.
type lockProbe struct {
	t     *testing.T
	admin *sqlx.DB
	db    string
	key   string
	calls atomic.Int32
}

func (p *lockProbe) check(what string) {
	p.calls.Add(1)
	ctx := context.Background()
	tx, err := p.admin.BeginTxx(ctx, nil)
	if err != nil {
		p.t.Errorf("%s: %v", what, err)
		return
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '50ms'`); err != nil {
		p.t.Errorf("%s: %v", what, err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM conversations WHERE conversation_key = $1 FOR UPDATE`, p.key); err != nil {
		p.t.Errorf("%s was asked while the conversation was locked: %v", what, err)
	}
	var open int
	if err := p.admin.GetContext(ctx, &open, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1
		AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()`, p.db); err != nil {
		p.t.Errorf("%s: %v", what, err)
	}
	if open > 1 { // the probe's own transaction
		p.t.Errorf("%s was asked with %d transactions open on the database", what, open-1)
	}
}

type probeComposer struct{ p *lockProbe }

func (c probeComposer) Compose(_ context.Context, q, lang string, sources []Answer) (string, []string, error) {
	c.p.check("the composer")
	return "Risposta scritta dal modello [" + sources[0].EntryID + "]", []string{sources[0].EntryID}, nil
}

type probeSeverity struct {
	p     *lockProbe
	local *nlp.SeverityModel
}

func (s probeSeverity) Remote() bool { return true }
func (s probeSeverity) Assess(ctx context.Context, text, lang string) nlp.Severity {
	s.p.check("the severity model")
	return s.local.Assess(ctx, text, lang)
}

// A language model is never asked inside the message's transaction nor
// while the conversation's row is locked; its answer is used, and the
// knowledge base is searched once per message however many tries.
func TestModelCallsOutsideTheTransaction(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var dbname string
	if err := h.db.GetContext(ctx, &dbname, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	p := &lockProbe{t: t, admin: h.db, db: dbname, key: "c-model"}
	eng, err := New(Options{DB: h.db, Tickets: h.tickets, Knowledge: h.kb, Severity: probeSeverity{p, severityModel(t)},
		Composer: probeComposer{p}, Calendar: tickets.DefaultBusinessCalendar(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	eng.RegisterSender("memory", h.mem)
	h.engine = eng
	h.say("u-model", "c-model", "buongiorno")
	searches := len(h.kb.searches())
	_, lines := h.say("u-model", "c-model", "il lettore non legge la smart card")
	if got := strings.Join(lines, "\n"); !strings.Contains(got, "Risposta scritta dal modello") {
		t.Errorf("the composed answer was not used:\n%s", got)
	}
	if n := len(h.kb.searches()) - searches; n != 1 {
		t.Errorf("%d searches for one message, want 1", n)
	}
	if p.calls.Load() < 2 {
		t.Errorf("model asked %d times, want the severity and the composer", p.calls.Load())
	}
	// The ticket path asks the severity model again: also outside.
	before := p.calls.Load()
	var all []string
	for _, msg := range []string{"[fb:no]", "il lettore della smart card non funziona da stamattina, nessun errore", "[skip]", "[skip]"} {
		res, lines := h.say("u-model", "c-model", msg)
		all = append(all, lines...)
		if res.TicketNumber != "" {
			break
		}
	}
	if p.calls.Load() == before {
		t.Errorf("opening the ticket did not ask the severity model:\n%s", strings.Join(all, "\n"))
	}
}
