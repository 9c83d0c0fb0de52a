// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// ChannelEmail is the channel name of e-mail conversations.
const ChannelEmail = "email"

// Mail is one inbound e-mail, already parsed by the e-mail adapter (MIME,
// charsets, HTML to text) and already filtered of auto-replies and
// bounces, which must never reach the engine.
type Mail struct {
	MessageID   string   // the Message-ID header, without angle brackets
	References  []string // In-Reply-To and References ids, without angle brackets
	FromName    string
	FromAddress string
	Subject     string
	Text        string // the new text of the mail (quoted history removed when possible)
	Lang        string // "it" or "en" if the adapter knows (Content-Language); "" otherwise
	Attachments []MailAttachment
}

// MailAttachment is an attachment the adapter has stored (under a size
// limit); the engine records its metadata on the ticket.
type MailAttachment struct {
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	StorageKey  string
}

// MailResult says what HandleMail did.
type MailResult struct {
	TicketNumber string
	Created      bool // a new ticket was opened (false: a comment on an existing one)
	Duplicate    bool // this Message-ID was already handled: nothing done
	Replies      []Outbound
}

// MailKey is the conversation key of an e-mail thread: the requester's
// address and the Message-ID of the mail that opened it. The e-mail
// sender parses it back with ParseMailKey to address replies and thread
// them (In-Reply-To, References).
func MailKey(address, rootMessageID string) string {
	return "mailto:" + strings.ToLower(address) + " root:" + rootMessageID
}

// ParseMailKey splits a key made by MailKey.
func ParseMailKey(key string) (address, rootMessageID string, ok bool) {
	rest, ok := strings.CutPrefix(key, "mailto:")
	if !ok {
		return "", "", false
	}
	address, rootMessageID, ok = strings.Cut(rest, " root:")
	return address, rootMessageID, ok && address != ""
}

var subjectNumber = regexp.MustCompile(`\[(HD-\d{4}-\d{6})\]`)

// HandleMail registers an inbound e-mail: a reply to a known thread (the
// ticket number in the subject, or a Message-ID it references) becomes a
// public comment on that ticket — reopening it when it was resolved —;
// any other mail opens a new ticket, classified like a chat message, and
// the requester gets the ticket number (and, out of hours, when the desk
// reopens). A Message-ID seen before is a no-op.
func (e *Engine) HandleMail(ctx context.Context, m Mail) (MailResult, error) {
	m.clean()
	if m.MessageID == "" || m.FromAddress == "" {
		return MailResult{}, fmt.Errorf("%w: mail without Message-ID or sender", ErrInvalidInbound)
	}
	if len(m.Text) > 4*MaxTextBytes {
		m.Text = m.Text[:4*MaxTextBytes] // long mails are kept, up to a limit, not refused
	}
	var res MailResult
	var conv *Conversation
	memo := newMemo()
	var err error
	for try := 1; ; try++ {
		err = db.Tx(ctx, e.opt.DB, func(tx *sqlx.Tx) error {
			var err error
			res, conv, err = e.handleMailTx(ctx, tx, m, memo)
			return err
		})
		if !errors.Is(err, errNeedModel) || try == 3 {
			break
		}
		memo.runMissing(ctx) // outside the transaction (modelcalls.go)
	}
	if err != nil {
		if db.IsUnavailable(err) {
			return MailResult{}, fmt.Errorf("%w: %w", db.ErrUnavailable, err)
		}
		return MailResult{}, err
	}
	if conv != nil {
		lock := e.stripe(conv.Channel, conv.Key)
		lock.Lock()
		e.deliver(ctx, res.Replies)
		lock.Unlock()
	}
	return res, nil
}

