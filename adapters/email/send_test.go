// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"helpdesk/bots"
)

var fixedNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func sendingAdapter(t *testing.T, srv *smtpServer, security string, opts ...Option) *Adapter {
	t.Helper()
	opts = append([]Option{WithClock(func() time.Time { return fixedNow })}, opts...)
	return newTestAdapter(t, Config{SMTPAddr: srv.Addr, SMTPSecurity: security, SMTPUsername: smtpUser, SMTPPassword: smtpPass}, nil, opts...)
}

// parts splits a sent mail into its header and its text/plain and
// text/html bodies.
// mailSaying is the one mail of got whose text part contains text; the
// test fails when none or several do. Mails a desk sends together reach a
// mailbox through Postfix in any order, so tests find them by content.
func mailSaying(t *testing.T, got []hostMail, text string) hostMail {
	t.Helper()
	var found []hostMail
	var texts []string
	for _, m := range got {
		_, plain, _ := parts(t, m.Raw)
		texts = append(texts, plain)
		if strings.Contains(plain, text) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d of %d mails say %q, want 1:\n%s", len(found), len(got), text, strings.Join(texts, "\n----\n"))
	}
	return found[0]
}

func parts(t *testing.T, data []byte) (message.Header, string, string) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var plain, html string
	err = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		typ, _, _ := p.Header.ContentType()
		if strings.HasPrefix(typ, "multipart/") {
			return nil
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(p.Body); err != nil {
			return err
		}
		switch typ {
		case "text/plain":
			plain = b.String()
		case "text/html":
			html = b.String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e.Header, plain, html
}

func TestSendAcknowledgementIsThreadedAndAutomatic(t *testing.T) {
	srv := newSMTPServer(t, smtpOptions{})
	a := sendingAdapter(t, srv, SecurityNone)
	out := bots.Outbound{MessageID: 7, ExternalID: "out:c3:00ff:0", Channel: bots.ChannelEmail,
		ConversationKey: bots.MailKey("M.Rossi@Ambulatorio.example", "orig-123@ambulatorio.example"),
		Reply: bots.Reply{Text: "Abbiamo ricevuto la tua richiesta e l'abbiamo registrata con il numero HD-2026-000042 (priorità P3).\n\nUn operatore ti risponderà entro **oggi alle 12:00**.",
			Links: []bots.Link{{Label: "HD-2026-000042", URL: "https://desk.example.org/track/HD-2026-000042"}}}}
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	// The same reply handed over again (a retry after a lost
	// acknowledgement) is not mailed twice.
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	sent := srv.sent()
	if len(sent) != 1 {
		t.Fatalf("%d mails sent, want 1", len(sent))
	}
	if sent[0].From != "helpdesk@asl.example" || len(sent[0].To) != 1 || sent[0].To[0] != "m.rossi@ambulatorio.example" {
		t.Fatalf("envelope %s → %v", sent[0].From, sent[0].To)
	}
	h, plain, html := parts(t, sent[0].Data)
	mh := gomail.Header{Header: h}
	subject, _ := mh.Subject()
	from, _ := mh.AddressList("From")
	checks := map[string][2]string{
		"Subject":                  {subject, "[HD-2026-000042] La tua richiesta all'help desk"},
		"From":                     {from[0].String(), `"Help desk ASL" <helpdesk@asl.example>`},
		"In-Reply-To":              {h.Get("In-Reply-To"), "<orig-123@ambulatorio.example>"},
		"References":               {h.Get("References"), "<orig-123@ambulatorio.example>"},
		"Message-Id":               {h.Get("Message-Id"), "<" + a.messageIDFor("out:c3:00ff:0") + ">"},
		"Auto-Submitted":           {h.Get("Auto-Submitted"), "auto-replied"},
		"X-Auto-Response-Suppress": {h.Get("X-Auto-Response-Suppress"), "All"},
		"Content-Language":         {h.Get("Content-Language"), "it"},
		"Date":                     {h.Get("Date"), "Tue, 24 Nov 2026 10:00:00 +0000"},
	}
	for k, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	for _, s := range []string{"HD-2026-000042", "entro oggi alle 12:00.", "- HD-2026-000042: https://desk.example.org/track/HD-2026-000042", "Help desk ASL", "Messaggio inviato automaticamente"} {
		if !strings.Contains(plain, s) {
			t.Errorf("plain text lacks %q:\n%s", s, plain)
		}
	}
	for _, s := range []string{"<strong>oggi alle 12:00</strong>", `<a href="https://desk.example.org/track/HD-2026-000042">HD-2026-000042</a>`, `lang="it"`} {
		if !strings.Contains(html, s) {
			t.Errorf("html lacks %q:\n%s", s, html)
		}
	}
}

func TestSendOverTLS(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	for _, tc := range []struct {
		security string
		implicit bool
	}{{SecurityStartTLS, false}, {SecurityTLS, true}} {
		t.Run(tc.security, func(t *testing.T) {
			srv := newSMTPServer(t, smtpOptions{tls: serverTLS, implicit: tc.implicit})
			a := sendingAdapter(t, srv, tc.security, WithTLSConfig(clientTLS))
			out := bots.Outbound{ExternalID: "out:1:0", ConversationKey: bots.MailKey("a@b.example", "r@b.example"), Reply: bots.Reply{Text: "ciao"}}
			if err := a.Send(context.Background(), out); err != nil {
				t.Fatal(err)
			}
			if len(srv.sent()) != 1 {
				t.Fatal("not delivered")
			}
			if err := a.Check(context.Background()); err != nil {
				t.Fatalf("Check: %v", err)
			}
			// Without the test's certificate authority the server is not trusted.
			b := sendingAdapter(t, srv, tc.security)
			if err := b.Send(context.Background(), out); err == nil {
				t.Fatal("sent to an untrusted server")
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	srv := newSMTPServer(t, smtpOptions{})
	a := sendingAdapter(t, srv, SecurityNone)
	ctx := context.Background()
	if err := a.Send(ctx, bots.Outbound{ConversationKey: "telegram:123", Reply: bots.Reply{Text: "x"}}); !errors.Is(err, ErrAddress) {
		t.Fatalf("bad key: %v", err)
	}
	// A temporary refusal is an error (the engine retries); the retry
	// delivers it once.
	srv.failNext(1)
	out := bots.Outbound{ExternalID: "out:9:0", ConversationKey: bots.MailKey("a@b.example", "r@b.example"), Reply: bots.Reply{Text: "ciao"}}
	if err := a.Send(ctx, out); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("451 gave %v", err)
	}
	if err := a.Send(ctx, out); err != nil || len(srv.sent()) != 1 {
		t.Fatalf("retry: %v, %d sent", err, len(srv.sent()))
	}
	wrong := newTestAdapter(t, Config{SMTPAddr: srv.Addr, SMTPSecurity: SecurityNone, SMTPUsername: smtpUser, SMTPPassword: "nope"}, nil)
	err := wrong.Send(ctx, bots.Outbound{ExternalID: "out:10:0", ConversationKey: out.ConversationKey, Reply: out.Reply})
	if err == nil || !strings.Contains(err.Error(), "login") {
		t.Fatalf("wrong password: %v", err)
	}
	if err := wrong.Check(ctx); err == nil || !strings.Contains(err.Error(), "HELPDESK_CHANNELS_EMAIL_SMTP_PASSWORD") {
		t.Fatalf("Check with a wrong password: %v", err)
	}
}

// TestAutomaticRepliesAreRateLimited: an address that gets more than
// autoPerHour automatic replies in an hour (a robot writing new mails
// without saying so) gets no more, until the hour has passed.
func TestAutomaticRepliesAreRateLimited(t *testing.T) {
	srv := newSMTPServer(t, smtpOptions{})
	now := fixedNow
	a := newTestAdapter(t, Config{SMTPAddr: srv.Addr, SMTPSecurity: SecurityNone, SMTPUsername: smtpUser, SMTPPassword: smtpPass}, nil,
		WithClock(func() time.Time { return now }))
	ctx := context.Background()
	key := bots.MailKey("robot@example.org", "r1@example.org")
	for i := 0; i < autoPerHour+3; i++ {
		if err := a.Send(ctx, bots.Outbound{ExternalID: fmt.Sprintf("out:%d:0", i), ConversationKey: key, Reply: bots.Reply{Text: "ricevuto HD-2026-000001"}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.sent()); n != autoPerHour {
		t.Fatalf("%d automatic replies sent, want %d", n, autoPerHour)
	}
	// Another address is not affected; an hour later the robot's address
	// gets replies again.
	if err := a.Send(ctx, bots.Outbound{ExternalID: "out:x:0", ConversationKey: bots.MailKey("person@example.org", "p@example.org"), Reply: bots.Reply{Text: "ok"}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(61 * time.Minute)
	if err := a.Send(ctx, bots.Outbound{ExternalID: "out:y:0", ConversationKey: key, Reply: bots.Reply{Text: "ok"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.sent()); n != autoPerHour+2 {
		t.Fatalf("%d sent, want %d", n, autoPerHour+2)
	}
}
