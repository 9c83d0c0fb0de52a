// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"helpdesk/web/intake"
	"helpdesk/web/problem"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// MaxReplyBytes caps a reply written on the tracking page.
const MaxReplyBytes = 8000

// timelineItem is one line of a ticket's public history.
type timelineItem struct {
	At      time.Time
	Kind    string // "created", "comment", "state"
	Mine    bool   // written by the requester
	Body    string
	StateTo tickets.State
}

type trackData struct {
	Ticket   *tickets.Ticket
	Promise  *deskPromise // on the web form's confirmation
	Token    string
	Timeline []timelineItem
	CanReply bool
	Reopens  bool // a reply reopens the resolved ticket
	Reply    string
}

type trackFindData struct {
	Number string
	Email  string
	Errors map[string]string
}

// deskPromise is what the confirmation of a new request promises, as the
// chat does when it opens a ticket: when a first-level operator will
// answer (working hours of the desk's calendar) and, while the desk is
// closed, when it reopens.
type deskPromise struct {
	FirstResponse string // "oggi alle 15:10", in the desk's zone
	ClosedUntil   string // "" while the desk is open
}

func (p *Site) promise(lang string, tk *tickets.Ticket) *deskPromise {
	now := p.now()
	// With named calendars, the promise is counted on the calendar the
	// first-response clock runs on, and "reopens" is the ticket's queue's.
	promise, queue := p.calendar, p.calendar
	if p.calendars != nil {
		promise, queue = p.calendars.For(tk, tickets.TargetFirstResponse), p.calendars.Level(max(tk.Level, 1))
	}
	due := promise.AddWorkingHours(tk.CreatedAt, p.opt.FirstResponse[tk.Priority])
	d := &deskPromise{FirstResponse: bots.FormatWhen(lang, due, now, p.loc)}
	if !queue.IsOpen(now) {
		d.ClosedUntil = bots.FormatWhen(lang, queue.NextOpening(now), now, p.loc)
	}
	return d
}

// openTicket checks a tracking link: the ticket if number and token match.
func (p *Site) openTicket(ctx context.Context, number, token string) (*tickets.Ticket, error) {
	n, ok := parseTicketNumber(number)
	tok, tokOK := parseToken(token)
	if !ok || !tokOK {
		return nil, problem.ErrNoTicket
	}
	tk, err := p.tickets.GetByNumber(ctx, p.db, n)
	if errors.Is(err, tickets.ErrNotFound) {
		return nil, problem.ErrNoTicket
	}
	if err != nil {
		return nil, err
	}
	good, err := p.tracker.Valid(ctx, p.db, tk.ID, tok)
	if err != nil {
		return nil, err
	}
	if !good {
		return nil, problem.ErrNoTicket
	}
	return tk, nil
}

// canReply says whether the requester may still write on the ticket, and
// whether doing so reopens it.
func (p *Site) canReply(tk *tickets.Ticket) (can, reopens bool) {
	switch tk.State {
	case tickets.StateClosed, tickets.StateCancelled:
		return false, false
	case tickets.StateResolved:
		ok := tk.ResolvedAt != nil && p.now().Sub(*tk.ResolvedAt) <= p.opt.ReopenWindow
		return ok, ok
	}
	return true, false
}

func (p *Site) TrackPage(w http.ResponseWriter, r *http.Request) {
	tk, err := p.openTicket(r.Context(), r.PathValue("number"), r.URL.Query().Get("t"))
	if errors.Is(err, problem.ErrNoTicket) {
		// The same page whether the number exists or not: the link is
		// incomplete, so offer to mail a fresh one.
		v := p.view(w, r, "track.find.title", nil)
		v.Notice = v.T("track.badlink")
		n, _ := parseTicketNumber(r.PathValue("number"))
		v.Data = trackFindData{Number: n}
		w.Header().Set("Cache-Control", "no-store")
		p.render(w, http.StatusOK, "track_find", v)
		return
	}
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	v := p.view(w, r, "track.title", nil)
	d, err := p.trackData(r.Context(), tk)
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	d.Token = r.URL.Query().Get("t")
	switch r.URL.Query().Get("flash") {
	case "sent":
		v.Notice = v.T("track.reply.sent")
	case "reopened":
		v.Notice = v.T("track.reply.reopened")
	case "created":
		v.Notice = v.T("track.created")
		d.Promise = p.promise(v.Lang, tk)
	case "created-nomail":
		// The request is registered (good news) but the mail with the
		// link did not leave (a warning: the page is the only copy).
		v.Notice, v.Warning = v.T("track.created.only"), v.T("track.nomail")
		d.Promise = p.promise(v.Lang, tk)
	}
	v.Title = tk.Number + " · " + tk.Subject
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token must not leak to linked sites
	p.render(w, http.StatusOK, "track", v)
}

