// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
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

// newEngine builds the real engine as the service does (cmd/helpdesk/app.go):
// PostgreSQL, the ticket store, an (empty) knowledge base searched in
// process, the severity model and the default business calendar; with
// changes a test makes to those options.
func newEngine(t *testing.T, now time.Time, change ...func(*bots.Options)) (*bots.Engine, *sqlx.DB, *tickets.Store) {
	t.Helper()
	ctx := context.Background()
	pool := testdb.New(t)
	clock := func() time.Time { return now }
	cal := tickets.DefaultBusinessCalendar()
	ts, err := tickets.NewStore(tickets.Options{Now: clock, Location: cal.Location()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(pool, clock)
	if err != nil {
		t.Fatal(err)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	severity, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	opt := bots.Options{DB: pool, Tickets: ts, Severity: severity, Calendar: cal, Now: clock,
		Logger:       slog.New(slog.DiscardHandler),
		Knowledge:    &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "https://desk.example.org"},
		BaseURL:      "https://desk.example.org",
		ReopenWindow: 7 * 24 * time.Hour}
	for _, c := range change {
		c(&opt)
	}
	eng, err := bots.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return eng, pool, ts
}

var numberRe = regexp.MustCompile(`HD-\d{4}-\d{6}`)

// e2e is one desk: the real engine, the adapter, and loopback IMAP and
// SMTP servers.
type e2e struct {
	t       *testing.T
	eng     *bots.Engine
	pool    *sqlx.DB
	tickets *tickets.Store
	imap    *imapServer
	smtp    *smtpServer
	a       *Adapter
}

func newE2E(t *testing.T, now time.Time) *e2e {
	eng, pool, ts := newEngine(t, now)
	x := &e2e{t: t, eng: eng, pool: pool, tickets: ts, imap: newIMAPServer(t, true), smtp: newSMTPServer(t, smtpOptions{})}
	cfg := imapConfig(x.imap)
	cfg.PollInterval, cfg.DisableIdle = time.Hour, false // IDLE wakes the adapter up
	cfg.SMTPAddr, cfg.SMTPUsername, cfg.SMTPPassword = x.smtp.Addr, smtpUser, smtpPass
	cfg.AttachmentDir = t.TempDir()
	x.a = newTestAdapter(t, cfg, eng, WithDB(pool), WithClock(func() time.Time { return now }))
	eng.RegisterSender(bots.ChannelEmail, x.a)
	startRun(t, x.a)
	return x
}

// deliver puts a mail in the inbox and waits until the adapter has
// processed every mail there.
func (x *e2e) deliver(raw []byte) {
	x.t.Helper()
	x.imap.deliver(x.t, "INBOX", raw)
	waitFor(x.t, "inbox processed", func() bool {
		for _, m := range x.imap.list(x.t, "INBOX") {
			if !processed(m) {
				return false
			}
		}
		return true
	})
}

// mails waits until the SMTP server holds n mails and returns them.
func (x *e2e) mails(n int) []sentMail {
	x.t.Helper()
	waitFor(x.t, fmt.Sprintf("%d mails sent", n), func() bool { return len(x.smtp.sent()) >= n })
	time.Sleep(testwait.Quiet) // a wrong extra mail gets a bounded while to show itself
	got := x.smtp.sent()
	if len(got) != n {
		x.t.Fatalf("%d mails sent, want %d", len(got), n)
	}
	return got
}

func (x *e2e) ticketCount() int {
	var n int
	if err := x.pool.Get(&n, `SELECT count(*) FROM tickets`); err != nil {
		x.t.Fatal(err)
	}
	return n
}

// replyMail is a requester's answer to one of our mails, quoting it the
// way Outlook does.
func replyMail(id, subject, inReplyTo, references, body string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: Rossi Maria <m.rossi@ambulatorio.example>
To: Help desk ASL <helpdesk@asl.example>
Subject: %s
Date: Tue, 24 Nov 2026 10:20:00 +0000
Message-ID: <%s>
In-Reply-To: <%s>
References: %s
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
MIME-Version: 1.0

%s

________________________________
Da: Help desk ASL <helpdesk@asl.example>
Inviato: martedì 24 novembre 2026 10:00
A: Rossi Maria <m.rossi@ambulatorio.example>
Oggetto: Re: [HD-2026-000001] Ricette elettroniche

Testo della nostra risposta precedente.
`, subject, id, inReplyTo, references, body), "\n", "\r\n"))
}

// TestOutOfHoursAcknowledgement: mails on a Sunday are acknowledged with
// the reopening time, each in its own language.
func TestOutOfHoursAcknowledgement(t *testing.T) {
	sunday := time.Date(2026, 11, 22, 15, 0, 0, 0, time.FixedZone("CET", 3600))
	x := newE2E(t, sunday)
	x.deliver(readFixture(t, "thunderbird.eml"))
	_, plain, _ := parts(t, x.mails(1)[0].Data)
	if !strings.Contains(plain, "l'help desk è chiuso: riapre") || !numberRe.MatchString(plain) {
		t.Fatalf("out-of-hours acknowledgement:\n%s", plain)
	}
	// A mail in English is answered in English. (Its subject carries a
	// number no ticket has, and its references are unknown: a new ticket.)
	x.deliver(readFixture(t, "gmail.eml"))
	h, en, _ := parts(t, x.mails(2)[1].Data)
	for _, s := range []string{"We have received your request", "The help desk is closed right now: it reopens", "Message sent automatically by the help desk."} {
		if !strings.Contains(en, s) {
			t.Errorf("English acknowledgement lacks %q:\n%s", s, en)
		}
	}
	if h.Get("Content-Language") != "en" || x.ticketCount() != 2 {
		t.Errorf("Content-Language %q, %d tickets", h.Get("Content-Language"), x.ticketCount())
	}
}
