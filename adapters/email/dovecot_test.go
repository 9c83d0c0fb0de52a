// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
)

// The adapter's end-to-end behaviours against Debian's Dovecot and
// Postfix (mailhost_test.go): mail arrives the way it does in production
// (SMTP to Postfix, LMTP into Dovecot, read over IMAP with STARTTLS) and
// the replies leave through Postfix's submission port into the
// requester's own Dovecot mailbox, where the test reads them.

// realConfig is the adapter's configuration for the mail host: IMAP and
// SMTP both with STARTTLS, trusting the test certificate through
// Config.CAFile as an administrator of a private mail server would.
func realConfig(h *mailHost) Config {
	return Config{IMAPAddr: h.IMAPAddr, IMAPSecurity: SecurityStartTLS, IMAPUsername: deskAddr, IMAPPassword: mailPass,
		PollInterval: time.Hour, SMTPAddr: h.SubmissionAddr, SMTPSecurity: SecurityStartTLS,
		SMTPUsername: deskAddr, SMTPPassword: mailPass, FromAddress: deskAddr, FromName: "Help desk ASL",
		CAFile: h.CAFile, Timeout: 30 * time.Second}
}

// realDesk is the engine and the adapter on the mail host.
type realDesk struct {
	*e2e
	host *mailHost
}

func newRealDesk(t *testing.T, now time.Time) *realDesk {
	host := startMailHost(t)
	eng, pool, ts := newEngine(t, now)
	cfg := realConfig(host)
	cfg.AttachmentDir = t.TempDir()
	a := newTestAdapter(t, cfg, eng, WithDB(pool), WithClock(func() time.Time { return now }))
	eng.RegisterSender(bots.ChannelEmail, a)
	startRun(t, a)
	return &realDesk{e2e: &e2e{t: t, eng: eng, pool: pool, tickets: ts, a: a}, host: host}
}

// arrive sends a mail to the desk through Postfix and waits until the
// desk's inbox holds wantInbox mails, every one handled by the adapter.
func (x *realDesk) arrive(from string, raw []byte, wantInbox int) {
	x.t.Helper()
	x.host.send(x.t, from, []string{deskAddr}, raw)
	x.inboxHandled(wantInbox)
}

// inboxHandled waits until the desk's inbox holds n mails, all flagged
// as processed by the adapter.
func (x *realDesk) inboxHandled(n int) {
	x.t.Helper()
	testwait.For(x.t, fmt.Sprintf("%d mails in the desk's inbox, all handled", n), func() bool {
		in := x.host.folder(x.t, deskAddr, "INBOX")
		if len(in) < n {
			return false
		}
		for _, m := range in {
			if !processed(m.mailState) {
				return false
			}
		}
		return true
	})
}

// received waits until the requester's mailbox holds n mails, lets a
// wrong extra one a bounded while to show up, and returns them.
func (x *realDesk) received(n int) []hostMail {
	x.t.Helper()
	x.host.waitMails(x.t, requesterAddr, "INBOX", n)
	time.Sleep(testwait.Quiet)
	got := x.host.folder(x.t, requesterAddr, "INBOX")
	if len(got) != n {
		x.t.Fatalf("the requester has %d mails, want %d", len(got), n)
	}
	return got
}

