// SPDX-License-Identifier: EUPL-1.2

// Package email connects the help desk to a dedicated mailbox: new mail
// read over IMAP opens tickets (or adds comments to the ticket whose
// number is in the subject or whose messages it references), and the
// engine's replies go out over SMTP, threaded under the requester's mail.
//
// Inbound mail is fetched without marking it read (BODY.PEEK), decoded
// (MIME, charsets, HTML to text, attachments under a size limit), filtered
// of auto-replies and bounces — which are never answered, so no mail loop
// can start — and handed to the engine. Only when the engine has stored it
// is the mail flagged (\Seen and a keyword) or moved to a folder; a mail
// whose handling failed because the database was down stays as it was and
// is read again at the next round. The engine ignores a Message-ID it has
// seen, so a redelivered mail opens nothing twice.
//
// Several instances may run: cmd/helpdesk runs the poller (Run) only on
// the instance that holds the mailbox's leadership (internal/leader,
// named by LeaderName). Sending works on every instance. No IMAP, SMTP or
// MIME type leaves the package.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/pause"
)

// Security modes of a connection.
const (
	SecurityTLS      = "tls"      // implicit TLS (IMAPS 993, SMTPS 465)
	SecurityStartTLS = "starttls" // plain connection upgraded with STARTTLS (IMAP 143, submission 587)
	SecurityNone     = "none"     // no encryption: only for a server on loopback
)

// What happens to a mail once it is handled.
const (
	ProcessedFlag = "flag" // set \Seen and Config.ProcessedKeyword; the mail stays in the mailbox
	ProcessedMove = "move" // move it to Config.ProcessedFolder
)

// Config is the adapter's configuration; the service maps its own
// configuration (HELPDESK_CHANNELS_EMAIL_*) onto it.
type Config struct {
	// IMAPAddr is the IMAP server as host:port ("imap.example.org:993").
	// Empty: the adapter only sends (Run waits for the context to end).
	IMAPAddr string
	// IMAPSecurity is "tls" (default), "starttls" or "none".
	IMAPSecurity string
	// IMAPUsername and IMAPPassword log in to the mailbox.
	IMAPUsername string
	IMAPPassword string
	// Mailbox is the folder read for new mail (default "INBOX").
	Mailbox string
	// Processed is "flag" (default) or "move".
	Processed string
	// ProcessedKeyword is the IMAP keyword set on handled mail in flag
	// mode (default "$HelpdeskProcessed"); mail carrying it is skipped.
	ProcessedKeyword string
	// ProcessedFolder is where handled mail goes in move mode (it must
	// exist; Check says so when it does not).
	ProcessedFolder string
	// PollInterval is the wait between two rounds when the server has no
	// IDLE, and the longest wait inside IDLE (default 1 minute).
	PollInterval time.Duration
	// DisableIdle polls at PollInterval even when the server offers IDLE.
	DisableIdle bool

	// SMTPAddr is the submission server as host:port ("smtp.example.org:587").
	SMTPAddr string
	// SMTPSecurity is "starttls" (default), "tls" or "none".
	SMTPSecurity string
	// SMTPUsername and SMTPPassword authenticate (AUTH PLAIN, or LOGIN when
	// the server offers only that). Empty username: no authentication.
	SMTPUsername string
	SMTPPassword string

	// FromAddress is the desk's address, the sender of every reply (usually
	// the mailbox read over IMAP). Required.
	FromAddress string
	// FromName is the desk's name shown in From ("Help desk ASL").
	FromName string
	// MessageIDDomain is the right-hand part of our Message-IDs (default:
	// the domain of FromAddress).
	MessageIDDomain string
	// DefaultLang is the language of replies whose conversation has none
	// recorded ("it" default, or "en").
	DefaultLang string

	// AttachmentDir is the folder attachments are stored under (by their
	// SHA-256). Empty: attachments are not kept.
	AttachmentDir string
	// MaxAttachmentBytes is the largest attachment kept (default 10 MiB);
	// larger ones are left out, and logged.
	MaxAttachmentBytes int64
	// MaxMessageBytes is how much of one mail is read (default 25 MiB);
	// the rest of a larger mail is ignored.
	MaxMessageBytes int64
	// Timeout bounds one IMAP command or one SMTP session (default 60s).
	Timeout time.Duration
	// CAFile is a PEM file of certificates trusted for IMAP and SMTP
	// besides the system's roots (a private mail server with its own CA).
	CAFile string
	// Voicemail recognises the PBX's voicemail notices (voicemail.go).
	Voicemail VoicemailRules
}

