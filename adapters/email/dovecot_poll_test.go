// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

// TestDovecotPollingPicksNewMailNextRound: without IDLE, a mail Dovecot
// holds is handled by the next round the poller starts. Dovecot tells a
// session of new mail only in answer to a command that synchronises its
// view; UID SEARCH alone ran on the old view, so the mail waited a round
// (twice poll_interval) until the poller sent NOOP first.
func TestDovecotPollingPicksNewMailNextRound(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	host := startMailHost(t)
	h := &recordingHandler{}
	cfg := realConfig(host)
	cfg.DisableIdle = true
	// The poller's wait between rounds lasts until the test lets it go:
	// the mail is delivered while it waits, so the next round is the
	// first to start after the delivery.
	asleep := make(chan chan struct{})
	a := newTestAdapter(t, cfg, h, WithSleep(func(ctx context.Context, _ time.Duration) error {
		wake := make(chan struct{})
		select {
		case asleep <- wake:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-wake:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
	startRun(t, a)
	wake := testwait.Recv(t, "the poller waits after its first round", asleep)
	for i, fixture := range []string{"thunderbird.eml", "gmail.eml"} {
		host.send(t, requesterAddr, []string{deskAddr}, readFixture(t, fixture))
		host.waitMails(t, deskAddr, "INBOX", i+1)
		close(wake)
		wake = testwait.Recv(t, "the poller waits after one more round", asleep)
		if got := len(h.got()); got != i+1 {
			t.Fatalf("mail %d (%s) not handled by the first round after its delivery: %d handled", i+1, fixture, got)
		}
	}
	close(wake)
}

// TestDovecotIdleMoveAndUIDValidity: with IDLE (and an hour's poll, so
// only IDLE can wake the adapter) a mail is handled as Dovecot announces
// it and moved to the Processed folder; after the mailbox's UIDVALIDITY
// changes under the connected adapter, a new mail is still handled and
// none is handled twice.
func TestDovecotIdleMoveAndUIDValidity(t *testing.T) {
	t.Parallel() // each test has its own servers and database
	host := startMailHost(t)
	h := &recordingHandler{}
	cfg := realConfig(host)
	cfg.Processed, cfg.ProcessedFolder = ProcessedMove, "Processed"
	a := newTestAdapter(t, cfg, h)
	idles := make(chan struct{}, 16)
	a.onIdle = func() { idles <- struct{}{} }
	startRun(t, a)
	moved := func(n int) {
		t.Helper()
		host.waitMails(t, deskAddr, "Processed", n)
		if in := host.folder(t, deskAddr, "INBOX"); len(in) != 0 {
			t.Fatalf("%d mails left in INBOX", len(in))
		}
	}
	testwait.Recv(t, "the adapter in IDLE", idles)
	host.send(t, requesterAddr, []string{deskAddr}, readFixture(t, "thunderbird.eml"))
	moved(1)
	// Dovecot ends the adapter's session (it cannot go on with UIDs
	// that no longer mean what they meant); the adapter logs in again.
	host.doveadm(t, "mailbox", "update", "-u", deskAddr, "--uid-validity", "7", "INBOX")
	if st := host.doveadm(t, "mailbox", "status", "-u", deskAddr, "uidvalidity", "INBOX"); !strings.Contains(st, "uidvalidity=7") {
		t.Fatalf("UIDVALIDITY not changed: %s", st)
	}
	host.send(t, requesterAddr, []string{deskAddr}, readFixture(t, "gmail.eml"))
	moved(2)
	if got := h.got(); len(got) != 2 || got[0].MessageID == got[1].MessageID {
		var ids []string
		for _, m := range got {
			ids = append(ids, m.MessageID)
		}
		t.Fatalf("handled %s", strings.Join(ids, ", "))
	}
}
