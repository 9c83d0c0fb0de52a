// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"helpdesk/bots"
	"helpdesk/internal/i18n"
)

// replyContext is what a reply's mail needs beyond the reply itself.
type replyContext struct {
	Author  string `db:"author"` // "bot", or the agent who wrote it
	Lang    string `db:"lang"`
	Number  string `db:"number"`
	Subject string `db:"subject"`
}

var ticketNumber = regexp.MustCompile(`HD-\d{4}-\d{6}`)

// Send mails one engine reply to the requester, threaded under the mail
// that opened the conversation (In-Reply-To, References) with the ticket
// number in the subject. A reply this process already sent is not sent
// again. Errors are returned for the engine to retry from its queue.
func (a *Adapter) Send(ctx context.Context, out bots.Outbound) error {
	if out.ExternalID != "" && a.wasSent(out.ExternalID) {
		return nil
	}
	to, root, ok := bots.ParseMailKey(out.ConversationKey)
	if !ok || !strings.Contains(to, "@") {
		return fmt.Errorf("%w: %w: conversation key %q", bots.ErrUndeliverable, ErrAddress, out.ConversationKey)
	}
	rc := a.replyContext(ctx, out)
	auto := rc.Author == "bot" || rc.Author == ""
	if auto && !a.allowAuto(to) {
		// Something keeps writing new mails to the desk without saying it is
		// a robot: stop acknowledging it rather than feed a mail loop.
		a.log.Warn("automatic reply not sent: too many to this address in the last hour (mail loop?)", "to", to, "limit", autoPerHour)
		return nil
	}
	msg, err := a.compose(out, rc, to, root)
	if err != nil {
		return err
	}
	if err := a.submit(ctx, to, msg); err != nil {
		return err
	}
	if out.ExternalID != "" {
		a.markSent(out.ExternalID)
	}
	return nil
}

// replyContext looks the reply's author, language and ticket up (with a
// database), else finds the number in the reply; a lookup failure only
// costs the subject's wording, never the mail.
func (a *Adapter) replyContext(ctx context.Context, out bots.Outbound) replyContext {
	rc := replyContext{Author: "bot", Lang: a.cfg.DefaultLang}
	if a.db != nil && out.MessageID > 0 {
		err := a.db.GetContext(ctx, &rc, a.q.ReplyContext, out.MessageID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			a.log.Warn("look up the reply's ticket", "message_id", out.MessageID, "err", err)
		}
	}
	if rc.Number == "" {
		candidates := []string{out.Text}
		for _, l := range out.Links {
			candidates = append(candidates, l.Label, l.URL)
		}
		for _, c := range candidates {
			if n := ticketNumber.FindString(c); n != "" {
				rc.Number = n
				break
			}
		}
	}
	rc.Lang = i18n.Normalize(rc.Lang)
	return rc
}

// subjectOf is the subject of a reply: "Re: [HD-…] original subject".
func subjectOf(rc replyContext) string {
	switch {
	case rc.Number != "" && rc.Subject != "":
		s := strings.TrimSpace(strings.ReplaceAll(rc.Subject, "["+rc.Number+"]", ""))
		for {
			lower := strings.ToLower(s)
			cut := false
			for _, p := range []string{"re:", "r:", "aw:", "rif:", "sv:"} {
				if strings.HasPrefix(lower, p) {
					s, cut = strings.TrimSpace(s[len(p):]), true
					break
				}
			}
			if !cut {
				break
			}
		}
		return mailText.T(rc.Lang, "subject.reply", rc.Number, s)
	case rc.Number != "":
		return mailText.T(rc.Lang, "subject.number", rc.Number)
	}
	return mailText.T(rc.Lang, "subject.fallback")
}

// compose writes the mail: plain text and HTML alternatives, threading
// headers, and Auto-Submitted on what the bot wrote by itself.
func (a *Adapter) compose(out bots.Outbound, rc replyContext, to, root string) ([]byte, error) {
	auto := rc.Author == "bot" || rc.Author == ""
	plain, html, err := a.render(out.Reply, rc.Lang, rc.Number, auto)
	if err != nil {
		return nil, err
	}
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: cleanLine(a.cfg.FromName), Address: a.cfg.FromAddress}})
	h.SetAddressList("To", []*gomail.Address{{Address: to}})
	h.SetSubject(cleanLine(subjectOf(rc)))
	h.SetDate(a.now())
	id := out.ExternalID
	if id == "" {
		var b [12]byte
		rand.Read(b[:])
		id = fmt.Sprintf("rand:%x", b)
	}
	h.SetMessageID(a.messageIDFor(id))
	if root != "" {
		h.SetMsgIDList("In-Reply-To", []string{root})
		h.SetMsgIDList("References", []string{root})
	}
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Language", rc.Lang)
	switch {
	case auto:
		// RFC 3834: automatic answers say so, and ask Exchange not to
		// answer them with out-of-office notices.
		h.Set("Auto-Submitted", "auto-replied")
		h.Set("X-Auto-Response-Suppress", "All")
	case out.Auto:
		// A notice the desk wrote in an agent's name ("Marco Rossi has
		// joined", the resolution, the satisfaction question): generated,
		// not typed by the agent.
		h.Set("Auto-Submitted", "auto-generated")
		h.Set("X-Auto-Response-Suppress", "All")
	}
	var buf bytes.Buffer
	w, err := gomail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", plain}, {"text/html", html}} {
		var ph gomail.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, strings.ReplaceAll(part.body, "\n", "\r\n")); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// submit hands one mail to the SMTP server.
