// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/internal/i18n"
	"helpdesk/tickets"
)

// ChannelPhone is the channel of tickets and conversations that came by
// telephone: a voicemail the PBX mailed, or a call an agent typed in.
const ChannelPhone = "phone"

// Voicemail is a voicemail a PBX (Asterisk/FreePBX, 3CX …) sent by
// e-mail, recognised and parsed by the e-mail adapter: it becomes a
// telephone ticket to call back, never a mail thread, and nothing is
// answered to the PBX's address.
type Voicemail struct {
	MessageID   string // of the PBX's mail: a mail read twice opens one ticket
	FromAddress string // the PBX's address, kept in the message payload only
	Caller      string // the caller's number as the PBX wrote it; "" when withheld
	CallerName  string // the caller id's name, when the PBX gave one
	Mailbox     string // the PBX's voice mailbox, when it says
	Subject     string // the PBX's subject, for the record
	Text        string // the PBX's text (date, length …)
	Lang        string // the desk's language for the ticket's subject
	Attachments []MailAttachment
}

// voicemailText are the words the ticket is written with.
var voicemailText = i18n.Catalog{
	"vm.subject":      {"it": "Messaggio in segreteria da %s: richiamare", "en": "Voicemail from %s: call back"},
	"vm.subject.anon": {"it": "Messaggio in segreteria da numero anonimo", "en": "Voicemail from a withheld number"},
	"vm.description": {
		"it": "Messaggio lasciato in segreteria telefonica (casella %s). Ascolta l'audio allegato e richiama il numero %s.\n\nNotifica del centralino:\n%s",
		"en": "Message left on the answering service (mailbox %s). Listen to the attached audio and call back %s.\n\nThe PBX's notice:\n%s",
	},
	"vm.description.anon": {
		"it": "Messaggio lasciato in segreteria telefonica (casella %s) da un numero anonimo: ascolta l'audio allegato, potrebbe dire come richiamare.\n\nNotifica del centralino:\n%s",
		"en": "Message left on the answering service (mailbox %s) from a withheld number: listen to the attached audio, it may say how to call back.\n\nThe PBX's notice:\n%s",
	},
}

// VoicemailResult says what HandleVoicemail did.
type VoicemailResult struct {
	TicketNumber string
	Duplicate    bool  // this mail was handled before: nothing done
	RequesterID  int64 // 0 when the number was withheld
	KnownCaller  bool  // the number belonged to a requester already
}

// HandleVoicemail opens a level-1 telephone ticket marked "call back" for
// a voicemail: the caller's number is the requester's telephone (a known
// requester when the number is known), the audio is attached, and its
// conversation waits in level 1's queue, where call-backs come first.
// No reply is recorded or sent: the PBX is not a person.
func (e *Engine) HandleVoicemail(ctx context.Context, v Voicemail) (VoicemailResult, error) {
	if v.MessageID == "" {
		return VoicemailResult{}, fmt.Errorf("%w: voicemail without Message-ID", ErrInvalidInbound)
	}
	var res VoicemailResult
	err := db.Tx(ctx, e.opt.DB, func(tx *sqlx.Tx) error {
		var err error
		res, err = e.handleVoicemailTx(ctx, tx, v)
		return err
	})
	if err != nil {
		if db.IsUnavailable(err) {
			return VoicemailResult{}, fmt.Errorf("%w: %w", db.ErrUnavailable, err)
		}
		return VoicemailResult{}, err
	}
	return res, nil
}

func (e *Engine) handleVoicemailTx(ctx context.Context, tx *sqlx.Tx, v Voicemail) (VoicemailResult, error) {
	now := e.opt.Now()
	var seen int
	if err := tx.GetContext(ctx, &seen, `SELECT count(*) FROM messages WHERE channel = $1 AND external_id = $2`, ChannelPhone, v.MessageID); err != nil {
		return VoicemailResult{}, err
	}
	if seen > 0 {
		return VoicemailResult{Duplicate: true}, nil
	}
	lang := i18n.Normalize(v.Lang)
	if v.Lang == "" {
		lang = e.opt.DefaultLang
	}
	var res VoicemailResult
	var requesterID *int64
	number := tickets.NormalizePhone(v.Caller)
	if number != "" {
		r, known, err := e.opt.Tickets.RequesterByPhone(ctx, tx, number, strings.TrimSpace(v.CallerName))
		if err != nil {
			return VoicemailResult{}, err
		}
		requesterID, res.RequesterID, res.KnownCaller = &r.ID, r.ID, known
	}
	mailbox := v.Mailbox
	if mailbox == "" {
		mailbox = "-"
	}
	subject := voicemailText.T(lang, "vm.subject.anon")
	desc := voicemailText.T(lang, "vm.description.anon", mailbox, strings.TrimSpace(v.Text))
	if number != "" {
		who := number
		if name := strings.TrimSpace(v.CallerName); name != "" {
			who = name + " " + number
		}
		subject = voicemailText.T(lang, "vm.subject", who)
		desc = voicemailText.T(lang, "vm.description", mailbox, number, strings.TrimSpace(v.Text))
	}
	key := "voicemail:" + v.MessageID
	conv, _, err := e.store.LockOpen(ctx, tx, ChannelPhone, key, requesterID, lang, now)
	if err != nil {
		return VoicemailResult{}, err
	}
	convID := conv.ID
	// Nothing to classify but the PBX's notice: the matrix's middle
	// (medium urgency and impact); the agent re-classifies after listening.
	tk, err := e.opt.Tickets.Create(ctx, tx, "system:voicemail", tickets.NewTicket{
		RequesterID: requesterID, ConversationID: &convID, OriginChannel: ChannelPhone, Subject: subject,
		Description: desc, Type: tickets.TypeIncident, Urgency: tickets.Medium, Impact: tickets.Medium, Level: 1, CallBack: true,
	})
	if err != nil {
		return VoicemailResult{}, err
	}
	res.TicketNumber = tk.Number
	for _, a := range v.Attachments {
		att := &tickets.Attachment{TicketID: tk.ID, Filename: a.Filename, ContentType: a.ContentType, SizeBytes: a.Size, SHA256: a.SHA256, StorageKey: a.StorageKey}
		if err := e.opt.Tickets.AddAttachment(ctx, tx, "system:voicemail", att); err != nil {
			return VoicemailResult{}, err
		}
	}
	conv.TicketID, conv.Lang, conv.Level = &tk.ID, lang, 1
	ctxJSON, _ := json.Marshal(dialogue{Query: subject, Reason: "voicemail"})
	conv.Context = ctxJSON
	if err := e.store.SetState(ctx, tx, conv, "system:voicemail", StateQueued, now); err != nil {
		return VoicemailResult{}, err
	}
	payload, _ := json.Marshal(map[string]any{"subject": v.Subject, "from": v.FromAddress, "caller": number, "mailbox": v.Mailbox})
	in := &Message{ConversationID: conv.ID, Channel: ChannelPhone, ExternalID: v.MessageID, Direction: "in",
		Author: number, Body: desc, Payload: payload, CreatedAt: now}
	if _, err := e.store.RecordMessage(ctx, tx, in); err != nil {
		return VoicemailResult{}, err
	}
	conv.LastMessageAt, conv.UpdatedAt = now, now
	if err := e.store.Save(ctx, tx, conv); err != nil {
		return VoicemailResult{}, err
	}
	if err := e.notify(ctx, tx, conv.ID); err != nil {
		return VoicemailResult{}, err
	}
	return res, nil
}
