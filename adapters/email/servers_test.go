// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"helpdesk/internal/testwait"
)

// Servers the tests run on loopback: go-imap's in-memory IMAP server and a
// go-smtp server whose backend records what it is given. Both speak the
// real protocols to the adapter's real clients.

const (
	imapUser = "helpdesk@asl.example"
	imapPass = "imap-secret"
	smtpUser = "helpdesk@asl.example"
	smtpPass = "smtp-secret"
)

type imapServer struct {
	Addr string
	user *imapmemserver.User

	mu      sync.Mutex
	changed chan struct{} // closed (and replaced) by every delivery
}

// changes returns a channel the next delivery closes.
func (s *imapServer) changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

func (s *imapServer) signalChange() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.changed)
	s.changed = make(chan struct{})
}

// imapSession is go-imap's in-memory session with IDLE done as real
// servers do it. The in-memory server's IDLE only reports changes made
// after it started waiting: a mail delivered between the client's last
// command and its IDLE stayed queued, unreported, until some later
// change, and an adapter waiting in IDLE (with an hour's poll) never saw
// it. Dovecot and the others report pending changes when IDLE starts;
// this session does too, and then reports each delivery as it happens.
type imapSession struct {
	*imapmemserver.UserSession // nil until Login
	srv                        *imapServer
}

func (s *imapSession) Login(username, password string) error {
	if err := s.srv.user.Login(username, password); err != nil {
		return imapserver.ErrAuthFailed
	}
	s.UserSession = imapmemserver.NewUserSession(s.srv.user)
	return nil
}

func (s *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		changed := s.srv.changes() // taken before Poll: no delivery falls in between
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-changed:
		}
	}
}

// newIMAPServer starts an IMAP server with INBOX and a "Processed" folder.
// The server always offers IDLE once logged in (tests of polling set
// Config.DisableIdle); move says whether it offers MOVE and UIDPLUS
// (without, the client moves with COPY, STORE \Deleted and EXPUNGE).
func newIMAPServer(t testing.TB, move bool) *imapServer {
	t.Helper()
	return newIMAPServerTLS(t, move, nil, false)
}

// newIMAPServerTLS is newIMAPServer with TLS: implicit (the listener is
// TLS) or, without implicit, offered with STARTTLS.
func newIMAPServerTLS(t testing.TB, move bool, tlsConfig *tls.Config, implicit bool) *imapServer {
	t.Helper()
	user := imapmemserver.NewUser(imapUser, imapPass)
	for _, name := range []string{"INBOX", "Processed"} {
		if err := user.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	s := &imapServer{user: user, changed: make(chan struct{})}
	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	if move {
		caps[imap.CapMove] = struct{}{}
		caps[imap.CapUIDPlus] = struct{}{}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{srv: s}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		TLSConfig:    tlsConfig,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsConfig != nil && implicit {
		ln = tls.NewListener(ln, tlsConfig)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.Addr = ln.Addr().String()
	return s
}

// deliver puts a raw mail in a folder, as the MTA would.
func (s *imapServer) deliver(t testing.TB, folder string, raw []byte) {
	t.Helper()
	if _, err := s.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.signalChange()
}

// mailState is one mail of a folder as a client sees it.
type mailState struct {
	MessageID string
	Flags     []imap.Flag
}

// has reports a flag; keywords are case-insensitive (the in-memory server
// stores them in lower case).
func (m mailState) has(f imap.Flag) bool {
	return slices.ContainsFunc(m.Flags, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) })
}

// list reads a folder over IMAP (without changing it).
func (s *imapServer) list(t testing.TB, folder string) []mailState {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapUser, imapPass).Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	msgs, err := c.Fetch(allMessages(sel.NumMessages), &imap.FetchOptions{Envelope: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []mailState
	for _, m := range msgs {
		out = append(out, mailState{MessageID: m.Envelope.MessageID, Flags: m.Flags})
	}
	return out
}

// waitFor waits until cond holds, with the test's one deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, cond)
}

// sentMail is one message the SMTP server accepted.
type sentMail struct {
	From string
	To   []string
	Data []byte
}

type smtpServer struct {
	Addr string
	mu   sync.Mutex
	mail []sentMail
	auth []string // the usernames that logged in
	fail int      // this many DATA commands are refused with a 451 first
}

type smtpOptions struct {
	tls      *tls.Config // with implicit: the listener is TLS; without: STARTTLS is offered
	implicit bool
}

// newSMTPServer starts an SMTP submission server that requires AUTH PLAIN
// and records every accepted mail.
func newSMTPServer(t testing.TB, o smtpOptions) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.tls != nil {
		srv.TLSConfig = o.tls
		if o.implicit {
			ln = tls.NewListener(ln, o.tls)
		}
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.Addr = ln.Addr().String()
	return s
}

func (s *smtpServer) sent() []sentMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sentMail(nil), s.mail...)
}

func (s *smtpServer) failNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

type smtpSession struct {
	s      *smtpServer
	authed bool
	from   string
	to     []string
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != smtpUser || password != smtpPass {
			return errors.New("invalid credentials")
		}
		x.authed = true
		x.s.mu.Lock()
		x.s.auth = append(x.s.auth, username)
		x.s.mu.Unlock()
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.fail > 0 {
		x.s.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.s.mail = append(x.s.mail, sentMail{From: x.from, To: x.to, Data: b})
	return nil
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }

// testTLS makes a self-signed certificate for 127.0.0.1 and returns the
// server's and the client's TLS configurations.
func testTLS(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	der, key := newTestCertificate(t)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}