func (e *Engine) handleMailTx(ctx context.Context, tx *sqlx.Tx, m Mail, memo *memo) (MailResult, *Conversation, error) {
	now := e.opt.Now()
	var seen int
	if err := tx.GetContext(ctx, &seen, `SELECT count(*) FROM messages WHERE channel = $1 AND external_id = $2`, ChannelEmail, m.MessageID); err != nil {
		return MailResult{}, nil, err
	}
	if seen > 0 {
		return MailResult{Duplicate: true}, nil, nil
	}
	requester, err := e.opt.Tickets.Requester(ctx, tx, tickets.Identity{Channel: ChannelEmail, ExternalID: strings.ToLower(m.FromAddress),
		Name: m.FromName, Email: m.FromAddress, Lang: m.Lang})
	if err != nil {
		return MailResult{}, nil, err
	}
	lang := m.Lang
	if lang == "" {
		lang = nlp.DetectLanguage(m.Subject+"\n"+m.Text, requester.Lang).Lang
	}
	conv, tk, err := e.mailThread(ctx, tx, m, requester.ID)
	if err != nil {
		return MailResult{}, nil, err
	}
	// A message about a ticket that has ended (closed, cancelled, resolved
	// longer ago than the reopening window) opens a new ticket linked to
	// it, as Zammad's and GLPI's follow-up rule does: left as a comment on
	// the ended ticket nobody would read it. A thank-you stays on the
	// ended ticket; so does an empty mail. A mail with only attachments (a
	// screenshot of the error) is taken as the problem being back, as it
	// reopens a ticket resolved within the window.
	var prior *tickets.Ticket
	if tk != nil && tickets.Ended(tk, now, e.opt.ReopenWindow) && (strings.TrimSpace(m.Text) != "" || len(m.Attachments) > 0) &&
		!thanksOnly(m.Text, lang) {
		prior, conv, tk = tk, nil, nil
	}
	actor := fmt.Sprintf("requester:%d", requester.ID)
	res := MailResult{}
	var replies []Reply
	// The mail is recorded in its conversation once that is known; a turn
	// that offers choices numbers them with its id (prompts.go).
	payload, _ := json.Marshal(map[string]any{"subject": m.Subject, "from": m.FromAddress, "references": m.References})
	in := &Message{Channel: ChannelEmail, ExternalID: m.MessageID, Direction: "in",
		Author: strings.ToLower(m.FromAddress), Body: m.Text, Payload: payload, CreatedAt: now}
	recorded := false
	recordIn := func() (int64, error) {
		if recorded {
			return in.ID, nil
		}
		recorded, in.ConversationID = true, conv.ID
		_, err := e.store.RecordMessage(ctx, tx, in)
		return in.ID, err
	}
	if conv == nil && tk != nil {
		// A ticket opened elsewhere (console, web form) answered by mail:
		// give it an e-mail thread.
		if conv, _, err = e.store.LockOpen(ctx, tx, ChannelEmail, MailKey(m.FromAddress, m.MessageID), &requester.ID, lang, now); err != nil {
			return MailResult{}, nil, err
		}
		conv.TicketID = &tk.ID
	}
	if conv == nil {
		// A new thread: a conversation held for agents, and a ticket.
		key := MailKey(m.FromAddress, m.MessageID)
		conv, _, err = e.store.LockOpen(ctx, tx, ChannelEmail, key, &requester.ID, lang, now)
		if err != nil {
			return MailResult{}, nil, err
		}
		text := strings.TrimSpace(m.Subject + "\n\n" + m.Text)
		sev, err := e.assessIn(ctx, memo, text, lang)
		if err != nil {
			return MailResult{}, nil, err
		}
		typ := tickets.Type(sev.Type.Level)
		if !typ.Valid() {
			typ = tickets.TypeIncident
		}
		subject := strings.TrimSpace(m.Subject)
		if prior != nil {
			subject = followUpSubject(subject, prior)
		}
		if subject == "" {
			subject = subjectOf(m.Text)
		}
		convID := conv.ID
		tk, err = e.opt.Tickets.Create(ctx, tx, "email", tickets.NewTicket{
			RequesterID: &requester.ID, ConversationID: &convID, OriginChannel: ChannelEmail, Subject: subject,
			Description: m.Text, Type: typ, Urgency: levelOf(sev.Urgency.Level), Impact: levelOf(sev.Impact.Level), Level: 1,
		})
		if err != nil {
			return MailResult{}, nil, err
		}
		conv.TicketID, conv.Lang = &tk.ID, lang
		noteJSON, _ := json.Marshal(dialogue{Query: subject, Reason: "email", Severity: note(sev)})
		conv.Context = noteJSON
		if err := e.store.SetState(ctx, tx, conv, "email", StateQueued, now); err != nil {
			return MailResult{}, nil, err
		}
		res.Created = true
		msg := botText.T(lang, "mail.opened", tk.Number, tk.Priority)
		if prior != nil {
			if err := e.opt.Tickets.LinkFollowUp(ctx, tx, actor, prior, tk); err != nil {
				return MailResult{}, nil, err
			}
			msg = botText.T(lang, "mail.followup", prior.Number, tk.Number, tk.Priority)
		}
		queue := e.queueCalendar(tk.Level)
		if !queue.IsOpen(now) {
			msg += "\n\n" + botText.T(lang, "closed.now", formatWhen(lang, queue.NextOpening(now), now, queue.Location()))
		}
		due := e.promiseCalendar(tk).AddWorkingHours(now, e.opt.FirstResponse[tk.Priority])
		msg += "\n\n" + botText.T(lang, "ticket.firstresponse", formatWhen(lang, due, now, queue.Location()))
		r := Reply{Text: msg}
		u, err := e.trackURL(ctx, tx, tk)
		if err != nil {
			return MailResult{}, nil, err
		}
		if u != "" {
			r.Links = []Link{{Label: tk.Number, URL: u}}
		}
		replies = append(replies, r)
	} else if tk != nil {
		// A reply in a known thread.
		live := tk.State != tickets.StateResolved && tk.State != tickets.StateClosed && tk.State != tickets.StateCancelled
		if live && strings.TrimSpace(m.Text) != "" && (conv.State == StateQueued || conv.State == StateAgent) {
			// The chat's state handlers answer it (mailturn.go).
			inID, err := recordIn()
			if err != nil {
				return MailResult{}, nil, err
			}
			t := e.mailTurn(tx, conv, requester, in, m.Text, memo)
			if conv.State == StateQueued {
				err = e.whileQueued(ctx, t, "")
			} else {
				err = e.whileHeld(ctx, t, "")
			}
			if err != nil {
				return MailResult{}, nil, err
			}
			if t.silence == SilenceAgentHolds {
				// The agent answers; the mail is theirs, on the ticket.
				if _, err := e.opt.Tickets.AddComment(ctx, tx, tk.ID, actor, true, m.Text); err != nil {
					return MailResult{}, nil, err
				}
			}
			if err := e.finishMailTurn(ctx, t, inID); err != nil {
				return MailResult{}, nil, err
			}
			conv.Lang = t.lang
			replies = append(replies, t.replies...)
		} else if strings.TrimSpace(m.Text) != "" {
			// A public comment from the requester.
			if _, err := e.opt.Tickets.AddComment(ctx, tx, tk.ID, actor, true, m.Text); err != nil {
				return MailResult{}, nil, err
			}
		}
		if conv.State == StateQueued && conv.TicketID != nil && *conv.TicketID == tk.ID {
			// The turn may have withdrawn the ticket: read it again.
			if tk, err = e.opt.Tickets.Get(ctx, tx, tk.ID); err != nil {
				return MailResult{}, nil, err
			}
		}
		switch {
		case tk.State == tickets.StateResolved && tk.ResolvedAt != nil && now.Sub(*tk.ResolvedAt) <= e.opt.ReopenWindow &&
			(strings.TrimSpace(m.Text) != "" || len(m.Attachments) > 0) && !thanksOnly(m.Text, conv.Lang):
			if _, err := e.opt.Tickets.Transition(ctx, tx, tk.ID, actor, tickets.StateOpen); err != nil {
				return MailResult{}, nil, err
			}
			conv.AgentID = nil
			if err := e.store.SetState(ctx, tx, conv, actor, StateQueued, now); err != nil {
				return MailResult{}, nil, err
			}
			replies = append(replies, Reply{Text: botText.T(conv.Lang, "handoff.reopened", tk.Number)})
		case tk.State == tickets.StateWaitingRequester:
			if _, err := e.opt.Tickets.Transition(ctx, tx, tk.ID, actor, tickets.StateOpen); err != nil {
				return MailResult{}, nil, err
			}
		}
	}
	if tk != nil {
		res.TicketNumber = tk.Number
		for _, a := range m.Attachments {
			att := &tickets.Attachment{TicketID: tk.ID, Filename: a.Filename, ContentType: a.ContentType, SizeBytes: a.Size, SHA256: a.SHA256, StorageKey: a.StorageKey}
			if err := e.opt.Tickets.AddAttachment(ctx, tx, actor, att); err != nil {
				return MailResult{}, nil, err
			}
		}
	}
	if _, err := recordIn(); err != nil {
		return MailResult{}, nil, err
	}
	conv.LastMessageAt, conv.UpdatedAt = now, now
	if err := e.store.Save(ctx, tx, conv); err != nil {
		return MailResult{}, nil, err
	}
	if err := e.notify(ctx, tx, conv.ID); err != nil {
		return MailResult{}, nil, err
	}
	outs, err := e.recordOut(ctx, tx, conv, "bot", replies, now)
	if err != nil {
		return MailResult{}, nil, err
	}
	res.Replies = outs
	return res, conv, nil
}

