// SPDX-License-Identifier: EUPL-1.2

// Package intake opens the tickets that reach the desk through the web
// side rather than through the engine: the requesters' web form
// (web/portal), the contacts an agent records in the console
// (web/console) and the REST API's tickets with a requester's address
// (web/api). All take this one path, so a requester gets the same things
// whichever way they came.
package intake

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// Intake opens the tickets of the web side: a ticket number, an e-mail
// thread that replies come back to, a tracking link and the confirmation
// mail, for every way a requester came.
type Intake struct {
	db      *sqlx.DB
	q       queries
	tickets *tickets.Store
	convs   *bots.Store
	tracker *tickets.TrackingTokens
	mailer  bots.Sender // nil: nothing is mailed
	baseURL string
	now     func() time.Time
}

// Options are the intake's stores and settings.
type Options struct {
	Pool    *sqlx.DB
	Tickets *tickets.Store
	Convs   *bots.Store
	// Mailer sends the confirmation (the e-mail adapter); nil: nothing is
	// mailed, Confirm answers ErrNoMailer.
	Mailer bots.Sender
	// BaseURL is the service's public address, for the tracking link.
	BaseURL string
	Now     func() time.Time
}

// The identity channels the intake links a requester under.
const (
	// PhoneChannel is the identity channel of telephone numbers.
	PhoneChannel = "phone"
	// WebChannel is the web's channel: the web form's and the web chat's
	// requesters share it, so one may later use the other.
	WebChannel = "web"
)

var (
	// ErrNoMailer: no e-mail sender is configured.
	ErrNoMailer = errors.New("no e-mail sender configured")
	// ErrNoAddress: the requester has no e-mail address to confirm to.
	ErrNoAddress = errors.New("the requester has no e-mail address")
)

//go:embed queries.sql
var queryFS embed.FS

// queries are the intake's SQL (queries.sql).
type queries struct {
}

