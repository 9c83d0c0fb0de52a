// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// lazyStmt is a statement prepared on a pool at its first use that finds
// the database: PostgreSQL then plans it once per connection instead of
// at every call (the hot statements' planning costs more than their
// execution; mark-sent's a third of it). Not at start-up: a database away
// then would leave it unprepared for good, and start-up would wait for it.
// database/sql prepares it again on each new connection by itself.
type lazyStmt struct {
	mu   sync.Mutex
	stmt *sqlx.Stmt
}

// get returns the statement prepared on pool, preparing it the first
// time; nil when that fails (the caller sends the text: slower only).
func (p *lazyStmt) get(ctx context.Context, pool *sqlx.DB, query string) *sqlx.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmt == nil {
		st, err := pool.PreparexContext(ctx, query)
		if err != nil {
			return nil
		}
		p.stmt = st
	}
	return p.stmt
}

// prepareOn has the hot statements prepared on pool at their first use
// (lazyStmt); without it they are sent as text.
func (s *Store) prepareOn(pool *sqlx.DB) { s.pool = pool }

// stmt returns query's prepared form (in which) for tx, or nil.
func (s *Store) stmt(ctx context.Context, tx *sqlx.Tx, which *lazyStmt, query string) *sqlx.Stmt {
	if s.pool == nil {
		return nil
	}
	st := which.get(ctx, s.pool, query)
	if st == nil {
		return nil
	}
	return tx.StmtxContext(ctx, st)
}

// openArg is one message the open-turns statement records: m (its
// ConversationID not set yet) in the conversation key.
type openArg struct {
	m   *Message
	key string
	// lang and now open the conversation when the requester is known and
	// has none open: its language (the user's profile; empty: the
	// requester's) and when it opened (the engine's clock).
	lang string
	now  time.Time
}

// openTurnRow is one element of open-turns' JSON array.
type openTurnRow struct {
	Channel    string    `json:"channel"`
	Key        string    `json:"conversation_key"`
	Author     string    `json:"author"`
	ExternalID string    `json:"external_id"`
	Body       string    `json:"body"`
	Payload    db.JSON   `json:"payload"`
	CreatedAt  time.Time `json:"created_at"`
	Lang       string    `json:"lang"`
	OpenedAt   time.Time `json:"opened_at"`
}

// opened is what the open-turns statement found for one message.
type opened struct {
	requester    *tickets.Requester // nil: identity not known yet
	conversation *Conversation      // nil: no open conversation yet
	attempted    bool               // both were there, so the message insert ran
	recorded     bool               // ... and stored it (false: a redelivery)
}

// openTurns runs the hot path's first statement for the inbound messages
// args, all in one round trip, and sets each message's ID when it was
// recorded. The result is in the order of args.
func (s *Store) openTurns(ctx context.Context, tx *sqlx.Tx, args []openArg) ([]opened, error) {
	in := make([]openTurnRow, len(args))
	for i, a := range args {
		if len(a.m.Payload) == 0 {
			a.m.Payload = db.JSON(`{}`)
		}
		in[i] = openTurnRow{Channel: a.m.Channel, Key: a.key, Author: a.m.Author, ExternalID: a.m.ExternalID,
			Body: a.m.Body, Payload: a.m.Payload, CreatedAt: a.m.CreatedAt, Lang: a.lang, OpenedAt: a.now}
		if in[i].OpenedAt.IsZero() {
			in[i].OpenedAt = a.m.CreatedAt
		}
	}
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("open turn: %w", err)
	}
	var rows []struct {
		Requester    []byte        `db:"requester"`
		Conversation []byte        `db:"conversation"`
		MessageID    sql.NullInt64 `db:"message_id"`
	}
	if st := s.stmt(ctx, tx, &s.openTurnsStmt, s.q.OpenTurns); st != nil {
		err = st.SelectContext(ctx, &rows, string(doc))
	} else {
		err = tx.SelectContext(ctx, &rows, s.q.OpenTurns, string(doc))
	}
	if err != nil {
		return nil, fmt.Errorf("open turn: %w", err)
	}
	if len(rows) != len(args) {
		return nil, fmt.Errorf("open turn: %d rows for %d messages", len(rows), len(args))
	}
	out := make([]opened, len(args))
	for i, row := range rows {
		o := &out[i]
		if row.Requester != nil {
			o.requester = &tickets.Requester{}
			if err := json.Unmarshal(row.Requester, o.requester); err != nil {
				return nil, fmt.Errorf("open turn: requester: %w", err)
			}
		}
		if row.Conversation != nil {
			o.conversation = &Conversation{}
			if err := json.Unmarshal(row.Conversation, o.conversation); err != nil {
				return nil, fmt.Errorf("open turn: conversation: %w", err)
			}
		}
		o.attempted = o.requester != nil && o.conversation != nil
		o.recorded = row.MessageID.Valid
		args[i].m.ID = row.MessageID.Int64
	}
	return out, nil
}