// mailThread finds the conversation and ticket a mail belongs to: by the
// ticket number in its subject (only the sender's own tickets), else by a
// Message-ID it references. Both nil means a new thread.
func (e *Engine) mailThread(ctx context.Context, tx *sqlx.Tx, m Mail, requesterID int64) (*Conversation, *tickets.Ticket, error) {
	var tk *tickets.Ticket
	if match := subjectNumber.FindStringSubmatch(strings.ToUpper(m.Subject)); match != nil {
		t, err := e.opt.Tickets.GetByNumber(ctx, tx, match[1])
		switch {
		case err == nil && t.RequesterID != nil && *t.RequesterID == requesterID:
			tk = t
		case err != nil && !errors.Is(err, tickets.ErrNotFound):
			return nil, nil, err
		}
	}
	if tk == nil && len(m.References) > 0 {
		var convID int64
		err := tx.GetContext(ctx, &convID, `SELECT conversation_id FROM messages WHERE channel = $1 AND external_id = ANY($2) ORDER BY id DESC LIMIT 1`,
			ChannelEmail, pq.Array(m.References))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, err
		}
		if err == nil {
			conv, err := e.store.Lock(ctx, tx, convID)
			if err != nil {
				return nil, nil, err
			}
			if conv.TicketID != nil {
				if tk, err = e.opt.Tickets.Get(ctx, tx, *conv.TicketID); err != nil {
					return nil, nil, err
				}
			}
			return conv, tk, nil
		}
	}
	if tk == nil || tk.ConversationID == nil {
		return nil, tk, nil
	}
	conv, err := e.store.Lock(ctx, tx, *tk.ConversationID)
	if err != nil {
		return nil, nil, err
	}
	return conv, tk, nil
}

// replyPrefix matches the reply and forward markers mail programs put
// before a subject, in Italian and English ("Re:", "R:", "I:", "Fwd:").
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|r|i|fw|fwd|inoltro|aw)\s*:\s*`)

// followUpSubject is a follow-up ticket's subject: the mail's subject
// without the ended ticket's number and the reply markers, or the ended
// ticket's subject when nothing else is left.
func followUpSubject(subject string, prior *tickets.Ticket) string {
	subject = strings.TrimSpace(subjectNumber.ReplaceAllString(subject, ""))
	for {
		s := replyPrefix.ReplaceAllString(subject, "")
		s = strings.TrimSpace(subjectNumber.ReplaceAllString(s, ""))
		if s == subject {
			break
		}
		subject = s
	}
	if subject == "" {
		return prior.Subject
	}
	return subject
}

// thanksOnly tells a "grazie, tutto a posto" reply to a resolved ticket
// from one that says the problem is back: only the latter reopens.
func thanksOnly(text, lang string) bool {
	switch nlp.Classify(text, lang).Kind {
	case nlp.IntentThanksBye, nlp.IntentFeedbackYes:
		return true
	}
	return false
}