// New returns the intake on opt's stores.
func New(opt Options) (*Intake, error) {
	in := &Intake{db: opt.Pool, tickets: opt.Tickets, convs: opt.Convs, mailer: opt.Mailer,
		baseURL: strings.TrimRight(opt.BaseURL, "/"), now: opt.Now}
	if in.now == nil {
		in.now = time.Now
	}
	if err := db.ScanQueries(&in.q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	var err error
	if in.tickets == nil {
		if in.tickets, err = tickets.NewStore(tickets.Options{Now: in.now}); err != nil {
			return nil, err
		}
	}
	if in.convs == nil {
		if in.convs, err = bots.NewStore(); err != nil {
			return nil, err
		}
	}
	if in.tracker, err = tickets.NewTrackingTokens(in.now); err != nil {
		return nil, err
	}
	return in, nil
}

// Request is one contact to register.
type Request struct {
	// RequesterID is a requester already chosen (the console's lookup);
	// 0: found or created by Email, else by Phone.
	RequesterID int64
	Name        string
	Email       string
	Phone       string // normalised (tickets.NormalizePhone); "" when not given
	Lang        string
	// WebIdentity also links the e-mail address as a web-chat identity
	// (the web form's requesters may later use the chat).
	WebIdentity bool

	OriginChannel string // "web", "phone", "fax", "in_person", "mail"
	Actor         string // who registers it: "web", "user:anna"
	Via           string // recorded in the first message's payload
	Subject       string
	Description   string
	Category      string
	Product       string
	Type          tickets.Type
	Urgency       tickets.Level
	Impact        tickets.Level
	Level         int    // support level; 0: the first
	GroupName     string // the agents' group it is routed to ("": none)
	Attachment    *bots.MailAttachment
}

// Opened is what the intake created.
type Opened struct {
	Ticket *tickets.Ticket
	Email  string // where the confirmation goes ("" : no address known)
	Token  string // the tracking link's secret ("" without an address)
	Key    string // the e-mail conversation's key
}

// Open registers the contact in one transaction: the requester (known by
// e-mail address, so that their replies by mail find the ticket, and by
// telephone number when given), an e-mail conversation queued for the
// agents (so agents answer by mail from the console), the ticket, the
// attachment and a tracking token. Without any e-mail address there is
// no conversation and no token: the ticket number is the reference.
func (in *Intake) Open(ctx context.Context, req Request) (*Opened, error) {
	out := &Opened{}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	err := db.Tx(ctx, in.db, func(tx *sqlx.Tx) error {
		now := in.now()
		rid, err := in.requester(ctx, tx, req, email)
		if err != nil {
			return err
		}
		if email == "" {
			known, err := in.tickets.GetRequester(ctx, tx, rid)
			if err != nil {
				return fmt.Errorf("requester e-mail: %w", err)
			}
			email = strings.ToLower(strings.TrimSpace(known.Email))
		}
		var convID *int64
		var conv *bots.Conversation
		if email != "" {
			// The thread's root is a Message-ID of our own making, unique
			// per request, so that two requests of one person stay two
			// threads.
			out.Key = bots.MailKey(email, "webform."+randomHex(12)+"@"+in.mailDomain())
			if conv, _, err = in.convs.LockOpen(ctx, tx, bots.ChannelEmail, out.Key, &rid, req.Lang, now); err != nil {
				return err
			}
			convID = &conv.ID
		}
		tk, err := in.tickets.Create(ctx, tx, req.Actor, tickets.NewTicket{RequesterID: &rid, ConversationID: convID,
			OriginChannel: req.OriginChannel, Subject: req.Subject, Description: req.Description, Type: req.Type,
			Category: req.Category, Product: req.Product, Urgency: req.Urgency, Impact: req.Impact, Level: req.Level,
			GroupName: req.GroupName})
		if err != nil {
			return err
		}
		out.Ticket = tk
		if conv != nil {
			conv.TicketID = &tk.ID
			if err := in.convs.SetState(ctx, tx, conv, req.Actor, bots.StateQueued, now); err != nil {
				return err
			}
			m := &bots.Message{ConversationID: conv.ID, Channel: bots.ChannelEmail, ExternalID: req.Via + ":" + tk.Number, Direction: "in",
				Author: email, Body: req.Subject + "\n\n" + req.Description, Payload: []byte(fmt.Sprintf(`{"via":%q}`, req.Via)), CreatedAt: now}
			if _, err := in.convs.RecordMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		if att := req.Attachment; att != nil {
			a := &tickets.Attachment{TicketID: tk.ID, Filename: att.Filename, ContentType: att.ContentType, SizeBytes: att.Size, SHA256: att.SHA256, StorageKey: att.StorageKey}
			if err := in.tickets.AddAttachment(ctx, tx, fmt.Sprintf("requester:%d", rid), a); err != nil {
				return err
			}
		}
		if email == "" {
			return nil
		}
		out.Email = email
		if out.Token, err = in.tracker.Issue(ctx, tx, tk.ID); err != nil {
			return err
		}
		err = in.convs.NotifyConversation(ctx, tx, conv.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// requester finds or creates the contact's requester and links the
// identities given (e-mail, telephone).
func (in *Intake) requester(ctx context.Context, tx *sqlx.Tx, req Request, email string) (int64, error) {
	rid := req.RequesterID
	var err error
	switch {
	case rid > 0:
		if _, err := in.tickets.GetRequester(ctx, tx, rid); err != nil {
			return 0, err
		}
		if email != "" {
			// A known requester gives an address for the first time: keep
			// it, so "find my ticket" and replies by mail recognise them.
			if err := in.tickets.FillEmail(ctx, tx, rid, req.Email); err != nil {
				return 0, err
			}
			if err := in.tickets.LinkIdentity(ctx, tx, bots.ChannelEmail, email, rid); err != nil {
				return 0, err
			}
		}
	case email != "":
		rid, err = in.tickets.EnsureRequester(ctx, tx, tickets.Identity{Channel: bots.ChannelEmail, ExternalID: email, Name: req.Name, Email: req.Email, Lang: req.Lang})
	case req.Phone != "":
		rid, err = in.tickets.EnsureRequester(ctx, tx, tickets.Identity{Channel: PhoneChannel, ExternalID: req.Phone, Name: req.Name, Lang: req.Lang})
	default:
		return 0, fmt.Errorf("%w: a contact needs a requester, an e-mail address or a telephone number", problem.ErrBadRequest)
	}
	if err != nil {
		return 0, err
	}
	if req.WebIdentity && email != "" {
		if err := in.tickets.LinkIdentity(ctx, tx, WebChannel, email, rid); err != nil {
			return 0, err
		}
	}
	if req.Phone != "" {
		if err := in.tickets.LinkIdentity(ctx, tx, PhoneChannel, req.Phone, rid); err != nil {
			return 0, err
		}
	}
	return rid, nil
}

// mailDomain is the host of the base URL, for Message-IDs of our own.
func (in *Intake) mailDomain() string {
	if u, err := url.Parse(in.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "helpdesk.invalid"
}

// Confirm mails the number and the tracking link, threaded as the e-mail
// conversation's root so that replies come back to the ticket. The
// link's token is never stored in clear, so the mail is not kept as a
// conversation message (a retry would need the token). ErrNoMailer: no
// sender configured; ErrNoAddress: the requester has no e-mail address.
func (in *Intake) Confirm(ctx context.Context, o *Opened, lang string) error {
	if o.Email == "" {
		return ErrNoAddress
	}
	if in.mailer == nil {
		return ErrNoMailer
	}
	tk := o.Ticket
	out := bots.Outbound{ExternalID: "webform-ack:" + tk.Number, Channel: bots.ChannelEmail, ConversationKey: o.Key,
		Reply: bots.Reply{Text: mailText.T(lang, "mail.confirm", tk.Subject, tk.Number, tk.Priority),
			Links: []bots.Link{{Label: tk.Number, URL: in.baseURL + tickets.TrackingPath(tk.Number, o.Token)}}}}
	return in.mailer.Send(ctx, out)
}

// randomHex is n random bytes in hex, for Message-IDs of our own.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
