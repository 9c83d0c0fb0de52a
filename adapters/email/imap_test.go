// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testwait"
)

// startRun runs the adapter until the test ends (or stop is called).
func startRun(t *testing.T, a *Adapter) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var stopped atomic.Bool
	stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-testwait.Expired(t):
			t.Error("Run did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

func imapConfig(srv *imapServer) Config {
	return Config{IMAPAddr: srv.Addr, IMAPSecurity: SecurityNone, IMAPUsername: imapUser, IMAPPassword: imapPass,
		PollInterval: 50 * time.Millisecond, DisableIdle: true, SMTPSecurity: SecurityNone}
}

func processed(m mailState) bool {
	return m.has(imap.FlagSeen) && m.has(imap.Flag("$HelpdeskProcessed"))
}

// TestRunFlagsHandledMail: a server without IDLE is polled; a person's mail
// reaches the engine with its attachments stored by hash, a bounce does
// not; both end flagged as processed, and nothing is handled twice.
func TestRunFlagsHandledMail(t *testing.T) {
	srv := newIMAPServer(t, false)
	h := &recordingHandler{}
	cfg := imapConfig(srv)
	cfg.AttachmentDir = t.TempDir()
	a := newTestAdapter(t, cfg, h)
	rounds := countRounds(a)
	srv.deliver(t, "INBOX", readFixture(t, "thunderbird.eml"))
	srv.deliver(t, "INBOX", readFixture(t, "bounce.eml"))
	startRun(t, a)
	waitFor(t, "both mails flagged", func() bool {
		l := srv.list(t, "INBOX")
		return len(l) == 2 && processed(l[0]) && processed(l[1])
	})
	moreRounds(t, rounds, 3) // nothing is read again
	got := h.got()
	if len(got) != 1 || got[0].MessageID != "5e0c2b1a-77d4-4c1e-9a0b-3f1d2c4b5a69@studio-bianchi.example" {
		t.Fatalf("engine got %+v", got)
	}
	if len(got[0].Attachments) != 2 {
		t.Fatalf("attachments %+v", got[0].Attachments)
	}
	for _, at := range got[0].Attachments {
		b, err := os.ReadFile(filepath.Join(cfg.AttachmentDir, filepath.FromSlash(at.StorageKey)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != at.SHA256 || int64(len(b)) != at.Size || !strings.HasSuffix(at.StorageKey, at.SHA256) {
			t.Errorf("stored %s: %d bytes, key %s, sha %s", at.Filename, len(b), at.StorageKey, at.SHA256)
		}
	}
}

// countingHandler fails with a database outage while down is set.
type countingHandler struct {
	recordingHandler
	calls atomic.Int32
	down  atomic.Bool
}

func (h *countingHandler) HandleMail(ctx context.Context, m bots.Mail) (bots.MailResult, error) {
	h.calls.Add(1)
	if h.down.Load() {
		return bots.MailResult{}, fmt.Errorf("%w: connection refused", db.ErrUnavailable)
	}
	return h.recordingHandler.HandleMail(ctx, m)
}

// TestRunKeepsMailDuringOutage: while the database is down the mail stays
// unread and unflagged and is tried again each round; once the database
// is back it is handled and flagged.
func TestRunKeepsMailDuringOutage(t *testing.T) {
	srv := newIMAPServer(t, false)
	h := &countingHandler{}
	h.down.Store(true)
	a := newTestAdapter(t, imapConfig(srv), h)
	srv.deliver(t, "INBOX", readFixture(t, "latin1.eml"))
	startRun(t, a)
	waitFor(t, "three attempts", func() bool { return h.calls.Load() >= 3 })
	l := srv.list(t, "INBOX")
	if len(l) != 1 || l[0].has(imap.FlagSeen) || processed(l[0]) {
		t.Fatalf("mail touched during the outage: %+v", l)
	}
	h.down.Store(false)
	waitFor(t, "mail flagged", func() bool { l := srv.list(t, "INBOX"); return len(l) == 1 && processed(l[0]) })
	if got := h.got(); len(got) != 1 || !strings.Contains(got[0].Text, "Cantù") {
		t.Fatalf("engine got %+v", got)
	}
}

// TestRunIdleAndMoveWithoutMOVE: with IDLE a new mail is picked up at
// once (the poll interval is far longer than the test), and move mode
// moves it with COPY, STORE \Deleted and EXPUNGE on a server without
// MOVE. (Dovecot offers MOVE: TestDovecotIdleMoveAndUIDValidity.)
func TestRunIdleAndMoveWithoutMOVE(t *testing.T) {
	srv := newIMAPServer(t, false)
	h := &recordingHandler{}
	cfg := imapConfig(srv)
	cfg.PollInterval, cfg.DisableIdle = time.Hour, false
	cfg.Processed, cfg.ProcessedFolder = ProcessedMove, "Processed"
	a := newTestAdapter(t, cfg, h)
	idling := make(chan struct{}, 1)
	a.onIdle = func() {
		select {
		case idling <- struct{}{}:
		default:
		}
	}
	startRun(t, a)
	testwait.Recv(t, "the adapter in IDLE", idling)
	srv.deliver(t, "INBOX", readFixture(t, "cp1252.eml"))
	waitFor(t, "mail moved", func() bool { return len(srv.list(t, "Processed")) == 1 && len(srv.list(t, "INBOX")) == 0 })
	if got := h.got(); len(got) != 1 || !strings.Contains(got[0].Text, "€150") {
		t.Fatalf("engine got %+v", got)
	}
}

// poisonHandler fails every mail with an error that is not an outage.
type poisonHandler struct {
	recordingHandler
	calls atomic.Int32
}

func (h *poisonHandler) HandleMail(context.Context, bots.Mail) (bots.MailResult, error) {
	h.calls.Add(1)
	return bots.MailResult{}, errors.New("something unexpected")
}

// TestRunSetsAsideAPoisonMail: a mail that keeps failing is tried
// maxAttempts times, then left alone (unflagged, for a person to look at)
// while the next mail is still handled.
func TestRunSetsAsideAPoisonMail(t *testing.T) {
	srv := newIMAPServer(t, false)
	h := &poisonHandler{}
	a := newTestAdapter(t, imapConfig(srv), h)
	rounds := countRounds(a)
	srv.deliver(t, "INBOX", readFixture(t, "latin1.eml"))
	startRun(t, a)
	waitFor(t, "attempts", func() bool { return h.calls.Load() >= maxAttempts })
	moreRounds(t, rounds, 3) // rounds that leave the poison mail alone
	if n := h.calls.Load(); n != maxAttempts {
		t.Fatalf("%d attempts, want %d", n, maxAttempts)
	}
	if l := srv.list(t, "INBOX"); len(l) != 1 || processed(l[0]) || l[0].has(imap.FlagSeen) {
		t.Fatalf("poison mail state %+v", l)
	}
}

// countRounds counts the poller's rounds; set before Run.
func countRounds(a *Adapter) *atomic.Int64 {
	var n atomic.Int64
	a.onRound = func() { n.Add(1) }
	return &n
}

// moreRounds waits until the poller has done n more rounds.
func moreRounds(t *testing.T, rounds *atomic.Int64, n int64) {
	t.Helper()
	from := rounds.Load()
	waitFor(t, fmt.Sprintf("%d more rounds", n), func() bool { return rounds.Load() >= from+n })
}

// The test IMAP server reports a mail delivered before a client's IDLE
// when the IDLE starts, as real servers do (see imapSession).
func TestIMAPServerReportsMailDeliveredBeforeIdle(t *testing.T) {
	srv := newIMAPServer(t, false)
	exists := make(chan uint32, 16)
	c, err := imapclient.DialInsecure(srv.Addr, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapUser, imapPass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	srv.deliver(t, "INBOX", readFixture(t, "latin1.eml"))
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	if n := testwait.Recv(t, "EXISTS for the mail delivered before IDLE", exists); n != 1 {
		t.Fatalf("EXISTS %d, want 1", n)
	}
	srv.deliver(t, "INBOX", readFixture(t, "bounce.eml"))
	if n := testwait.Recv(t, "EXISTS for the mail delivered during IDLE", exists); n != 2 {
		t.Fatalf("EXISTS %d, want 2", n)
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestRunWithoutIMAP: a send-only adapter's Run just waits for the end.
func TestRunWithoutIMAP(t *testing.T) {
	a := newTestAdapter(t, Config{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := a.Run(ctx); err != nil {
		t.Fatal(err)
	}
}