func (a *Adapter) submit(ctx context.Context, to string, msg []byte) error {
	c, err := a.dialSMTP(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	defer context.AfterFunc(ctx, func() { c.Close() })()
	if err := a.auth(c); err != nil {
		return err
	}
	if err := c.SendMail(a.cfg.FromAddress, []string{to}, bytes.NewReader(msg)); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code >= 500 && se.Code < 600 {
			// A 5xx to MAIL, RCPT or DATA (550 no such mailbox, 552
			// too big, 554 refused) is the server's final word on this
			// mail: RFC 5321 §4.2.1 says not to repeat it as it is.
			return fmt.Errorf("%w: email: %s refused the mail to %s: %w", bots.ErrUndeliverable, a.cfg.SMTPAddr, to, err)
		}
		return fmt.Errorf("email: send to %s through %s: %w", to, a.cfg.SMTPAddr, err)
	}
	if err := c.Quit(); err != nil {
		a.log.Debug("SMTP QUIT", "err", err) // the mail is accepted already
	}
	return nil
}

func (a *Adapter) dialSMTP(ctx context.Context) (*smtp.Client, error) {
	d := &net.Dialer{Timeout: a.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", a.cfg.SMTPAddr)
	if err != nil {
		return nil, fmt.Errorf("email: connect to SMTP server %s: %w", a.cfg.SMTPAddr, err)
	}
	var c *smtp.Client
	switch a.cfg.SMTPSecurity {
	case SecurityTLS:
		tc := tls.Client(conn, a.tlsConfig(a.cfg.SMTPAddr))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("email: TLS with SMTP server %s: %w", a.cfg.SMTPAddr, err)
		}
		c = smtp.NewClient(tc)
	case SecurityStartTLS:
		// The wall clock, not the injected one: a socket's deadline is
		// real time (a test's fixed clock put it in the past).
		conn.SetDeadline(time.Now().Add(a.cfg.Timeout))
		c, err = smtp.NewClientStartTLS(conn, a.tlsConfig(a.cfg.SMTPAddr))
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("email: STARTTLS with SMTP server %s: %w", a.cfg.SMTPAddr, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	// Our name in EHLO. After STARTTLS this is also the first exchange
	// over TLS, where the handshake happens: its failure must be reported
	// here as what it is, not swallowed by a later capability check (which
	// then said "offers neither AUTH PLAIN nor LOGIN").
	if err := c.Hello(a.cfg.MessageIDDomain); err != nil {
		c.Close()
		if isTLSError(err) {
			return nil, fmt.Errorf("email: TLS with SMTP server %s (%s): %w", a.cfg.SMTPAddr, a.cfg.SMTPSecurity, err)
		}
		return nil, fmt.Errorf("email: SMTP EHLO: %w", err)
	}
	c.CommandTimeout, c.SubmissionTimeout = a.cfg.Timeout, a.cfg.Timeout
	return c, nil
}

// auth logs in with PLAIN, or LOGIN when that is all the server offers.
func (a *Adapter) auth(c *smtp.Client) error {
	if a.cfg.SMTPUsername == "" {
		return nil
	}
	var mech sasl.Client
	switch {
	case c.SupportsAuth(sasl.Plain):
		mech = sasl.NewPlainClient("", a.cfg.SMTPUsername, a.cfg.SMTPPassword)
	case c.SupportsAuth(sasl.Login):
		mech = sasl.NewLoginClient(a.cfg.SMTPUsername, a.cfg.SMTPPassword)
	default:
		return fmt.Errorf("email: SMTP server %s offers neither AUTH PLAIN nor LOGIN here (with %s): check the port and security", a.cfg.SMTPAddr, a.cfg.SMTPSecurity)
	}
	if err := c.Auth(mech); err != nil {
		return fmt.Errorf("email: SMTP login as %q refused: %w", a.cfg.SMTPUsername, err)
	}
	return nil
}

// autoPerHour is how many automatic replies one address gets in an hour.
// A person never opens that many tickets by mail; a robot that answers
// every mail without saying so (no Auto-Submitted) would, forever.
const autoPerHour = 10

// allowAuto counts an automatic reply to an address and says whether it
// is within autoPerHour (per instance of the service).
func (a *Adapter) allowAuto(to string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	to = strings.ToLower(to)
	recent := a.autoSent[to][:0]
	for _, t := range a.autoSent[to] {
		if now.Sub(t) < time.Hour {
			recent = append(recent, t)
		}
	}
	if len(recent) >= autoPerHour {
		a.autoSent[to] = recent
		return false
	}
	a.autoSent[to] = append(recent, now)
	if len(a.autoSent) > 10000 {
		// Forget quiet addresses so the map stays small.
		for k, ts := range a.autoSent {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= time.Hour {
				delete(a.autoSent, k)
			}
		}
	}
	return true
}

// isTLSError tells a failed handshake — an untrusted or expired
// certificate, a name mismatch, a server that does not speak TLS — from
// other errors.
func isTLSError(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &alert)
}
