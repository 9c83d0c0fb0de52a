// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// outcome is what became of one mail of the mailbox.
type outcome int

const (
	handled   outcome = iota // registered by the engine (or a duplicate): mark processed
	ignored                  // an auto-reply, a bounce or unreadable: mark processed, never answered
	retry                    // the database is down: leave the mail as it is and stop the round
	failedNow                // another error: leave it, count the attempt
)

// maxAttempts is how many rounds a mail that keeps failing (for a reason
// other than a database outage) is tried before it is set aside.
const maxAttempts = 5

// process reads one raw mail and hands it to the engine.
func (a *Adapter) process(ctx context.Context, raw []byte) outcome {
	m, err := parseMail(bytes.NewReader(raw), a.cfg.MaxMessageBytes, a.cfg.MaxAttachmentBytes)
	if err != nil {
		a.log.Warn("unreadable mail set aside", "err", err)
		return ignored
	}
	log := a.log.With("message_id", m.MessageID, "from", m.FromAddress)
	if m.MessageID == "" {
		// A stable id from the content, so the mail read again is still
		// recognised as the same one.
		sum := sha256.Sum256(raw)
		m.MessageID = "no-id." + hex.EncodeToString(sum[:12]) + "@" + a.cfg.MessageIDDomain
	}
	if vh, ok := a.h.(VoicemailHandler); ok {
		if v, isVoicemail := a.voice.match(m); isVoicemail {
			return a.processVoicemail(ctx, log, vh, m, v)
		}
	}
	if reason := automatic(m, a.cfg.FromAddress); reason != "" {
		log.Info("automatic mail ignored (not answered)", "reason", reason, "subject", m.Subject)
		return ignored
	}
	if m.FromAddress == "" || !strings.Contains(m.FromAddress, "@") {
		log.Warn("mail without a sender address ignored", "subject", m.Subject)
		return ignored
	}
	for _, s := range m.Skipped {
		log.Warn("attachment not kept", "attachment", s)
	}
	if m.Truncated {
		log.Warn("mail longer than the limit: only its beginning was read", "limit", a.cfg.MaxMessageBytes)
	}
	mail := a.toBotsMail(m)
	if a.files != nil {
		for _, att := range m.Attachments {
			meta, err := a.files.save(att)
			if err != nil {
				log.Error("store attachment", "err", err)
				return failedNow
			}
			mail.Attachments = append(mail.Attachments, meta)
		}
	}
	if done, out := a.answerChoice(ctx, log, mail); done {
		return out
	}
	res, err := a.h.HandleMail(ctx, mail)
	switch {
	case err == nil:
		log.Info("mail registered", "ticket", res.TicketNumber, "created", res.Created, "duplicate", res.Duplicate)
		return handled
	case errors.Is(err, db.ErrUnavailable):
		log.Warn("database unavailable: mail left for the next round", "err", err)
		return retry
	case errors.Is(err, bots.ErrInvalidInbound):
		log.Warn("mail refused by the engine", "err", err)
		return ignored
	case ctx.Err() != nil:
		return retry
	default:
		log.Error("handle mail", "err", err)
		return failedNow
	}
}

// toBotsMail is the engine's view of a mail: references include, for our
// own Message-IDs, the engine's id of the reply they carried.
func (a *Adapter) toBotsMail(m *inMail) bots.Mail {
	var refs []string
	seen := map[string]bool{}
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		for _, x := range []string{id, a.externalIDOf(id)} {
			if x != "" && !seen[x] {
				seen[x] = true
				refs = append(refs, x)
			}
		}
	}
	text := m.Text
	if len(refs) > 0 || subjectNumber.MatchString(strings.ToUpper(m.Subject)) {
		text = stripQuoted(text)
	}
	return bots.Mail{MessageID: m.MessageID, References: refs, FromName: m.FromName, FromAddress: m.FromAddress,
		Subject: m.Subject, Text: text, Lang: m.Lang}
}

var (
	subjectNumber = regexp.MustCompile(`\[(HD-\d{4}-\d{6})\]`)
	choiceLine    = regexp.MustCompile(`^\s*([1-9])\s*[.)]?\s*$`)
)

// answerChoice handles a reply that is just the number of a choice our
// mail offered (the 1–5 satisfaction question): it reaches the engine as
// the button's action, the way a chat button press does. It needs the
// database to know what the referenced mail offered; done is false when
// the mail is not such an answer.
func (a *Adapter) answerChoice(ctx context.Context, log *slog.Logger, m bots.Mail) (done bool, out outcome) {
	if a.db == nil || len(m.References) == 0 {
		return false, 0
	}
	first, rest, _ := strings.Cut(strings.TrimSpace(m.Text), "\n")
	match := choiceLine.FindStringSubmatch(first)
	if match == nil || len(strings.TrimSpace(rest)) > 300 {
		return false, 0
	}
	var row struct {
		Key     string `db:"conversation_key"`
		Payload []byte `db:"payload"`
	}
	err := a.db.GetContext(ctx, &row, a.q.OfferedChoices, pq.Array(m.References))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, 0
	case err != nil && db.IsUnavailable(err):
		log.Warn("database unavailable: mail left for the next round", "err", err)
		return true, retry
	case err != nil:
		log.Warn("look up the choices of a replied mail", "err", err)
		return false, 0
	}
	addr, _, ok := bots.ParseMailKey(row.Key)
	if !ok || !strings.EqualFold(addr, m.FromAddress) {
		return false, 0 // only the requester of the thread answers its questions
	}
	var r bots.Reply
	if json.Unmarshal(row.Payload, &r) != nil {
		return false, 0
	}
	n, _ := strconv.Atoi(match[1])
	if n < 1 || n > len(r.Buttons) {
		return false, 0
	}
	in := bots.Inbound{Channel: bots.ChannelEmail, ExternalID: m.MessageID, ConversationKey: row.Key,
		User:   bots.User{ID: strings.ToLower(m.FromAddress), Name: m.FromName, Email: m.FromAddress, Lang: m.Lang},
		Action: r.Buttons[n-1].Action}
	_, err = a.h.Handle(ctx, in)
	switch {
	case err == nil:
		return true, handled
	case errors.Is(err, db.ErrUnavailable):
		log.Warn("database unavailable: mail left for the next round", "err", err)
		return true, retry
	default:
		log.Warn("choice answered by mail", "err", err)
		return true, failedNow
	}
}

// messageIDFor is the Message-ID of the mail carrying an engine reply:
// stable (the reply's ExternalID, hex-encoded because it holds characters
// a Message-ID may not) so a reply sent twice is recognisably the same.
func (a *Adapter) messageIDFor(externalID string) string {
	return "hd." + hex.EncodeToString([]byte(externalID)) + "@" + a.cfg.MessageIDDomain
}

// externalIDOf reverses messageIDFor; "" for any other id.
func (a *Adapter) externalIDOf(messageID string) string {
	local, domain, ok := strings.Cut(messageID, "@")
	if !ok || !strings.EqualFold(domain, a.cfg.MessageIDDomain) {
		return ""
	}
	h, ok := strings.CutPrefix(local, "hd.")
	if !ok {
		return ""
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return ""
	}
	return string(b)
}