// TestDovecotPostfixThread follows one thread through Postfix and
// Dovecot: an Outlook mail (RFC 2047 subject, a TNEF attachment) opens a
// ticket; the acknowledgement reaches the requester's mailbox threaded
// under it, its non-ASCII subject encoded and decoded intact; the same
// mail delivered again by Postfix (a second copy, same Message-ID) opens
// nothing; a reply becomes a comment; a real Postfix DSN for a mail the
// desk sent to an address Dovecot does not know, and an out-of-office
// notice, are neither answered nor ticketed (no loop); the agent's reply,
// the resolution and the rating by mail complete the thread.
func TestDovecotPostfixThread(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	x := newRealDesk(t, tuesdayMorning)
	ctx := context.Background()
	const originalID = "AM6PR07MB4567A1B2C3D4E5F6A7B8C9D0E1F2A@AM6PR07MB4567.eurprd07.prod.outlook.com"

	// 1. A new mail → a ticket, its attachment, its acknowledgement.
	x.arrive(requesterAddr, readFixture(t, "outlook.eml"), 1)
	ack := x.received(1)[0]
	h, plain, _ := parts(t, ack.Raw)
	number := numberRe.FindString(plain)
	if number == "" {
		t.Fatalf("acknowledgement without a ticket number:\n%s", plain)
	}
	mh := gomail.Header{Header: h}
	if subject, err := mh.Subject(); err != nil || subject != "Re: ["+number+"] Ricette elettroniche: errore all'avvio" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if h.Get("In-Reply-To") != "<"+originalID+">" || h.Get("Auto-Submitted") != "auto-replied" {
		t.Errorf("In-Reply-To %q, Auto-Submitted %q", h.Get("In-Reply-To"), h.Get("Auto-Submitted"))
	}
	if !strings.Contains(h.Get("Received"), "mx.test") {
		t.Errorf("the acknowledgement did not pass through Postfix: Received %q", h.Get("Received"))
	}
	tk, err := x.tickets.GetByNumber(ctx, x.pool, number)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := x.tickets.Attachments(ctx, x.pool, tk.ID)
	if err != nil || len(atts) != 1 || atts[0].Filename != "winmail.dat" {
		t.Errorf("attachments %+v, %v", atts, err)
	}

	// 2. Postfix delivers the same mail again: a second copy in the inbox,
	// the same Message-ID, nothing new.
	x.arrive(requesterAddr, readFixture(t, "outlook.eml"), 2)
	if n := x.ticketCount(); n != 1 {
		t.Fatalf("%d tickets after a second copy", n)
	}

	// 3. A reply with a non-ASCII RFC 2047 subject → a comment.
	ackID := strings.Trim(h.Get("Message-Id"), "<>")
	reply := replyMail("reply-1@ambulatorio.example", "=?utf-8?q?R=3A_=5B"+number+"=5D_perch=C3=A9_non_parte=3F?=", ackID,
		"<"+originalID+"> <"+ackID+">", "Aggiungo che succede anche sul secondo PC.")
	x.arrive(requesterAddr, reply, 3)
	cs, err := x.tickets.Comments(ctx, x.pool, tk.ID, false)
	if err != nil || len(cs) != 1 || cs[0].Body != "Aggiungo che succede anche sul secondo PC." {
		t.Fatalf("comments %+v, %v", cs, err)
	}
	// Queued: the desk says it added the details, as on a chat.
	if _, p, _ := parts(t, x.received(2)[1].Raw); !strings.Contains(p, "Ho aggiunto il tuo messaggio alla segnalazione "+number) {
		t.Fatalf("answer to a reply while queued:\n%s", p)
	}

	// 4. A mail from an address Postfix takes but Dovecot does not know:
	// the desk acknowledges it, Postfix bounces the acknowledgement with a
	// DSN into the desk's inbox, and the DSN is left unanswered.
	gone := strings.ReplaceAll(string(readFixture(t, "thunderbird.eml")), "m.rossi@ambulatorio.example", "gone@asl.example")
	x.arrive("gone@asl.example", []byte(gone), 4)
	dsn := x.host.waitMails(t, deskAddr, "INBOX", 5)[4]
	if dh, _, _ := parts(t, dsn.Raw); !strings.Contains(dh.Get("Content-Type"), "report-type=delivery-status") {
		t.Fatalf("the fifth mail of the inbox is not Postfix's DSN: %q", dh.Get("Content-Type"))
	}
	x.inboxHandled(5)
	// 5. An out-of-office notice from the requester: not answered either.
	x.arrive(requesterAddr, readFixture(t, "autoreply.eml"), 6)
	if n := x.ticketCount(); n != 2 {
		t.Fatalf("%d tickets after a DSN and an auto-reply, want 2", n)
	}
	if log := x.host.postfixLog(t); strings.Count(log, "status=bounced") != 1 {
		t.Errorf("want exactly one bounce (the acknowledgement to gone@), Postfix logged:\n%s", log)
	}
	x.received(2)

	// 6. An agent answers, resolves, and the requester rates by mail.
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
	if err := x.eng.Reply(ctx, convID, agent, "Provi ad avviare il programma come amministratore."); err != nil {
		t.Fatal(err)
	}
	if err := x.eng.Resolve(ctx, convID, agent, "fixed", "Permessi della cartella corretti."); err != nil {
		t.Fatal(err)
	}
	// Postfix delivers mails queued together in any order (several at once
	// to one mailbox): each is found by what it says, not by its place.
	got := x.received(6) // acknowledgement, added, joined, reply, resolution, question
	joined, _, _ := parts(t, mailSaying(t, got, "è entrat").Raw)
	rh, rplain, _ := parts(t, mailSaying(t, got, "come amministratore").Raw)
	if joined.Get("Auto-Submitted") != "auto-generated" || rh.Get("Auto-Submitted") != "" ||
		!strings.Contains(rplain, "come amministratore") || rh.Get("In-Reply-To") != "<"+originalID+">" {
		t.Errorf("joined Auto-Submitted %q; reply Auto-Submitted %q, In-Reply-To %q:\n%s",
			joined.Get("Auto-Submitted"), rh.Get("Auto-Submitted"), rh.Get("In-Reply-To"), rplain)
	}
	qh, question, _ := parts(t, mailSaying(t, got, "Rispondi a questa e-mail scrivendo solo un numero").Raw)
	if !strings.Contains(question, "Rispondi a questa e-mail scrivendo solo un numero da 1 a 5.") {
		t.Fatalf("satisfaction question:\n%s", question)
	}
	questionID := strings.Trim(qh.Get("Message-Id"), "<>")
	x.arrive(requesterAddr, replyMail("rating-1@ambulatorio.example", "R: ["+number+"] Ricette elettroniche", questionID,
		"<"+originalID+"> <"+questionID+">", "4"), 7)
	mailSaying(t, x.received(7), "Grazie per il tuo giudizio") // the answer to the rating
	var rating int
	if err := x.pool.Get(&rating, `SELECT rating FROM satisfaction WHERE ticket_id = $1`, tk.ID); err != nil || rating != 4 {
		t.Fatalf("rating %d, %v", rating, err)
	}
	if tk, err = x.tickets.Get(ctx, x.pool, tk.ID); err != nil || tk.State != tickets.StateResolved {
		t.Fatalf("ticket %+v, %v", tk, err)
	}
}

