// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
)

// TestVoicemailJourney: the golden journey of an out-of-hours voicemail.
// Friday 21:05, desk closed: the PBX's notice arrives in the mailbox
// (loopback IMAP), becomes a call-back phone ticket with the audio on
// disk, and nothing is mailed back to the PBX; a requester's mail that
// arrives later gets its acknowledgement as usual. On Monday the
// call-back is first in level 1's queue; the operator calls back, notes
// it and resolves — still without a mail to the PBX.
func TestVoicemailJourney(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Date(2027, 3, 5, 21, 5, 0, 0, rome)
	eng, pool, ts := newEngine(t, now)
	imapSrv, smtpSrv := newIMAPServer(t, true), newSMTPServer(t, smtpOptions{})
	cfg := imapConfig(imapSrv)
	cfg.PollInterval, cfg.DisableIdle = time.Hour, false
	cfg.SMTPAddr, cfg.SMTPUsername, cfg.SMTPPassword = smtpSrv.Addr, smtpUser, smtpPass
	cfg.AttachmentDir = t.TempDir()
	cfg.Voicemail = VoicemailRules{Senders: []string{"@pbx.asl.example.org"}}
	a := newTestAdapter(t, cfg, eng, WithDB(pool), WithClock(func() time.Time { return now }))
	eng.RegisterSender(bots.ChannelEmail, a)
	startRun(t, a)
	deliver := func(raw []byte) {
		t.Helper()
		imapSrv.deliver(t, "INBOX", raw)
		testwait.For(t, "inbox processed", func() bool {
			for _, m := range imapSrv.list(t, "INBOX") {
				if !processed(m) {
					return false
				}
			}
			return true
		})
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "voicemail", "asterisk.eml"))
	if err != nil {
		t.Fatal(err)
	}
	deliver(raw)
	var vm tickets.Ticket
	if err := pool.Get(&vm, `SELECT * FROM tickets WHERE origin_channel = 'phone'`); err != nil {
		t.Fatal(err)
	}
	if !vm.CallBack || vm.Level != 1 || vm.RequesterID == nil || !strings.Contains(vm.Subject, "0612345678") {
		t.Fatalf("voicemail ticket %+v", vm)
	}
	ctx := context.Background()
	atts, err := ts.Attachments(ctx, pool, vm.ID)
	if err != nil || len(atts) != 1 || atts[0].ContentType != "audio/wav" {
		t.Fatalf("attachments %+v %v", atts, err)
	}
	if fi, err := os.Stat(filepath.Join(cfg.AttachmentDir, filepath.FromSlash(atts[0].StorageKey))); err != nil || fi.Size() != atts[0].SizeBytes {
		t.Fatalf("audio on disk: %v", err)
	}
	// A person's mail, later that night, is acknowledged as always.
	now = now.Add(20 * time.Minute)
	deliver([]byte("From: Anna Bianchi <anna@asl.example.org>\r\nTo: helpdesk@asl.example\r\nSubject: Stampante del reparto ferma\r\n" +
		"Message-ID: <anna-1@asl.example.org>\r\nDate: Fri, 05 Mar 2027 21:25:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLa stampante non stampa da stasera.\r\n"))
	testwait.For(t, "acknowledgement to Anna", func() bool { return len(smtpSrv.sent()) >= 1 })
	// Monday 08:00, the desk reopens: the call-back waits first.
	now = time.Date(2027, 3, 8, 8, 0, 0, 0, rome)
	queue, err := eng.Queue(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 2 || queue[0].TicketID == nil || *queue[0].TicketID != vm.ID {
		t.Fatalf("queue %+v; want the call-back first", queue)
	}
	if _, err := ts.AddComment(ctx, pool, vm.ID, "agent:1", false, "Richiamato 0612345678 alle 08:10: stampante sbloccata."); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Resolve(ctx, pool, vm.ID, "agent:1", "solved", "richiamato"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(testwait.Quiet) // a wrong mail to the PBX gets a bounded while to show itself
	for _, m := range smtpSrv.sent() {
		for _, to := range m.To {
			if strings.Contains(to, "pbx.asl.example.org") {
				t.Fatalf("mail sent to the PBX: %s", m.Data)
			}
		}
	}
	if n := len(smtpSrv.sent()); n != 1 {
		t.Fatalf("%d mails sent, want only Anna's acknowledgement", n)
	}
}
