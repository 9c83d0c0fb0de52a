// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"helpdesk/bots"
)

// card is a row of triage_cards.
type card struct {
	ID             int64      `db:"id"`
	ConversationID int64      `db:"conversation_id"`
	Platform       string     `db:"platform"`
	ChannelID      string     `db:"channel_id"`
	ThreadID       *string    `db:"thread_id"`
	ClaimedAt      time.Time  `db:"claimed_at"`
	PostedAt       *time.Time `db:"posted_at"`
	Handoff        int        `db:"handoff"`
	Relayed        int64      `db:"relayed_message_id"`
}

// sync brings one conversation's triage thread up to date: a queued
// conversation without a card for its current handoff gets one (posted by
// exactly one instance), and the latest card's thread gets the messages
// it has not shown yet.
func (r *Relay) sync(ctx context.Context, convID int64) error {
	conv, err := r.conversation(ctx, convID)
	if err != nil {
		return err
	}
	c, found, err := r.latestCard(ctx, convID)
	if err != nil {
		return err
	}
	if conv.State == bots.StateQueued {
		var handoff int
		if err := r.db.GetContext(ctx, &handoff, r.q.Handoffs, convID); err != nil {
			return fmt.Errorf("count handoffs: %w", err)
		}
		if !found || c.Handoff < handoff || c.ThreadID == nil {
			posted, err := r.postCard(ctx, conv, handoff)
			if err != nil || !posted {
				return err
			}
			if c, found, err = r.latestCard(ctx, convID); err != nil {
				return err
			}
		}
	}
	if !found || c.ThreadID == nil {
		return nil
	}
	return r.relay(ctx, c.ID, nil)
}

// latestCard reads the conversation's card of its latest handoff.
func (r *Relay) latestCard(ctx context.Context, convID int64) (card, bool, error) {
	var c card
	err := r.db.GetContext(ctx, &c, r.q.CardOfConversation, r.cfg.Platform, r.cfg.ChannelID, convID)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("card of conversation %d: %w", convID, err)
	}
	return c, true, nil
}

// postCard claims the card of a handoff and posts it. It reports false
// when another instance has the claim.
func (r *Relay) postCard(ctx context.Context, conv *bots.Conversation, handoff int) (bool, error) {
	now := r.now()
	var cardID int64
	err := r.db.GetContext(ctx, &cardID, r.q.ClaimCard, r.cfg.Platform, r.cfg.ChannelID, conv.ID, now, handoff)
	if errors.Is(err, sql.ErrNoRows) {
		err = r.db.GetContext(ctx, &cardID, r.q.ReclaimCard, r.cfg.Platform, r.cfg.ChannelID, conv.ID, now, now.Add(-r.cfg.ClaimTimeout), handoff)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // another instance posts it
	}
	if err != nil {
		return false, fmt.Errorf("claim card: %w", err)
	}
	reply, err := r.cardReply(ctx, conv)
	if err != nil {
		r.dropClaim(ctx, cardID)
		return false, err
	}
	ts, err := r.chat.PostMessage(ctx, r.cfg.ChannelID, "", reply)
	if err != nil {
		r.dropClaim(ctx, cardID)
		return false, fmt.Errorf("post card: %w", err)
	}
	if _, err := r.db.ExecContext(context.WithoutCancel(ctx), r.q.CardPosted, cardID, ts, r.now()); err != nil {
		return false, fmt.Errorf("record card: %w", err)
	}
	r.log.Info("triage: card posted", "conversation_id", conv.ID, "handoff", handoff, "thread", ts)
	return true, nil
}

func (r *Relay) dropClaim(ctx context.Context, cardID int64) {
	if _, err := r.db.ExecContext(context.WithoutCancel(ctx), r.q.DropClaim, cardID); err != nil {
		r.log.Warn("triage: claim not released; another instance takes it over later", "card_id", cardID, "err", err)
	}
}

func (r *Relay) conversation(ctx context.Context, id int64) (*bots.Conversation, error) {
	var c bots.Conversation
	if err := r.db.GetContext(ctx, &c, r.q.Conversation, id); err != nil {
		return nil, fmt.Errorf("conversation %d: %w", id, err)
	}
	return &c, nil
}

// facts are the card's lines read from other tables.
type facts struct {
	Requester    string `db:"requester"`
	TicketNumber string `db:"ticket_number"`
	Priority     string `db:"priority"`
	Subject      string `db:"subject"`
}

// maxQuoted bounds what the card quotes of the user's words.
const maxQuoted = 600

// cardReply is the card of a conversation: who and where, what they
// asked, what the bot tried, the severity and why, the ticket, and the
// buttons.
func (r *Relay) cardReply(ctx context.Context, conv *bots.Conversation) (bots.Reply, error) {
	var f facts
	if err := r.db.GetContext(ctx, &f, r.q.CardFacts, conv.ID); err != nil {
		return bots.Reply{}, fmt.Errorf("card facts: %w", err)
	}
	s := bots.SummaryOf(conv)
	lang := r.cfg.Lang
	lines := []string{triageText.T(lang, "card.title", max(conv.Level, 1))}
	if f.TicketNumber != "" {
		lines = append(lines, triageText.T(lang, "card.ticket", f.TicketNumber, f.Priority))
	} else {
		lines = append(lines, triageText.T(lang, "card.noticket"))
	}
	who := f.Requester
	if who == "" {
		who = "—"
	}
	lines = append(lines, triageText.T(lang, "card.from", clip(who, 80), conv.Channel))
	asked := s.Query
	if asked == "" {
		asked = f.Subject
	}
	if asked != "" {
		lines = append(lines, triageText.T(lang, "card.asked", clip(oneLine(asked), maxQuoted)))
	}
	if len(s.Tried) > 0 {
		lines = append(lines, triageText.T(lang, "card.tried", clip(strings.Join(s.Tried, ", "), maxQuoted)))
	}
	if s.Urgency != "" {
		lines = append(lines, triageText.T(lang, "card.severity", s.Urgency, s.Impact, s.Type))
		if len(s.Why) > 0 {
			lines = append(lines, triageText.T(lang, "card.why", clip(strings.Join(s.Why, "; "), maxQuoted)))
		}
	}
	if s.Reason != "" {
		lines = append(lines, triageText.T(lang, "card.reason", s.Reason))
	}
	lines = append(lines, triageText.T(lang, "card.hint", r.cfg.NotePrefix))
	return bots.Reply{Text: strings.Join(lines, "\n"), Buttons: []bots.Button{
		{Label: triageText.T(lang, "button.take"), Action: cardAction(VerbTake, conv.ID)},
		{Label: triageText.T(lang, "button.escalate"), Action: cardAction(VerbEscalate, conv.ID)},
	}}, nil
}

// oneLine folds line breaks, so a quote stays one line of the card.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to n runes.
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
