// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"

	"helpdesk/adapters/email"
	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
	"helpdesk/web/webtest"
)

// mailbox is a loopback SMTP server that keeps every mail it accepts.
type mailbox struct {
	addr string
	mu   sync.Mutex
	mail []receivedMail
}

type receivedMail struct {
	To   []string
	Data []byte
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{mb: mb}, nil }))
	srv.Domain = "mx.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	mb.addr = ln.Addr().String()
	return mb
}

type mailboxSession struct {
	mb *mailbox
	to []string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.mail = append(s.mb.mail, receivedMail{To: s.to, Data: b})
	s.mb.mu.Unlock()
	return nil
}
func (s *mailboxSession) Reset()        { s.to = nil }
func (s *mailboxSession) Logout() error { return nil }

// waitText waits for a mail to address whose decoded text contains want,
// and returns that text.
func (mb *mailbox) waitText(t *testing.T, address, want string) string {
	t.Helper()
	var text string
	testwait.For(t, fmt.Sprintf("a mail to %s containing %q", address, want), func() bool {
		mb.mu.Lock()
		mails := append([]receivedMail(nil), mb.mail...)
		mb.mu.Unlock()
		for _, m := range mails {
			if len(m.To) == 0 || !strings.EqualFold(m.To[0], address) {
				continue
			}
			b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(m.Data)))
			if err != nil {
				t.Fatalf("mail to %s: %v", address, err)
			}
			if strings.Contains(string(b), want) {
				text = string(b)
				return true
			}
		}
		return false
	})
	return text
}

// do runs browser steps, failing the test with where the page stands.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		browserFatal(t, ctx, what, err)
	}
}

// value runs one step that returns a value.
func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		browserFatal(t, ctx, what, err)
	}
	return v
}

func browserFatal(t *testing.T, ctx context.Context, what string, err error) {
	t.Helper()
	loc, body := webtest.PageState(ctx)
	t.Fatalf("%s: %v (at %s: %.500s)", what, err, loc, body)
}

var mailedLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+/track/HD-\d{4}-\d{6}\?t=[A-Za-z0-9_-]{32}`)

// TestBrowserFormToTrackingPage is the requester's whole path in a real
// browser: the web form opens a ticket, the confirmation arrives at a
// loopback SMTP server through the e-mail adapter with the tracking link,
// an agent answers through the engine (and that answer is mailed too),
// and the tracking page opened from the mail shows the answer; the
// requester replies from the page.
func TestBrowserFormToTrackingPage(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	p := newPortal(t, func(o *PublicOptions) {
		engine := o.Engine.(*bots.Engine)
		a, err := email.New(email.Config{SMTPAddr: mb.addr, SMTPSecurity: email.SecurityNone, FromAddress: "assistenza@hd.test"},
			engine, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		engine.RegisterSender(bots.ChannelEmail, a)
		o.Mailer = a
	})
	ctx := webtest.Tab(t)

	do(t, ctx, "submit the web form",
		chromedp.Navigate(p.ts.URL+"/help/request?lang=it"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Marta Neri"),
		chromedp.SendKeys(chromedp.ID("email"), "marta.neri@example.org"),
		chromedp.SendKeys(chromedp.ID("subject"), "Non riesco a stampare le ricette"),
		chromedp.SetValue(chromedp.ID("category"), "Stampa"),
		chromedp.SendKeys(chromedp.ID("description"), "Dalle nove la stampante dell'ambulatorio non stampa le ricette: i documenti restano in coda."),
		webtest.Submit(chromedp.Click(chromedp.ID("send"))),
		chromedp.WaitVisible(chromedp.ID("ticket-number")),
	)
	number := value(t, ctx, "ticket number", chromedp.Text(chromedp.ID("ticket-number")))
	notice := value(t, ctx, "notice", chromedp.Text(chromedp.ID("notice")))
	if !regexp.MustCompile(`^HD-\d{4}-\d{6}$`).MatchString(number) || !strings.Contains(notice, "Richiesta registrata") {
		t.Fatalf("after the form: number %q, notice %q", number, notice)
	}

	ack := mb.waitText(t, "marta.neri@example.org", number)
	link := mailedLink.FindString(ack)
	if link == "" || !strings.Contains(link, "/track/"+number+"?t=") {
		t.Fatalf("no tracking link in the confirmation:\n%s", ack)
	}
	if !strings.Contains(ack, "Subject: ["+number+"]") && !strings.Contains(ack, number) {
		t.Errorf("the confirmation should carry the number")
	}

	// An agent takes the ticket's conversation and answers: the engine
	// records a public comment and mails the requester.
	tk := p.ticket(number)
	users, err := agents.NewUsers(p.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := users.Add(context.Background(), agents.NewUser{Username: "paolo", DisplayName: "Paolo", Role: agents.RoleAgentL1, Password: "pw-paolo-long-enough"})
	if err != nil {
		t.Fatal(err)
	}
	agent := bots.Agent{ID: id, Name: "Paolo", Level: 1}
	if err := p.engine.Take(context.Background(), *tk.ConversationID, agent); err != nil {
		t.Fatal(err)
	}
	const answer = "Abbiamo svuotato la coda di stampa dell'ambulatorio: riprovi ora."
	if err := p.engine.Reply(context.Background(), *tk.ConversationID, agent, answer); err != nil {
		t.Fatal(err)
	}
	mb.waitText(t, "marta.neri@example.org", "Abbiamo svuotato la coda")

	do(t, ctx, "open the link from the mail",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	)
	timeline := value(t, ctx, "timeline", chromedp.Text(chromedp.ID("timeline")))
	if !strings.Contains(timeline, answer) || !strings.Contains(timeline, "L'assistenza ha risposto") {
		t.Fatalf("the tracking page does not show the agent's reply:\n%s", timeline)
	}
	do(t, ctx, "reply from the tracking page",
		chromedp.SendKeys(chromedp.ID("body"), "Ora funziona, grazie!"),
		webtest.Submit(chromedp.Click(chromedp.ID("reply-send"))),
		chromedp.WaitVisible(chromedp.ID("notice")),
	)
	timeline = value(t, ctx, "timeline", chromedp.Text(chromedp.ID("timeline")))
	if !strings.Contains(timeline, "Ora funziona, grazie!") {
		t.Fatalf("the requester's reply is not in the timeline:\n%s", timeline)
	}
}

// TestBrowserWebChat: a visitor asks the chat panel a question and gets
// the knowledge-base answer with its buttons, then presses one; another
// site hosting the snippet gets the launcher and the panel's frame.
func TestBrowserWebChat(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	ctx := webtest.Tab(t)
	do(t, ctx, "ask the chat",
		chromedp.Navigate(p.ts.URL+"/help/chat?lang=it"),
		chromedp.WaitVisible(chromedp.ID("chat-text")),
		chromedp.SendKeys(chromedp.ID("chat-text"), "la stampante non stampa"),
		chromedp.Click(chromedp.ID("chat-send")),
		chromedp.WaitVisible(chromedp.CSS(".msg.from-bot .buttons button")),
	)
	answer := value(t, ctx, "chat log", chromedp.Text(chromedp.CSS(".chat-log")))
	buttons := value(t, ctx, "buttons", chromedp.Evaluate[int](`document.querySelectorAll(".msg.from-bot .buttons button").length`))
	if !strings.Contains(answer, "La stampante di rete non stampa") || buttons == 0 {
		t.Fatalf("chat shows %q with %d buttons", answer, buttons)
	}
	count := value(t, ctx, "messages", chromedp.Evaluate[int](`document.querySelectorAll(".chat-log li").length`))
	do(t, ctx, "press the first button", chromedp.Click(chromedp.CSS(".msg.from-bot .buttons button")))
	value(t, ctx, "a reply to the button", webtest.Poll[bool](fmt.Sprintf(`document.querySelectorAll(".chat-log li").length >= %d`, count+2)))
	key := value(t, ctx, "the key is kept", chromedp.Evaluate[string](`localStorage.getItem("helpdesk-chat-key") || ""`))
	if b, err := base64.RawURLEncoding.Strict().DecodeString(key); err != nil || len(b) != tickets.TrackingTokenBytes {
		t.Errorf("conversation key %q not kept in localStorage", key)
	}

	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><body><h1>Another site</h1><script src="%s/help/chat.js"></script></body></html>`, p.ts.URL)
	}))
	t.Cleanup(host.Close)
	do(t, ctx, "the snippet on another site",
		chromedp.Navigate(host.URL),
		chromedp.WaitVisible(chromedp.ID("helpdesk-chat-button")),
		chromedp.Click(chromedp.ID("helpdesk-chat-button")),
		chromedp.WaitVisible(chromedp.ID("helpdesk-chat-frame")),
	)
	src := value(t, ctx, "frame src", chromedp.AttributeValue(chromedp.ID("helpdesk-chat-frame"), "src")).Value
	if src != p.ts.URL+"/help/chat/embed?lang=en" {
		t.Fatalf("frame src %q", src)
	}
}
