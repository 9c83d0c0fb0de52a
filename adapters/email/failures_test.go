// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"helpdesk/bots"
)

// refusingBackend is an SMTP server (no authentication) whose RCPT
// answers depend on the address, as a real server's do: 550 for a mailbox
// that does not exist, 452 for a full one, acceptance otherwise.
type refusingBackend struct{}

func (refusingBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return refusingSession{}, nil }

type refusingSession struct{}

func (refusingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (refusingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "nobody@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	case strings.HasPrefix(to, "full@"):
		return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "mailbox full, try later"}
	}
	return nil
}
func (refusingSession) Data(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }
func (refusingSession) Reset()                 {}
func (refusingSession) Logout() error          { return nil }

// TestSendTellsPermanentFromTemporary: a 5xx to the mail (550 no such
// mailbox) is bots.ErrUndeliverable — marked failed at once, not retried
// 20 times while the conversation's later replies wait — a 4xx stays
// temporary, and so does a server that cannot be reached.
func TestSendTellsPermanentFromTemporary(t *testing.T) {
	srv := smtp.NewServer(refusingBackend{})
	srv.Domain, srv.ErrorLog = "mx.test", log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	a := newTestAdapter(t, Config{SMTPAddr: ln.Addr().String(), SMTPSecurity: SecurityNone, Timeout: 5 * time.Second}, nil)
	ctx := context.Background()
	for to, permanent := range map[string]bool{"nobody@asl.example": true, "full@asl.example": false} {
		err := a.Send(ctx, bots.Outbound{ConversationKey: bots.MailKey(to, "r@asl.example"), Reply: bots.Reply{Text: "ciao"}})
		if err == nil {
			t.Fatalf("%s: no error", to)
		}
		if got := errors.Is(err, bots.ErrUndeliverable); got != permanent {
			t.Errorf("%s: permanent = %v, want %v (%v)", to, got, permanent, err)
		}
	}
	if err := a.Send(ctx, bots.Outbound{ConversationKey: bots.MailKey("ok@asl.example", "r@asl.example"), Reply: bots.Reply{Text: "ciao"}}); err != nil {
		t.Fatalf("accepted address: %v", err)
	}
	if err := a.Send(ctx, bots.Outbound{ConversationKey: "telegram:1", Reply: bots.Reply{Text: "x"}}); !errors.Is(err, bots.ErrUndeliverable) || !errors.Is(err, ErrAddress) {
		t.Errorf("no address: %v", err)
	}
	srv.Close()
	if err := a.Send(ctx, bots.Outbound{ConversationKey: bots.MailKey("ok@asl.example", "r@asl.example"), Reply: bots.Reply{Text: "ciao"}}); err == nil || errors.Is(err, bots.ErrUndeliverable) {
		t.Errorf("server down: %v (want a temporary error)", err)
	}
}
