// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"

	"helpdesk/internal/testwait"
)

// What a test does with the mail host (mailhost_test.go): send mail to
// it as the Internet would, read a user's folders over IMAP, run doveadm.

// send hands a raw mail to Postfix as a mail exchanger gets it from the
// Internet: it is then queued and delivered over LMTP.
func (h *mailHost) send(t *testing.T, from string, to []string, raw []byte) {
	t.Helper()
	c, err := smtp.Dial(h.MXAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		t.Fatalf("Postfix refused the mail from %s to %v: %v", from, to, err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

// hostMail is one mail of a folder as a client sees it.
type hostMail struct {
	mailState
	UID uint32
	Raw []byte
}

// folder reads a user's folder over IMAP, in UID order, without changing it.
func (h *mailHost) folder(t *testing.T, user, folder string) []hostMail {
	t.Helper()
	c, err := imapclient.DialInsecure(h.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, mailPass).Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(allMessages(sel.NumMessages), &imap.FetchOptions{UID: true, Envelope: true, Flags: true,
		BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []hostMail
	for _, m := range msgs {
		out = append(out, hostMail{mailState: mailState{MessageID: m.Envelope.MessageID, Flags: m.Flags},
			UID: uint32(m.UID), Raw: m.FindBodySection(body)})
	}
	return out
}

// waitMails waits until a user's folder holds at least n mails and
// returns them.
func (h *mailHost) waitMails(t *testing.T, user, folder string, n int) []hostMail {
	t.Helper()
	var got []hostMail
	testwait.For(t, fmt.Sprintf("%d mails in %s's %s", n, user, folder), func() bool {
		got = h.folder(t, user, folder)
		return len(got) >= n
	})
	return got
}

// doveadm runs a doveadm command against this Dovecot.
func (h *mailHost) doveadm(t *testing.T, args ...string) string {
	t.Helper()
	doveadm, err := lookPath("/usr/bin/doveadm", "doveadm")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(doveadm, append([]string{"-c", filepath.Join(h.dir, "dovecot.conf")}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// postfixLog is what Postfix has logged so far.
func (h *mailHost) postfixLog(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.dir, "postfix.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// allMessages is the sequence range 1:n (imap.SeqSetNum(1, n) would be
// the two numbers 1 and n).
func allMessages(n uint32) imap.SeqSet {
	var s imap.SeqSet
	s.AddRange(1, n)
	return s
}

// vacation gives a user an out-of-office Sieve script, run by Dovecot at
// delivery: a real robot that answers mail, and by RFC 3834 leaves alone
// mail marked Auto-Submitted.
func (h *mailHost) vacation(t *testing.T, user, reason string) {
	t.Helper()
	home := filepath.Join(h.dir, "mail", user)
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(home, ".dovecot.sieve")
	writeFile(t, script, "require [\"vacation\"];\nvacation :days 1 :subject \"Fuori ufficio\" \""+reason+"\";\n")
	for _, p := range []string{home, script} {
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
}
