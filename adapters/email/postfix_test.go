// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
)

// TestPostfixSubmissionErrors: against Postfix's submission port and
// Dovecot's IMAP, an untrusted certificate on STARTTLS is a TLS error
// (not "offers neither AUTH PLAIN nor LOGIN", and not the reply's fault);
// trusted through ca_file, both servers work, over STARTTLS and over
// IMAPS; a recipient Postfix does not know (550 5.1.1 at RCPT) is refused
// for good.
func TestPostfixSubmissionErrors(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	host := startMailHost(t)
	ctx := context.Background()
	to := bots.MailKey(requesterAddr, "root@ambulatorio.example")

	untrusted := realConfig(host)
	untrusted.CAFile = "" // the system's roots: the test certificate is unknown
	a := newTestAdapter(t, untrusted, nil)
	// The messages docs/channels/email.md tells an administrator to look for.
	err := a.Send(ctx, bots.Outbound{ConversationKey: to, Reply: bots.Reply{Text: "ciao"}})
	if err == nil || !strings.Contains(err.Error(), docSMTPTLS) || !strings.Contains(err.Error(), docUnknownCA) || strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("STARTTLS with an untrusted certificate: %v", err)
	}
	if errors.Is(err, bots.ErrUndeliverable) {
		t.Errorf("a certificate problem is the administrator's to fix, not the reply's: %v", err)
	}
	if err := a.Check(ctx); err == nil || !strings.Contains(err.Error(), docIMAPTLS) || !strings.Contains(err.Error(), docUnknownCA) {
		t.Errorf("Check with an untrusted certificate = %v", err)
	}
	untrusted.IMAPAddr = "" // the SMTP side of Check alone
	if err := newTestAdapter(t, untrusted, nil).Check(ctx); err == nil || !strings.Contains(err.Error(), docSMTPTLS) {
		t.Errorf("Check of SMTP with an untrusted certificate = %v", err)
	}

	trusted := realConfig(host)
	a = newTestAdapter(t, trusted, nil)
	if err := a.Check(ctx); err != nil {
		t.Fatalf("Check with ca_file: %v", err)
	}
	implicit := trusted
	implicit.IMAPAddr, implicit.IMAPSecurity = host.IMAPSAddr, SecurityTLS
	if err := newTestAdapter(t, implicit, nil).Check(ctx); err != nil {
		t.Errorf("Check over IMAPS with ca_file: %v", err)
	}

	err = a.Send(ctx, bots.Outbound{ConversationKey: bots.MailKey("nobody@asl.example", "root@asl.example"), Reply: bots.Reply{Text: "ciao"}})
	if !errors.Is(err, bots.ErrUndeliverable) || !strings.Contains(err.Error(), "550") {
		t.Errorf("unknown recipient: %v (want a permanent 550)", err)
	}
	if err := a.Send(ctx, bots.Outbound{ConversationKey: to, Reply: bots.Reply{Text: "ciao"}}); err != nil {
		t.Fatalf("a known recipient: %v", err)
	}
	if got := host.waitMails(t, requesterAddr, "INBOX", 1); len(got) != 1 {
		t.Fatalf("%d mails delivered, want 1", len(got))
	}
}

// recordingRetry is the engine's retry queue, noting what it is asked to
// retry (nothing runs the retries: a test sees what would wait).
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

func (r *recordingRetry) queued() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.ids...)
}

// TestPostfixRefusalDoesNotHoldBackLaterReplies: Postfix refuses one
// agent reply at the end of DATA (its content filter, 550 5.7.1): the
// reply is marked failed at once, nothing is queued for retry, and the
// agent's next reply of the same conversation goes out at once instead
// of waiting behind it.
func TestPostfixRefusalDoesNotHoldBackLaterReplies(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	host := startMailHost(t)
	retry := &recordingRetry{}
	eng, pool, _ := newEngine(t, tuesdayMorning, func(o *bots.Options) { o.Retry = retry })
	a := newTestAdapter(t, realConfig(host), eng, WithDB(pool), WithClock(func() time.Time { return tuesdayMorning }))
	eng.RegisterSender(bots.ChannelEmail, a)
	ctx := context.Background()
	res, err := eng.HandleMail(ctx, bots.Mail{MessageID: "first@ambulatorio.example", FromName: "Rossi Maria", FromAddress: requesterAddr,
		Subject: "La stampante non stampa", Text: "Da stamattina la stampante del piano terra non stampa."})
	if err != nil || !res.Created {
		t.Fatalf("HandleMail: %+v, %v", res, err)
	}
	var convID, agentID int64
	if err := pool.Get(&convID, `SELECT id FROM conversations WHERE channel = 'email'`); err != nil {
		t.Fatal(err)
	}
	if err := pool.Get(&agentID, `INSERT INTO users (username, display_name, role, presence) VALUES ('giulia', 'Giulia', 'agent_l1', 'online') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: agentID, Name: "Giulia", Level: 1}
	if err := eng.Take(ctx, convID, agent); err != nil {
		t.Fatal(err)
	}
	// The console is told the reply did not leave.
	if err := eng.Reply(ctx, convID, agent, "Le mando il file di prova "+rejectedWord+" da stampare."); !errors.Is(err, bots.ErrUndeliverable) {
		t.Fatalf("the refused reply: %v, want ErrUndeliverable", err)
	}
	if err := eng.Reply(ctx, convID, agent, "Lasci perdere il file: riavvii la stampante e mi dica."); err != nil {
		t.Fatal(err)
	}
	host.waitMails(t, requesterAddr, "INBOX", 3) // acknowledgement, joined, second reply
	time.Sleep(testwait.Quiet)
	got := host.folder(t, requesterAddr, "INBOX")
	if len(got) != 3 {
		t.Fatalf("the requester has %d mails, want 3", len(got))
	}
	// Postfix may deliver the joined notice and the reply in either order.
	mailSaying(t, got, "riavvii la stampante")
	for _, m := range got {
		if _, p, _ := parts(t, m.Raw); strings.Contains(p, rejectedWord) {
			t.Fatalf("the refused reply reached the requester:\n%s", p)
		}
	}
	var refused struct {
		Failed bool `db:"failed"`
		Sent   bool `db:"sent"`
	}
	if err := pool.Get(&refused, `SELECT failed_at IS NOT NULL AS failed, EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id) AS sent FROM messages
		WHERE direction = 'out' AND body LIKE '%'||$1||'%'`, rejectedWord); err != nil {
		t.Fatal(err)
	}
	if !refused.Failed || refused.Sent {
		t.Errorf("the refused reply: %+v, want failed and not sent", refused)
	}
	if q := retry.queued(); len(q) != 0 {
		t.Errorf("queued for retry: %v (a permanent refusal is not retried, and nothing waits behind it)", q)
	}
	if log := host.postfixLog(t); !strings.Contains(log, "content refused by policy") {
		t.Errorf("Postfix did not refuse the reply itself:\n%s", log)
	}
}
