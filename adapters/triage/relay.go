// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
)

// maxRelayed bounds one relayed message in the thread.
const maxRelayed = 3000

// skipFunc tells which new messages the thread already shows (an agent's
// reply written in the thread itself).
type skipFunc func(m *bots.Message) bool

// relay copies the conversation's messages the thread has not shown yet
// into the card's thread. The card row stays locked meanwhile, so two
// instances never post the same message, and op, when given, runs under
// the same lock first: a thread command and the copy of what it caused
// do not interleave with another instance's relay.
func (r *Relay) relay(ctx context.Context, cardID int64, op func(c *card) (skipFunc, error)) error {
	tx, err := r.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var c card
	if err := tx.GetContext(ctx, &c, r.q.LockCard, cardID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not posted yet: its poster relays afterwards
		}
		return fmt.Errorf("lock card: %w", err)
	}
	var skip skipFunc
	var opErr error
	if op != nil {
		skip, opErr = op(&c)
	}
	postErr := r.copyMessages(ctx, tx, &c, skip)
	if _, err := tx.ExecContext(ctx, r.q.SetRelayed, c.ID, c.Relayed); err != nil {
		return errors.Join(opErr, fmt.Errorf("record relay: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return errors.Join(opErr, err)
	}
	return errors.Join(opErr, postErr)
}

// copyMessages posts the messages after c.Relayed, advancing it past each
// one posted (or skipped); it stops at the first failed post.
func (r *Relay) copyMessages(ctx context.Context, tx *sqlx.Tx, c *card, skip skipFunc) error {
	names := map[string]string{}
	for {
		var ms []bots.Message
		if err := tx.SelectContext(ctx, &ms, r.q.MessagesAfter, c.ConversationID, c.Relayed); err != nil {
			return fmt.Errorf("messages to relay: %w", err)
		}
		if len(ms) == 0 {
			return nil
		}
		for i := range ms {
			m := &ms[i]
			if skip == nil || !skip(m) {
				line := r.relayLine(ctx, tx, m, names)
				if line != "" {
					if _, err := r.chat.PostMessage(ctx, r.cfg.ChannelID, *c.ThreadID, bots.Reply{Text: line}); err != nil {
						return fmt.Errorf("relay message %d: %w", m.ID, err)
					}
				}
			}
			c.Relayed = m.ID
		}
	}
}

// relayLine is how a message of the conversation reads in the thread.
func (r *Relay) relayLine(ctx context.Context, tx *sqlx.Tx, m *bots.Message, names map[string]string) string {
	lang := r.cfg.Lang
	body := strings.TrimSpace(m.Body)
	if m.Direction == "in" {
		var p struct {
			Action   string `json:"action"`
			UserName string `json:"user_name"`
		}
		_ = json.Unmarshal(m.Payload, &p)
		if body == "" && p.Action != "" {
			body = triageText.T(lang, "relay.pressed", p.Action)
		}
		who := p.UserName
		if who == "" {
			if _, ok := names["requester"]; !ok {
				var f facts
				if tx.GetContext(ctx, &f, r.q.CardFacts, m.ConversationID) == nil {
					names["requester"] = f.Requester
				}
			}
			who = names["requester"]
		}
		if who == "" {
			who = m.Author
		}
		return triageText.T(lang, "relay.user", clip(who, 80), clip(body, maxRelayed))
	}
	if body == "" {
		return ""
	}
	id, ok := strings.CutPrefix(m.Author, "agent:")
	if !ok {
		return triageText.T(lang, "relay.bot", clip(body, maxRelayed))
	}
	name, known := names[id]
	if !known {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			if err := tx.GetContext(ctx, &name, r.q.UserName, n); err != nil {
				name = ""
			}
		}
		if name == "" {
			name = triageText.T(lang, "someone")
		}
		names[id] = name
	}
	return triageText.T(lang, "relay.agent", name, clip(body, maxRelayed))
}
