// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// intake opens the tickets that reach the desk through the web side
// rather than through the engine: the requesters' web form, the
// contacts an agent records in the console (telephone, fax, in person, a
// mail forwarded by hand) and the REST API's tickets with a requester's
// address. All take the same path, so a requester gets
// the same things whichever way they came: a ticket number, an e-mail
// thread that replies come back to, a tracking link and the confirmation
// mail.
type intake struct {
	db      *sqlx.DB
	q       helpQueries
	tickets *tickets.Store
	convs   *bots.Store
	tracker *tickets.TrackingTokens
	mailer  bots.Sender // nil: nothing is mailed
	baseURL string
	now     func() time.Time
}

// newIntake is the intake of the console's stores: the REST API's (the
// console and the web form build theirs beside their own pages).
func newIntake(opt Options, st *tickets.Store, convs *bots.Store, now func() time.Time) (*intake, error) {
	var hq helpQueries
	if err := db.ScanQueries(&hq, helpQueryFS, "help_queries.sql"); err != nil {
		return nil, err
	}
	tracker, err := tickets.NewTrackingTokens(now)
	if err != nil {
		return nil, err
	}
	return &intake{db: opt.Pool, q: hq, tickets: st, convs: convs, tracker: tracker,
		mailer: opt.Public.Mailer, baseURL: strings.TrimRight(opt.BaseURL, "/"), now: now}, nil
}

// intakeRequest is one contact to register.
type intakeRequest struct {
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

// openedTicket is what the intake created.
type openedTicket struct {
	ticket *tickets.Ticket
	email  string // where the confirmation goes ("" : no address known)
	token  string // the tracking link's secret ("" without an address)
	key    string // the e-mail conversation's key
}

// open registers the contact in one transaction: the requester (known by
// e-mail address, so that their replies by mail find the ticket, and by
// telephone number when given), an e-mail conversation queued for the
// agents (so agents answer by mail from the console), the ticket, the
// attachment and a tracking token. Without any e-mail address there is
// no conversation and no token: the ticket number is the reference.
func (in *intake) open(ctx context.Context, req intakeRequest) (*openedTicket, error) {
	out := &openedTicket{}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	err := db.Tx(ctx, in.db, func(tx *sqlx.Tx) error {
		now := in.now()
		rid, err := in.requester(ctx, tx, req, email)
		if err != nil {
			return err
		}
		if email == "" {
			var known string
			if err := tx.GetContext(ctx, &known, in.q.RequesterEmail, rid); err != nil {
				return fmt.Errorf("requester e-mail: %w", err)
			}
			email = strings.ToLower(strings.TrimSpace(known))
		}
		var convID *int64
		var conv *bots.Conversation
		if email != "" {
			// The thread's root is a Message-ID of our own making, unique
			// per request, so that two requests of one person stay two
			// threads.
			out.key = bots.MailKey(email, "webform."+hex.EncodeToString(randomBytes(12))+"@"+in.mailDomain())
			if conv, _, err = in.convs.LockOpen(ctx, tx, bots.ChannelEmail, out.key, &rid, req.Lang, now); err != nil {
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
		out.ticket = tk
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
		out.email = email
		if out.token, err = in.tracker.Issue(ctx, tx, tk.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, in.q.NotifyConversation, fmt.Sprint(conv.ID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// requester finds or creates the contact's requester and links the
// identities given (e-mail, telephone).
func (in *intake) requester(ctx context.Context, tx *sqlx.Tx, req intakeRequest, email string) (int64, error) {
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
		rid, err = in.tickets.EnsureRequester(ctx, tx, tickets.Identity{Channel: phoneChannel, ExternalID: req.Phone, Name: req.Name, Lang: req.Lang})
	default:
		return 0, fmt.Errorf("%w: a contact needs a requester, an e-mail address or a telephone number", errBadRequest)
	}
	if err != nil {
		return 0, err
	}
	if req.WebIdentity && email != "" {
		if err := in.tickets.LinkIdentity(ctx, tx, chatChannel, email, rid); err != nil {
			return 0, err
		}
	}
	if req.Phone != "" {
		if err := in.tickets.LinkIdentity(ctx, tx, phoneChannel, req.Phone, rid); err != nil {
			return 0, err
		}
	}
	return rid, nil
}

// mailDomain is the host of the base URL, for Message-IDs of our own.
func (in *intake) mailDomain() string {
	if u, err := url.Parse(in.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "helpdesk.invalid"
}

// confirm mails the number and the tracking link, threaded as the e-mail
// conversation's root so that replies come back to the ticket. The
// link's token is never stored in clear, so the mail is not kept as a
// conversation message (a retry would need the token). errNoMailer: no
// sender configured; errNoAddress: the requester has no e-mail address.
func (in *intake) confirm(ctx context.Context, o *openedTicket, lang string) error {
	if o.email == "" {
		return errNoAddress
	}
	if in.mailer == nil {
		return errNoMailer
	}
	tk := o.ticket
	out := bots.Outbound{ExternalID: "webform-ack:" + tk.Number, Channel: bots.ChannelEmail, ConversationKey: o.key,
		Reply: bots.Reply{Text: helpText.T(lang, "mail.confirm", tk.Subject, tk.Number, tk.Priority),
			Links: []bots.Link{{Label: tk.Number, URL: in.baseURL + tickets.TrackingPath(tk.Number, o.token)}}}}
	return in.mailer.Send(ctx, out)
}
