package email

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
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

// TestEndToEnd follows one mail thread through the real engine: a new mail
// opens a ticket and is acknowledged (number, tracking link, threaded,
// marked automatic); the same mail delivered again changes nothing; a
// reply with the number in the subject becomes a comment; a bounce and an
// out-of-office notice open nothing and get no answer; an agent's reply
// and the resolution reach the requester, who rates the help by replying
// with a number.
func TestEndToEnd(t *testing.T) {
	x := newE2E(t, tuesdayMorning)
	ctx := context.Background()
	original := readFixture(t, "outlook.eml")
	const originalID = "AM6PR07MB4567A1B2C3D4E5F6A7B8C9D0E1F2A@AM6PR07MB4567.eurprd07.prod.outlook.com"

	// 1. A new mail → a ticket and its acknowledgement.
	x.deliver(original)
	ack := x.mails(1)[0]
	if len(ack.To) != 1 || ack.To[0] != "m.rossi@ambulatorio.example" {
		t.Fatalf("acknowledgement sent to %v", ack.To)
	}
	h, plain, _ := parts(t, ack.Data)
	number := numberRe.FindString(plain)
	if number == "" {
		t.Fatalf("acknowledgement without a ticket number:\n%s", plain)
	}
	mh := gomail.Header{Header: h}
	subject, _ := mh.Subject()
	if subject != "Re: ["+number+"] Ricette elettroniche: errore all'avvio" {
		t.Errorf("subject %q", subject)
	}
	if h.Get("In-Reply-To") != "<"+originalID+">" || h.Get("Auto-Submitted") != "auto-replied" {
		t.Errorf("In-Reply-To %q, Auto-Submitted %q", h.Get("In-Reply-To"), h.Get("Auto-Submitted"))
	}
	if !strings.Contains(plain, "https://desk.example.org/track/"+number) || !strings.Contains(plain, "Abbiamo ricevuto la tua richiesta") {
		t.Errorf("acknowledgement text:\n%s", plain)
	}
	tk, err := x.tickets.GetByNumber(ctx, x.pool, number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.OriginChannel != bots.ChannelEmail || tk.Subject != "Ricette elettroniche: errore all'avvio" || !strings.Contains(tk.Description, "Errore 0x80070005") {
		t.Errorf("ticket %+v", tk)
	}
	atts, err := x.tickets.Attachments(ctx, x.pool, tk.ID)
	if err != nil || len(atts) != 1 || atts[0].Filename != "winmail.dat" || len(atts[0].SHA256) != 64 {
		t.Errorf("attachments %+v, %v", atts, err)
	}

	// 2. The same mail delivered again: one ticket, one acknowledgement.
	x.deliver(original)
	x.mails(1)
	if n := x.ticketCount(); n != 1 {
		t.Fatalf("%d tickets after a redelivery", n)
	}

	// 3. A reply with the number in the subject → a public comment, the
	// quoted history left out.
	ackID := strings.Trim(h.Get("Message-Id"), "<>")
	x.deliver(replyMail("reply-1@ambulatorio.example", "R: ["+number+"] Ricette elettroniche: errore all'avvio", ackID,
		"<"+originalID+"> <"+ackID+">", "Aggiungo che succede anche sul secondo PC."))
	cs, err := x.tickets.Comments(ctx, x.pool, tk.ID, false)
	if err != nil || len(cs) != 1 || cs[0].Body != "Aggiungo che succede anche sul secondo PC." {
		t.Fatalf("comments %+v, %v", cs, err)
	}
	if n := x.ticketCount(); n != 1 {
		t.Fatalf("%d tickets after a reply", n)
	}

	// 4. A bounce and an out-of-office notice: nothing opened, nothing sent.
	x.deliver(readFixture(t, "bounce.eml"))
	x.deliver(readFixture(t, "autoreply.eml"))
	x.mails(1)
	if n := x.ticketCount(); n != 1 {
		t.Fatalf("%d tickets after a bounce and an auto-reply", n)
	}
	if cs, err := x.tickets.Comments(ctx, x.pool, tk.ID, false); err != nil || len(cs) != 1 {
		t.Fatalf("%d comments after a bounce and an auto-reply (%v)", len(cs), err)
	}

	// 5. An agent takes the conversation and answers from the console.
	var convID int64
	if err := x.pool.Get(&convID, `SELECT id FROM conversations WHERE channel = 'email' AND ticket_id = $1`, tk.ID); err != nil {
		t.Fatal(err)
	}
	var agentID int64
	if err := x.pool.Get(&agentID, `INSERT INTO users (username, display_name, role, presence) VALUES ('giulia', 'Giulia', 'agent_l1', 'online') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: agentID, Name: "Giulia", Level: 1}
	if err := x.eng.Take(ctx, convID, agent); err != nil {
		t.Fatal(err)
	}
	if err := x.eng.Reply(ctx, convID, agent, "Provi ad avviare il programma come amministratore e mi dica se l'errore resta."); err != nil {
		t.Fatal(err)
	}
	sent := x.mails(3) // joined + reply
	rh, rplain, _ := parts(t, sent[2].Data)
	if !strings.Contains(rplain, "Provi ad avviare il programma come amministratore") || rh.Get("Auto-Submitted") != "" ||
		!strings.Contains(rplain, "lasciando ["+number+"] nell'oggetto") || rh.Get("In-Reply-To") != "<"+originalID+">" {
		t.Errorf("agent reply (Auto-Submitted %q):\n%s", rh.Get("Auto-Submitted"), rplain)
	}

	// 6. Resolved: the note and the 1–5 question, answered by mail with "4".
	if err := x.eng.Resolve(ctx, convID, agent, "fixed", "Permessi della cartella corretti."); err != nil {
		t.Fatal(err)
	}
	sent = x.mails(5)
	_, resolved, _ := parts(t, sent[3].Data)
	qh, question, _ := parts(t, sent[4].Data)
	if !strings.Contains(resolved, number) || !strings.Contains(question, "Rispondi a questa e-mail scrivendo solo un numero da 1 a 5.") {
		t.Fatalf("resolution mails:\n%s\n---\n%s", resolved, question)
	}
	questionID := strings.Trim(qh.Get("Message-Id"), "<>")
	x.deliver(replyMail("rating-1@ambulatorio.example", "R: ["+number+"] Ricette elettroniche: errore all'avvio", questionID,
		"<"+originalID+"> <"+questionID+">", "4"))
	thanks := x.mails(6)[5]
	if _, p, _ := parts(t, thanks.Data); !strings.Contains(p, "Grazie per il tuo giudizio") {
		t.Fatalf("after the rating:\n%s", p)
	}
	var rating int
	if err := x.pool.Get(&rating, `SELECT rating FROM satisfaction WHERE ticket_id = $1`, tk.ID); err != nil || rating != 4 {
		t.Fatalf("rating %d, %v", rating, err)
	}
	if tk, err = x.tickets.Get(ctx, x.pool, tk.ID); err != nil {
		t.Fatal(err)
	}
	if tk.State != tickets.StateResolved {
		t.Fatalf("the rating changed the ticket to %s", tk.State)
	}
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
