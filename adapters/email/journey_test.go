// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"flag"
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/bots/journey"
	"helpdesk/internal/testwait"
)

var updateJourney = flag.Bool("update", false, "rewrite the journey's golden transcript")

// mailJourney is the requester's mail client: it writes through
// Postfix (as mail from the Internet) and reads the desk's mails in the
// requester's own Dovecot mailbox, where Postfix delivered them.
type mailJourney struct {
	t    *testing.T
	host *mailHost
	db   *sqlx.DB
	sent int    // mails the requester has sent
	prev []byte // the last one, for Again
}

func (j *mailJourney) Name() string { return bots.ChannelEmail }

func (j *mailJourney) Mail(t *testing.T, subject, text string, replyTo int) {
	t.Helper()
	j.sent++
	id := fmt.Sprintf("journey-%d@ambulatorio.example", j.sent)
	h := fmt.Sprintf("From: Maria Rossi <%s>\r\nTo: Help desk ASL <%s>\r\nDate: %s\r\nMessage-ID: <%s>\r\n",
		requesterAddr, deskAddr, journey.Now.Add(time.Duration(j.sent)*time.Minute).Format(time.RFC1123Z), id)
	body := text
	if replyTo >= 0 {
		// A reply as Thunderbird writes it: threaded under the desk's
		// mail, "R: " before its subject, the desk's text quoted below.
		mails := j.host.folder(t, requesterAddr, "INBOX")
		hdr, plain, _ := parts(t, mails[replyTo].Raw)
		orig, err := (&gomail.Header{Header: hdr}).Subject()
		if err != nil {
			t.Fatal(err)
		}
		subject = "R: " + orig
		parent := hdr.Get("Message-Id")
		h += "In-Reply-To: " + parent + "\r\nReferences: " + strings.TrimSpace(hdr.Get("References")+" "+parent) + "\r\n"
		body += "\n\nIl 24/11/2026 10:00, Help desk ASL ha scritto:\n> " + strings.ReplaceAll(strings.TrimRight(plain, "\n"), "\n", "\n> ")
	}
	h += "Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
	j.prev = []byte(h + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n")
	j.deliver(t)
}

func (j *mailJourney) Again(t *testing.T) {
	t.Helper()
	j.sent++
	j.deliver(t)
}

// deliver sends the last mail through Postfix and waits until the
// adapter has handled every mail of the desk's inbox.
func (j *mailJourney) deliver(t *testing.T) {
	t.Helper()
	j.host.send(t, requesterAddr, []string{deskAddr}, j.prev)
	testwait.For(t, "the desk's inbox handled", func() bool {
		in := j.host.folder(t, deskAddr, "INBOX")
		for _, m := range in {
			if !processed(m.mailState) {
				return false
			}
		}
		return len(in) == j.sent
	})
}

// Shown waits until Postfix has delivered every mail the engine recorded
// as sent to the requester, then shows each as a reader sees it.
func (j *mailJourney) Shown() []journey.Shown {
	t := j.t
	t.Helper()
	var sent int
	if err := j.db.GetContext(testwait.Context(t), &sent, `SELECT count(*) FROM messages
		WHERE channel = 'email' AND direction = 'out' AND EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`); err != nil {
		t.Fatal(err)
	}
	mails := j.host.waitMails(t, requesterAddr, "INBOX", sent)
	var out []journey.Shown
	for _, m := range mails {
		h, plain, html := parts(t, m.Raw)
		subject, err := (&gomail.Header{Header: h}).Subject()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Subject: %s\n", subject)
		for _, k := range []string{"Auto-Submitted", "In-Reply-To"} {
			if v := h.Get(k); v != "" {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
		if html == "" {
			b.WriteString("(no HTML part)\n")
		}
		b.WriteString("\n" + plain)
		out = append(out, journey.Shown{Text: b.String()})
	}
	return out
}

// TestJourney plays the e-mail journey through Debian's Postfix and
// Dovecot and the production adapter (IMAP IDLE in, SMTP submission out).
func TestJourney(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	host := startMailHost(t)
	desk := journey.NewDesk(t, "../../content/kb")
	a := newTestAdapter(t, realConfig(host), desk.Engine, WithDB(desk.DB), WithClock(func() time.Time { return journey.Now }))
	desk.Engine.RegisterSender(bots.ChannelEmail, a)
	startRun(t, a)
	journey.RunMail(t, &mailJourney{t: t, host: host, db: desk.DB}, desk, *updateJourney)
}