// TestOutOfOfficeNoLoop: the requester's mailbox has an out-of-office
// Sieve script (Dovecot's Pigeonhole, a real robot). It leaves the desk's
// acknowledgement and notices alone (they say Auto-Submitted); it answers
// the agent's reply, a person's mail; the desk reads that answer and
// neither answers it nor adds it to the ticket. No loop.
func TestOutOfOfficeNoLoop(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	x := newRealDesk(t, tuesdayMorning)
	x.host.vacation(t, requesterAddr, "Sono fuori ufficio fino a lunedì.")
	ctx := context.Background()
	x.arrive(requesterAddr, readFixture(t, "outlook.eml"), 1)
	x.received(1)
	var convID, agentID int64
	if err := x.pool.Get(&convID, `SELECT id FROM conversations WHERE channel = 'email'`); err != nil {
		t.Fatal(err)
	}
	if err := x.pool.Get(&agentID, `INSERT INTO users (username, display_name, role, presence) VALUES ('giulia', 'Giulia', 'agent_l1', 'online') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: agentID, Name: "Giulia", Level: 1}
	if err := x.eng.Take(ctx, convID, agent); err != nil {
		t.Fatal(err)
	}
	if err := x.eng.Reply(ctx, convID, agent, "Mi manda il numero di serie del lettore?"); err != nil {
		t.Fatal(err)
	}
	got := x.received(3) // acknowledgement, joined, reply
	// The out-of-office answer reaches the desk, and it answers the
	// agent's reply: the script answers one mail a day per sender, so
	// had it answered the acknowledgement, the reply would get none.
	in := x.host.waitMails(t, deskAddr, "INBOX", 2)
	oh, _, _ := parts(t, in[1].Raw)
	rh, _, _ := parts(t, mailSaying(t, got, "numero di serie del lettore").Raw)
	if !strings.HasPrefix(oh.Get("Auto-Submitted"), "auto-replied") || oh.Get("Subject") != "Fuori ufficio" {
		t.Fatalf("second mail of the desk's inbox is not the out-of-office answer:\n%s", in[1].Raw)
	}
	if oh.Get("In-Reply-To") != rh.Get("Message-Id") {
		t.Fatalf("the out-of-office answered %s, not the agent's reply %s", oh.Get("In-Reply-To"), rh.Get("Message-Id"))
	}
	x.inboxHandled(2)
	time.Sleep(testwait.Quiet) // a wrong answer to it gets a bounded while to show itself
	if n := len(x.host.folder(t, deskAddr, "INBOX")); n != 2 {
		t.Errorf("%d mails in the desk's inbox, want 2 (the first mail and one out-of-office answer)", n)
	}
	x.received(3)
	var comments int
	if err := x.pool.Get(&comments, `SELECT count(*) FROM ticket_comments`); err != nil {
		t.Fatal(err)
	}
	if comments != 1 { // the agent's reply
		t.Errorf("%d comments, want only the agent's reply", comments)
	}
}
