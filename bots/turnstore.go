// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// hot holds the hot path's two statements prepared: PostgreSQL then plans
// them once per connection instead of once per message (their planning
// costs more than their execution). database/sql prepares them again on
// each new connection by itself.
type hot struct {
	openTurn, finishTurn *sqlx.Stmt
}

// prepare readies the hot statements on pool. On failure (the database is
// not there yet) the statements are sent unprepared, which is slower only.
func (s *Store) prepare(ctx context.Context, pool *sqlx.DB) error {
	o, err := pool.PreparexContext(ctx, s.q.OpenTurn)
	if err != nil {
		return err
	}
	f, err := pool.PreparexContext(ctx, s.q.FinishTurn)
	if err != nil {
		o.Close()
		return err
	}
	s.hot = &hot{openTurn: o, finishTurn: f}
	return nil
}

// get runs query (or its prepared form) in tx.
func get(ctx context.Context, tx *sqlx.Tx, prepared *sqlx.Stmt, query string, dest any, args ...any) error {
	if prepared != nil {
		return tx.StmtxContext(ctx, prepared).GetContext(ctx, dest, args...)
	}
	return tx.GetContext(ctx, dest, query, args...)
}

// opened is what the open-turn statement found.
type opened struct {
	requester    *tickets.Requester // nil: identity not known yet
	conversation *Conversation      // nil: no open conversation yet
	attempted    bool               // both were there, so the message insert ran
	recorded     bool               // ... and stored it (false: a redelivery)
}

// conversationJSON is a conversations row as to_jsonb writes it.
type conversationJSON struct {
	ID            int64             `json:"id"`
	Channel       string            `json:"channel"`
	Key           string            `json:"conversation_key"`
	RequesterID   *int64            `json:"requester_id"`
	Lang          string            `json:"lang"`
	State         ConversationState `json:"state"`
	Level         int               `json:"level"`
	AgentID       *int64            `json:"agent_id"`
	TicketID      *int64            `json:"ticket_id"`
	Context       json.RawMessage   `json:"context"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	LastMessageAt time.Time         `json:"last_message_at"`
}

// openTurn runs the hot path's first statement for the inbound message m
// (its ConversationID is not set yet) and sets m.ID when it was recorded.
func (s *Store) openTurn(ctx context.Context, tx *sqlx.Tx, m *Message, key string) (opened, error) {
	if len(m.Payload) == 0 {
		m.Payload = db.JSON(`{}`)
	}
	var row struct {
		Requester    []byte        `db:"requester"`
		Conversation []byte        `db:"conversation"`
		MessageID    sql.NullInt64 `db:"message_id"`
	}
	var stmt *sqlx.Stmt
	if s.hot != nil {
		stmt = s.hot.openTurn
	}
	if err := get(ctx, tx, stmt, s.q.OpenTurn, &row, m.Channel, key, m.Author, m.ExternalID, m.Body, string(m.Payload), m.CreatedAt); err != nil {
		return opened{}, fmt.Errorf("open turn: %w", err)
	}
	var o opened
	if row.Requester != nil {
		o.requester = &tickets.Requester{}
		if err := json.Unmarshal(row.Requester, o.requester); err != nil {
			return opened{}, fmt.Errorf("open turn: requester: %w", err)
		}
	}
	if row.Conversation != nil {
		var c conversationJSON
		if err := json.Unmarshal(row.Conversation, &c); err != nil {
			return opened{}, fmt.Errorf("open turn: conversation: %w", err)
		}
		o.conversation = &Conversation{ID: c.ID, Channel: c.Channel, Key: c.Key, RequesterID: c.RequesterID, Lang: c.Lang,
			State: c.State, Level: c.Level, AgentID: c.AgentID, TicketID: c.TicketID, Context: db.JSON(c.Context),
			CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastMessageAt: c.LastMessageAt}
	}
	o.attempted = o.requester != nil && o.conversation != nil
	o.recorded = row.MessageID.Valid
	m.ID = row.MessageID.Int64
	return o, nil
}

// finishTurn saves c and records the replies ms (setting their ids) in
// one statement, and reports whether an earlier reply of c is unsent.
func (s *Store) finishTurn(ctx context.Context, tx *sqlx.Tx, c *Conversation, ms []*Message, evs []turnEvent) (behind bool, err error) {
	if len(c.Context) == 0 {
		c.Context = db.JSON(`{}`)
	}
	exts, bodies, payloads := make([]string, len(ms)), make([]string, len(ms)), make([]string, len(ms))
	for i, m := range ms {
		if len(m.Payload) == 0 {
			m.Payload = db.JSON(`{}`)
		}
		exts[i], bodies[i], payloads[i] = m.ExternalID, m.Body, string(m.Payload)
	}
	actors, kinds, olds, news := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	for i, ev := range evs {
		actors[i], kinds[i], olds[i], news[i] = ev.actor, ev.kind, ev.old, ev.new
	}
	var row struct {
		IDs    pq.Int64Array `db:"ids"`
		Behind bool          `db:"behind"`
	}
	var stmt *sqlx.Stmt
	if s.hot != nil {
		stmt = s.hot.finishTurn
	}
	if err := get(ctx, tx, stmt, s.q.FinishTurn, &row, c.ID, c.RequesterID, c.Lang, string(c.State), c.Level, c.AgentID,
		c.TicketID, string(c.Context), c.UpdatedAt, c.LastMessageAt, c.Channel,
		pq.Array(exts), pq.Array(bodies), pq.Array(payloads),
		pq.Array(actors), pq.Array(kinds), pq.Array(olds), pq.Array(news)); err != nil {
		return false, fmt.Errorf("save conversation %d and its replies: %w", c.ID, err)
	}
	if len(row.IDs) != len(ms) {
		return false, fmt.Errorf("save replies of conversation %d: %d ids for %d replies", c.ID, len(row.IDs), len(ms))
	}
	for i, m := range ms {
		m.ID = row.IDs[i] // inserted in order, ids ascending
	}
	return row.Behind, nil
}

// createOrLock opens the conversation (channel, key) — the hot path just
// found none — and records m in it (setting m.ID and reporting whether it
// is new). When a concurrent message opened the conversation first, it
// locks that one and records m there.
func (s *Store) createOrLock(ctx context.Context, tx *sqlx.Tx, m *Message, key string, requesterID *int64, lang string, now time.Time) (*Conversation, bool, error) {
	if len(m.Payload) == 0 {
		m.Payload = db.JSON(`{}`)
	}
	var row struct {
		Conversation
		MessageID sql.NullInt64 `db:"message_id"`
	}
	err := tx.GetContext(ctx, &row, s.q.CreateConversation, m.Channel, key, requesterID, lang, now,
		m.ExternalID, m.Author, m.Body, string(m.Payload), m.CreatedAt)
	if err == nil {
		m.ConversationID, m.ID = row.ID, row.MessageID.Int64
		return &row.Conversation, row.MessageID.Valid, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("open conversation: %w", err)
	}
	var c Conversation
	if err := tx.GetContext(ctx, &c, s.q.LockOpenConversation, m.Channel, key); err != nil {
		return nil, false, fmt.Errorf("lock conversation: %w", err)
	}
	m.ConversationID = c.ID
	isNew, err := s.RecordMessage(ctx, tx, m)
	return &c, isNew, err
}
