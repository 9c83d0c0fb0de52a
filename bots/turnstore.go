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
	openTurn   *sqlx.Stmt
	finishTurn *sqlx.NamedStmt
}

// prepare readies the hot statements on pool. On failure (the database is
// not there yet) the statements are sent unprepared, which is slower only.
func (s *Store) prepare(ctx context.Context, pool *sqlx.DB) error {
	o, err := pool.PreparexContext(ctx, s.q.OpenTurn)
	if err != nil {
		return err
	}
	f, err := pool.PrepareNamedContext(ctx, s.q.FinishTurn)
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

// getFinishTurn runs finish-turn with arg, prepared when it could be.
func (s *Store) getFinishTurn(ctx context.Context, tx *sqlx.Tx, dest any, arg finishTurnRow) error {
	if s.hot != nil {
		return tx.NamedStmtContext(ctx, s.hot.finishTurn).GetContext(ctx, dest, arg)
	}
	query, args, err := tx.BindNamed(s.q.FinishTurn, arg)
	if err != nil {
		return err
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
		o.conversation = &Conversation{}
		if err := json.Unmarshal(row.Conversation, o.conversation); err != nil {
			return opened{}, fmt.Errorf("open turn: conversation: %w", err)
		}
	}
	o.attempted = o.requester != nil && o.conversation != nil
	o.recorded = row.MessageID.Valid
	m.ID = row.MessageID.Int64
	return o, nil
}

// finishTurnRow is what the finish-turn statement reads: the saved
// conversation, then the replies and the audit lines as parallel arrays
// (one statement whatever their number).
type finishTurnRow struct {
	*Conversation
	ReplyExternalIDs pq.StringArray `db:"reply_external_ids"`
	ReplyBodies      pq.StringArray `db:"reply_bodies"`
	ReplyPayloads    pq.StringArray `db:"reply_payloads"`
	EventActors      pq.StringArray `db:"event_actors"`
	EventKinds       pq.StringArray `db:"event_kinds"`
	EventOld         pq.StringArray `db:"event_old"`
	EventNew         pq.StringArray `db:"event_new"`
}

// finishTurn saves c and records the replies ms (setting their ids) in
// one statement, and reports whether an earlier reply of c is unsent.
func (s *Store) finishTurn(ctx context.Context, tx *sqlx.Tx, c *Conversation, ms []*Message, evs []turnEvent) (behind bool, err error) {
	if len(c.Context) == 0 {
		c.Context = db.JSON(`{}`)
	}
	arg := finishTurnRow{Conversation: c}
	for _, m := range ms {
		if len(m.Payload) == 0 {
			m.Payload = db.JSON(`{}`)
		}
		arg.ReplyExternalIDs = append(arg.ReplyExternalIDs, m.ExternalID)
		arg.ReplyBodies = append(arg.ReplyBodies, m.Body)
		arg.ReplyPayloads = append(arg.ReplyPayloads, string(m.Payload))
	}
	for _, ev := range evs {
		arg.EventActors = append(arg.EventActors, ev.actor)
		arg.EventKinds = append(arg.EventKinds, ev.kind)
		arg.EventOld = append(arg.EventOld, ev.old)
		arg.EventNew = append(arg.EventNew, ev.new)
	}
	var row struct {
		IDs    pq.Int64Array `db:"ids"`
		Behind bool          `db:"behind"`
	}
	if err := s.getFinishTurn(ctx, tx, &row, arg); err != nil {
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