// trackData gathers the ticket's public timeline: its opening, public
// comments and state changes, never internal notes.
func (p *Site) trackData(ctx context.Context, tk *tickets.Ticket) (*trackData, error) {
	d := &trackData{Ticket: tk}
	cs, err := p.tickets.Comments(ctx, p.db, tk.ID, false)
	if err != nil {
		return nil, err
	}
	evs, err := p.tickets.Events(ctx, p.db, tk.ID)
	if err != nil {
		return nil, err
	}
	d.Timeline = append(d.Timeline, timelineItem{At: tk.CreatedAt, Kind: "created", Mine: true, Body: tk.Description})
	for _, c := range cs {
		if !c.Public {
			continue
		}
		d.Timeline = append(d.Timeline, timelineItem{At: c.CreatedAt, Kind: "comment", Mine: strings.HasPrefix(c.Author, "requester:"), Body: c.Body})
	}
	for _, e := range evs {
		if e.Kind == tickets.EventState {
			d.Timeline = append(d.Timeline, timelineItem{At: e.At, Kind: "state", StateTo: tickets.State(e.NewValue)})
		}
	}
	slices.SortStableFunc(d.Timeline, func(a, b timelineItem) int { return a.At.Compare(b.At) })
	d.CanReply, d.Reopens = p.canReply(tk)
	return d, nil
}

// TrackReply adds the requester's reply as a public comment; a resolved
// ticket within the reopening window, or one waiting for the requester,
// goes back to open and its conversation back to the agents' queue.
func (p *Site) TrackReply(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("t")
	tk, err := p.openTicket(r.Context(), r.PathValue("number"), token)
	if err != nil {
		if errors.Is(err, problem.ErrNoTicket) {
			err = problem.ErrForbidden
		}
		p.Fail(w, r, err)
		return
	}
	body := strings.TrimSpace(r.PostFormValue("body"))
	v := p.view(w, r, "track.title", nil)
	can, _ := p.canReply(tk)
	var why string
	switch {
	case !can:
		why = "track.reply.closed"
	case body == "":
		why = "field.required"
	case len(body) > MaxReplyBytes || !utf8.ValidString(body):
		why = "field.toolong"
	}
	if why == "" {
		if err := p.limiter.allow(r.Context(), rateLimit{"track-reply", tk.Number, p.opt.RepliesPerTicket, hour}); err != nil {
			if !errors.Is(err, problem.ErrTooMany) {
				p.Fail(w, r, err)
				return
			}
			why = "error.toomany"
		}
	}
	if why != "" {
		d, err := p.trackData(r.Context(), tk)
		if err != nil {
			p.Fail(w, r, err)
			return
		}
		d.Token, d.Reply = token, body
		v.Error, v.Title, v.Data = v.T(why), tk.Number+" · "+tk.Subject, d
		p.render(w, http.StatusUnprocessableEntity, "track", v)
		return
	}
	reopened := false
	err = db.Tx(r.Context(), p.db, func(tx *sqlx.Tx) error {
		var err error
		reopened, err = p.requesterReply(r.Context(), tx, tk, body)
		return err
	})
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	flash := "sent"
	if reopened {
		flash = "reopened"
	}
	http.Redirect(w, r, tickets.TrackingPath(tk.Number, token)+"&flash="+flash+"#timeline", http.StatusSeeOther)
}