// finishArg is the end of one message's turn: its conversation to save,
// with the replies and audit lines to record. finishTurns sets the
// replies' ids and behind.
type finishArg struct {
	conv    *Conversation
	replies []*Message
	events  []turnEvent
	// behind: an earlier reply of the conversation is still unsent.
	behind bool
}

// finishTurnRow is one element of finish-turns' JSON array: the saved
// conversation with its replies and audit lines.
type finishTurnRow struct {
	ID            int64             `json:"id"`
	RequesterID   *int64            `json:"requester_id"`
	Lang          string            `json:"lang"`
	State         ConversationState `json:"state"`
	Level         int               `json:"level"`
	AgentID       *int64            `json:"agent_id"`
	TicketID      *int64            `json:"ticket_id"`
	Context       db.JSON           `json:"context"`
	UpdatedAt     time.Time         `json:"updated_at"`
	LastMessageAt time.Time         `json:"last_message_at"`
	Channel       string            `json:"channel"`
	Replies       []replyRow        `json:"replies"`
	Events        []eventRow        `json:"events"`
}

type replyRow struct {
	ExternalID string  `json:"external_id"`
	Body       string  `json:"body"`
	Payload    db.JSON `json:"payload"`
}

type eventRow struct {
	Actor string `json:"actor"`
	Kind  string `json:"kind"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// finishTurns saves the conversations of args and records their replies
// (setting their ids) and audit lines, all in one round trip, and sets
// each arg's behind.
func (s *Store) finishTurns(ctx context.Context, tx *sqlx.Tx, args []*finishArg) error {
	if len(args) == 0 {
		return nil
	}
	in := make([]finishTurnRow, len(args))
	replies := 0
	for i, a := range args {
		c := a.conv
		if len(c.Context) == 0 {
			c.Context = db.JSON(`{}`)
		}
		row := finishTurnRow{ID: c.ID, RequesterID: c.RequesterID, Lang: c.Lang, State: c.State, Level: c.Level,
			AgentID: c.AgentID, TicketID: c.TicketID, Context: c.Context, UpdatedAt: c.UpdatedAt, LastMessageAt: c.LastMessageAt,
			Channel: c.Channel, Replies: make([]replyRow, len(a.replies)), Events: make([]eventRow, len(a.events))}
		for k, m := range a.replies {
			if len(m.Payload) == 0 {
				m.Payload = db.JSON(`{}`)
			}
			row.Replies[k] = replyRow{ExternalID: m.ExternalID, Body: m.Body, Payload: m.Payload}
		}
		for k, ev := range a.events {
			row.Events[k] = eventRow{Actor: ev.actor, Kind: ev.kind, Old: ev.old, New: ev.new}
		}
		in[i] = row
		replies += len(a.replies)
	}
	doc, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("save conversations and their replies: %w", err)
	}
	var row struct {
		IDs    pq.Int64Array `db:"ids"`
		Behind pq.Int64Array `db:"behind"`
	}
	if st := s.stmt(ctx, tx, &s.finishTurnsStmt, s.q.FinishTurns); st != nil {
		err = st.GetContext(ctx, &row, string(doc))
	} else {
		err = tx.GetContext(ctx, &row, s.q.FinishTurns, string(doc))
	}
	if err != nil {
		return fmt.Errorf("save conversation %d and its replies: %w", args[0].conv.ID, err)
	}
	if len(row.IDs) != replies {
		return fmt.Errorf("save replies: %d ids for %d replies", len(row.IDs), replies)
	}
	n := 0
	for _, a := range args {
		for _, m := range a.replies {
			m.ID = row.IDs[n] // inserted in order, ids ascending
			n++
		}
		a.behind = slices.Contains(row.Behind, a.conv.ID)
	}
	return nil
}

// openAlone runs open-turns for one message whose requester exists: the
// longer path of a new user or a new conversation. When a concurrent
// message opened the same conversation first, the insert waited for it
// and skipped; the second run's snapshot then finds that conversation.
func (s *Store) openAlone(ctx context.Context, tx *sqlx.Tx, a openArg) (opened, error) {
	for try := 0; try < 2; try++ {
		o, err := s.openTurns(ctx, tx, []openArg{a})
		if err != nil {
			return opened{}, err
		}
		if o[0].attempted {
			a.m.ConversationID = o[0].conversation.ID
			return o[0], nil
		}
	}
	return opened{}, fmt.Errorf("open conversation %s/%s: neither found nor opened (is the requester %s known?)", a.m.Channel, a.key, a.m.Author)
}