// Errors the adapter reports (wrapped with details).
var (
	// ErrConfig is a configuration that cannot work.
	ErrConfig = errors.New("email: invalid configuration")
	// ErrAddress means an outbound reply has no usable recipient.
	ErrAddress = errors.New("email: no recipient address")
)

// Handler is what the adapter needs of the conversation engine:
// HandleMail for mail, Handle for a numbered choice answered by mail (a
// satisfaction rating).
type Handler interface {
	HandleMail(ctx context.Context, m bots.Mail) (bots.MailResult, error)
	Handle(ctx context.Context, in bots.Inbound) (bots.Result, error)
}

// Adapter is one help-desk mailbox connected to the engine.
type Adapter struct {
	cfg   Config
	h     Handler
	log   *slog.Logger
	now   func() time.Time
	tls   *tls.Config
	db    *sqlx.DB
	q     queries
	files *attachmentStore
	voice *voicemailMatcher
	sleep func(ctx context.Context, d time.Duration) error

	mu       sync.Mutex
	sent     map[string]bool // ExternalIDs sent by this process, so a repeated Send does not mail twice
	sentList []string
	failures map[string]int         // mailbox UID → failed attempts, so a poison mail does not block forever
	autoSent map[string][]time.Time // address → automatic replies of the last hour (loop brake)

	// onRound runs after each round of the poller and onIdle once the
	// server has accepted IDLE: what a test waits on instead of guessing
	// how long the poller takes. Set before Run; nil in production.
	onRound, onIdle func()
	// imapTrace, set by tests, receives the IMAP conversation.
	imapTrace io.Writer
}

// Option changes how the adapter is built (mostly for tests).
type Option func(*options)

type options struct {
	db    *sqlx.DB
	now   func() time.Time
	tls   *tls.Config
	sleep func(ctx context.Context, d time.Duration) error
}

// WithDB lets the adapter look up the ticket number, subject and language
// of a conversation to thread replies. Without it replies find the
// number in their text.
func WithDB(db *sqlx.DB) Option { return func(o *options) { o.db = db } }

// WithClock sets the clock used for the Date header.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithTLSConfig sets the TLS configuration of IMAP and SMTP connections
// (a test's own certificate authority, or a client certificate).
func WithTLSConfig(c *tls.Config) Option { return func(o *options) { o.tls = c } }

// WithSleep replaces the waits between rounds and retries.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(o *options) { o.sleep = f }
}