// requesterReply records the reply in tx: a public comment, the reopening
// when it applies, and a message in the ticket's conversation so the
// agent holding it sees it live.
func (p *Site) requesterReply(ctx context.Context, tx *sqlx.Tx, tk *tickets.Ticket, body string) (reopened bool, err error) {
	actor := "requester:?"
	if tk.RequesterID != nil {
		actor = fmt.Sprintf("requester:%d", *tk.RequesterID)
	}
	if _, err := p.tickets.AddComment(ctx, tx, tk.ID, actor, true, body); err != nil {
		return false, err
	}
	now := p.now()
	switch {
	case tk.State == tickets.StateResolved:
		if _, err := p.tickets.Transition(ctx, tx, tk.ID, actor, tickets.StateOpen); err != nil {
			return false, err
		}
		reopened = true
	case tk.State == tickets.StateWaitingRequester:
		if _, err := p.tickets.Transition(ctx, tx, tk.ID, actor, tickets.StateOpen); err != nil {
			return false, err
		}
	}
	if tk.ConversationID == nil {
		return reopened, nil
	}
	conv, err := p.convs.Lock(ctx, tx, *tk.ConversationID)
	if err != nil {
		return false, err
	}
	if conv.State == bots.StateClosed {
		return reopened, nil
	}
	var nonce [8]byte
	rand.Read(nonce[:])
	msg := &bots.Message{ConversationID: conv.ID, Channel: conv.Channel, ExternalID: "track-reply:" + hex.EncodeToString(nonce[:]),
		Direction: "in", Author: actor, Body: body, Payload: []byte(`{"via":"tracking page"}`), CreatedAt: now}
	if _, err := p.convs.RecordMessage(ctx, tx, msg); err != nil {
		return false, err
	}
	if reopened && conv.State == bots.StateResolved {
		conv.AgentID = nil
		if err := p.convs.SetState(ctx, tx, conv, actor, bots.StateQueued, now); err != nil {
			return false, err
		}
	}
	conv.LastMessageAt, conv.UpdatedAt = now, now
	if err := p.convs.Save(ctx, tx, conv); err != nil {
		return false, err
	}
	return reopened, p.convs.NotifyConversation(ctx, tx, conv.ID) // the consoles show the reply
}

func (p *Site) TrackFindPage(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r, "track.find.title", nil)
	n, _ := parseTicketNumber(r.URL.Query().Get("number"))
	v.Data = trackFindData{Number: n}
	p.render(w, http.StatusOK, "track_find", v)
}

// TrackFindSubmit mails a fresh tracking link when number and e-mail
// belong together, and answers the same page either way: nobody learns
// from it whether a ticket or an address exists.
func (p *Site) TrackFindSubmit(w http.ResponseWriter, r *http.Request) {
	v := p.view(w, r, "track.find.title", nil)
	d := trackFindData{Number: strings.TrimSpace(r.PostFormValue("number")), Email: strings.TrimSpace(r.PostFormValue("email")), Errors: map[string]string{}}
	number, ok := parseTicketNumber(d.Number)
	if !ok {
		d.Errors["number"] = v.T("field.number")
	}
	addr, err := mail.ParseAddress(d.Email)
	if err != nil || addr.Name != "" || len(d.Email) > 254 {
		d.Errors["email"] = v.T("field.email")
	}
	if len(d.Errors) > 0 {
		v.Error, v.Data = v.T("form.fix"), d
		p.render(w, http.StatusUnprocessableEntity, "track_find", v)
		return
	}
	email := strings.ToLower(addr.Address)
	if err := p.limiter.allow(r.Context(), rateLimit{"find-addr", p.clientKey(r), p.opt.FindsPerAddress, hour},
		rateLimit{"find-email", email, 3, hour}); err != nil {
		p.Fail(w, r, err)
		return
	}
	// The lookup and the mail run after the answer, so that neither the
	// page nor its timing depends on whether number and address matched.
	lang := v.Lang
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
		defer cancel()
		if err := p.mailLinkIfOwner(ctx, number, email, lang); err != nil {
			p.log.Error("find my ticket", "number", number, "err", err)
		}
	}()
	v.Notice = v.T("track.find.done")
	v.Data = trackFindData{}
	p.render(w, http.StatusOK, "track_find", v)
}

// mailLinkIfOwner issues a token and mails the link when the ticket's
// requester has this e-mail address; otherwise it does nothing.
func (p *Site) mailLinkIfOwner(ctx context.Context, number, email, lang string) error {
	tk, err := p.tickets.GetByNumber(ctx, p.db, number)
	if errors.Is(err, tickets.ErrNotFound) {
		return nil
	}
	if err != nil || tk.RequesterID == nil {
		return err
	}
	owner, err := p.tickets.GetRequester(ctx, p.db, *tk.RequesterID)
	if err != nil {
		return err
	}
	if !strings.EqualFold(strings.TrimSpace(owner.Email), email) {
		return nil
	}
	if p.opt.Mailer == nil {
		return intake.ErrNoMailer
	}
	link, err := p.tracker.Link(ctx, p.db, p.baseURL, tk.ID, tk.Number)
	if err != nil {
		return err
	}
	out := bots.Outbound{ExternalID: "track-link:" + tk.Number + ":" + hex.EncodeToString(randomBytes(6)), Channel: bots.ChannelEmail,
		ConversationKey: bots.MailKey(email, ""),
		Reply:           bots.Reply{Text: Text.T(lang, "mail.tracklink", tk.Number, tk.Subject), Links: []bots.Link{{Label: tk.Number, URL: link}}}}
	return p.opt.Mailer.Send(ctx, out)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