// New checks the configuration and builds the adapter. It makes no
// network call (Check does).
func New(cfg Config, h Handler, log *slog.Logger, opts ...Option) (*Adapter, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if h == nil {
		return nil, fmt.Errorf("%w: no handler", ErrConfig)
	}
	if log == nil {
		log = slog.Default()
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.sleep == nil {
		o.sleep = pause.For
	}
	if cfg.CAFile != "" && o.tls == nil {
		c, err := tlsWithCAFile(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		o.tls = c
	}
	a := &Adapter{cfg: cfg, h: h, log: log.With("channel", bots.ChannelEmail), now: o.now, tls: o.tls, db: o.db,
		sleep: o.sleep, sent: map[string]bool{}, failures: map[string]int{}, autoSent: map[string][]time.Time{}}
	if cfg.AttachmentDir != "" {
		a.files = &attachmentStore{dir: cfg.AttachmentDir}
	}
	voice, err := newVoicemailMatcher(cfg.Voicemail)
	if err != nil {
		return nil, err
	}
	a.voice = voice
	if o.db != nil {
		q, err := loadQueries()
		if err != nil {
			return nil, err
		}
		a.q = q
	}
	return a, nil
}

// LeaderName is the leadership (internal/leader) under which one instance
// polls the mailbox: one per server, account and mailbox. The password is
// not part of it.
func (a *Adapter) LeaderName() string {
	return "email:" + strings.ToLower(a.cfg.IMAPAddr) + "/" + strings.ToLower(a.cfg.IMAPUsername) + "/" + a.cfg.Mailbox
}

func (c *Config) normalize() error {
	addr, err := mail.ParseAddress(c.FromAddress)
	if err != nil || addr.Name != "" {
		return fmt.Errorf("%w: from address %q is not a plain e-mail address (HELPDESK_CHANNELS_EMAIL_FROM_ADDRESS)", ErrConfig, c.FromAddress)
	}
	c.FromAddress = addr.Address
	if c.MessageIDDomain == "" {
		c.MessageIDDomain = c.FromAddress[strings.LastIndexByte(c.FromAddress, '@')+1:]
	}
	if strings.ContainsAny(c.MessageIDDomain, "<>@ \t\r\n") {
		return fmt.Errorf("%w: Message-ID domain %q", ErrConfig, c.MessageIDDomain)
	}
	if c.IMAPSecurity == "" {
		c.IMAPSecurity = SecurityTLS
	}
	if c.SMTPSecurity == "" {
		c.SMTPSecurity = SecurityStartTLS
	}
	for name, s := range map[string]string{"IMAP": c.IMAPSecurity, "SMTP": c.SMTPSecurity} {
		switch s {
		case SecurityTLS, SecurityStartTLS, SecurityNone:
		default:
			return fmt.Errorf("%w: %s security %q (want tls, starttls or none)", ErrConfig, name, s)
		}
	}
	if c.IMAPAddr != "" && c.IMAPUsername == "" {
		return fmt.Errorf("%w: an IMAP server needs a username (HELPDESK_CHANNELS_EMAIL_IMAP_USERNAME)", ErrConfig)
	}
	if c.SMTPAddr == "" {
		return fmt.Errorf("%w: no SMTP server: replies could not be sent (HELPDESK_CHANNELS_EMAIL_SMTP_ADDR)", ErrConfig)
	}
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	switch c.Processed {
	case "":
		c.Processed = ProcessedFlag
	case ProcessedFlag, ProcessedMove:
	default:
		return fmt.Errorf("%w: processed %q (want flag or move)", ErrConfig, c.Processed)
	}
	if c.ProcessedKeyword == "" {
		c.ProcessedKeyword = "$HelpdeskProcessed"
	}
	if strings.ContainsAny(c.ProcessedKeyword, " ()\\{%*\"]") {
		return fmt.Errorf("%w: keyword %q may not hold spaces or ()\\{%%*\"]", ErrConfig, c.ProcessedKeyword)
	}
	if c.Processed == ProcessedMove && c.ProcessedFolder == "" {
		return fmt.Errorf("%w: move mode needs a processed folder (HELPDESK_CHANNELS_EMAIL_PROCESSED_FOLDER)", ErrConfig)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Minute
	}
	if c.DefaultLang != "en" {
		c.DefaultLang = "it"
	}
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = 10 << 20
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 25 << 20
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Minute
	}
	return nil
}

// Routes registers nothing: mail arrives over IMAP, not HTTP. It exists so
// the e-mail adapter has the same shape as the chat adapters.
func (a *Adapter) Routes(*http.ServeMux) {}

// markSent remembers an ExternalID sent by this process (the last 1000).
func (a *Adapter) markSent(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sent[id] {
		return
	}
	a.sent[id] = true
	a.sentList = append(a.sentList, id)
	if len(a.sentList) > 1000 {
		delete(a.sent, a.sentList[0])
		a.sentList = a.sentList[1:]
	}
}

func (a *Adapter) wasSent(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sent[id]
}
