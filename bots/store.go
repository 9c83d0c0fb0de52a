// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	InsertConversation      string `query:"insert-conversation"`
	LockOpenConversation    string `query:"lock-open-conversation"`
	GetConversation         string `query:"get-conversation"`
	LockConversation        string `query:"lock-conversation"`
	UpdateConversation      string `query:"update-conversation"`
	OpenTurns               string `query:"open-turns"`
	FinishTurns             string `query:"finish-turns"`
	InsertMessages          string `query:"insert-messages"`
	SeedHistory             string `query:"seed-history"`
	Messages                string `query:"messages"`
	InsertConversationEvent string `query:"insert-conversation-event"`
	ConversationEvents      string `query:"conversation-events"`
	GetMessage              string `query:"get-message"`
	MarkSent                string `query:"mark-sent"`
	MarkFailed              string `query:"mark-failed"`
	MarkUndeliverable       string `query:"mark-undeliverable"`
	EarlierUnsent           string `query:"earlier-unsent"`
	ConversationKey         string `query:"conversation-key"`
	CloseIdle               string `query:"close-idle"`
	Queue                   string `query:"queue"`
	HeldBy                  string `query:"held-by"`
	PickAgent               string `query:"pick-agent"`
	InsertSatisfaction      string `query:"insert-satisfaction"`
	Notify                  string `query:"notify"`
	HasOpen                 string `query:"has-open"`
	QueueLength             string `query:"queue-length"`
	MessageTexts            string `query:"message-texts"`
	SetMessageText          string `query:"set-message-text"`
	ClearConversation       string `query:"clear-conversation"`
	QueuePosition           string `query:"queue-position"`
	NextPrompt              string `query:"next-prompt"`
	UnsentReplies           string `query:"unsent-replies"`
}

// ErrNotFound is returned when a conversation does not exist.
var ErrNotFound = errors.New("conversation not found")

// ConversationState is where a conversation stands.
type ConversationState string

// Conversation states: the bot answers; queued waits for an agent; agent
// is held by a person (the bot is silent); resolved waits for the user's
// last word; closed is over (a new message opens a new conversation).
const (
	StateBot      ConversationState = "bot"
	StateQueued   ConversationState = "queued"
	StateAgent    ConversationState = "agent"
	StateResolved ConversationState = "resolved"
	StateClosed   ConversationState = "closed"
)

// Conversation is one exchange with one requester on one channel: a
// conversations row, read by column (db) or as to_jsonb writes it (json,
// the hot path's open-turns).
type Conversation struct {
	ID            int64             `db:"id" json:"id"`
	Channel       string            `db:"channel" json:"channel"`
	Key           string            `db:"conversation_key" json:"conversation_key"`
	RequesterID   *int64            `db:"requester_id" json:"requester_id"`
	Lang          string            `db:"lang" json:"lang"`
	State         ConversationState `db:"state" json:"state"`
	Level         int               `db:"level" json:"level"`
	AgentID       *int64            `db:"agent_id" json:"agent_id"`
	TicketID      *int64            `db:"ticket_id" json:"ticket_id"`
	Context       db.JSON           `db:"context" json:"context"`
	CreatedAt     time.Time         `db:"created_at" json:"created_at"`
	UpdatedAt     time.Time         `db:"updated_at" json:"updated_at"`
	LastMessageAt time.Time         `db:"last_message_at" json:"last_message_at"`
}

// Message is one message in or out of a conversation.
type Message struct {
	ID             int64     `db:"id"`
	ConversationID int64     `db:"conversation_id"`
	Channel        string    `db:"channel"`
	ExternalID     string    `db:"external_id"`
	Direction      string    `db:"direction"` // "in" or "out"
	Author         string    `db:"author"`
	Body           string    `db:"body"`
	Payload        db.JSON   `db:"payload"`
	CreatedAt      time.Time `db:"created_at"`
	// SentAt (outgoing) is when the platform accepted it: a row of
	// message_deliveries, which the queries loading messages join.
	SentAt *time.Time `db:"sent_at"`
	// SendAttempts (outgoing) counts the failed tries: a delivery is a
	// row of message_deliveries and adds none (before migration 00192 it
	// added one). The sweep caps on it.
	SendAttempts int        `db:"send_attempts"`
	SendError    string     `db:"send_error"` // outgoing: the last failure
	FailedAt     *time.Time `db:"failed_at"`  // outgoing: refused for good (ErrUndeliverable), not retried
}

// ConversationEvent is one line of a conversation's audit trail.
type ConversationEvent struct {
	ID             int64     `db:"id"`
	ConversationID int64     `db:"conversation_id"`
	At             time.Time `db:"at"`
	Actor          string    `db:"actor"`
	Kind           string    `db:"kind"`
	OldValue       string    `db:"old_value"`
	NewValue       string    `db:"new_value"`
}

// Querier is the pool or a transaction (db.Querier, declared once there).
type Querier = db.Querier

// Store keeps conversations and their messages.
type Store struct {
	q queries
	// pool prepares the hot statements (turnstore.go); nil: sent as text.
	pool                           *sqlx.DB
	openTurnsStmt, finishTurnsStmt lazyStmt
}

// NewStore loads the store's queries.
func NewStore() (*Store, error) {
	s := &Store{}
	if err := db.ScanQueries(&s.q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	return s, nil
}

// LockOpen returns the open conversation for (channel, key), creating it if
// there is none, locked FOR UPDATE until the caller's transaction ends:
// messages of one conversation are handled one at a time. created tells
// whether this call made it.
func (s *Store) LockOpen(ctx context.Context, tx *sqlx.Tx, channel, key string, requesterID *int64, lang string, now time.Time) (c *Conversation, created bool, err error) {
	c = &Conversation{}
	// Most messages continue a conversation: one locking read is enough.
	err = tx.GetContext(ctx, c, s.q.LockOpenConversation, channel, key)
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("lock conversation: %w", err)
	}
	res, err := tx.ExecContext(ctx, s.q.InsertConversation, channel, key, requesterID, lang, now)
	if err != nil {
		return nil, false, fmt.Errorf("open conversation: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.GetContext(ctx, c, s.q.LockOpenConversation, channel, key); err != nil {
		return nil, false, fmt.Errorf("lock conversation: %w", err)
	}
	if n == 1 {
		if err := s.Event(ctx, tx, c.ID, now, "system", "opened", "", string(StateBot)); err != nil {
			return nil, false, err
		}
	}
	return c, n == 1, nil
}

// Lock returns the conversation with id, locked until the transaction ends.
func (s *Store) Lock(ctx context.Context, tx *sqlx.Tx, id int64) (*Conversation, error) {
	var c Conversation
	if err := tx.GetContext(ctx, &c, s.q.LockConversation, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: %d", ErrNotFound, id)
		}
		return nil, err
	}
	return &c, nil
}

// Get returns the conversation with id.
func (s *Store) Get(ctx context.Context, q Querier, id int64) (*Conversation, error) {
	var c Conversation
	if err := q.GetContext(ctx, &c, s.q.GetConversation, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: %d", ErrNotFound, id)
		}
		return nil, err
	}
	return &c, nil
}

// Save writes the conversation's mutable fields.
func (s *Store) Save(ctx context.Context, q Querier, c *Conversation) error {
	if len(c.Context) == 0 {
		c.Context = db.JSON(`{}`)
	}
	if _, err := sqlx.NamedExecContext(ctx, q, s.q.UpdateConversation, c); err != nil {
		return fmt.Errorf("save conversation %d: %w", c.ID, err)
	}
	return nil
}

// SetState changes the conversation's state and records the event.
func (s *Store) SetState(ctx context.Context, q Querier, c *Conversation, actor string, to ConversationState, now time.Time) error {
	if c.State == to {
		return nil
	}
	from := c.State
	c.State, c.UpdatedAt = to, now
	if err := s.Save(ctx, q, c); err != nil {
		return err
	}
	return s.Event(ctx, q, c.ID, now, actor, "state", string(from), string(to))
}

// Event appends a line to the conversation's audit trail.
func (s *Store) Event(ctx context.Context, q Querier, id int64, at time.Time, actor, kind, old, new string) error {
	if _, err := q.ExecContext(ctx, s.q.InsertConversationEvent, id, at, actor, kind, old, new); err != nil {
		return fmt.Errorf("record conversation event: %w", err)
	}
	return nil
}

// Events returns the conversation's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, q Querier, id int64) ([]ConversationEvent, error) {
	var evs []ConversationEvent
	if err := q.SelectContext(ctx, &evs, s.q.ConversationEvents, id); err != nil {
		return nil, fmt.Errorf("conversation events: %w", err)
	}
	return evs, nil
}

// RecordMessage stores m and reports whether it is new. A message whose
// (channel, external id) is already stored — a redelivered event — is not
// stored again and isNew is false.
func (s *Store) RecordMessage(ctx context.Context, q Querier, m *Message) (isNew bool, err error) {
	if m.ExternalID == "" {
		return false, fmt.Errorf("record message: empty external id")
	}
	n, err := s.insertMessages(ctx, q, []*Message{m})
	if err != nil {
		return false, fmt.Errorf("record message: %w", err)
	}
	return n == 1, nil
}

// messageRow is one message as insert-messages reads it: an element of
// its JSON array.
type messageRow struct {
	ConversationID int64     `json:"conversation_id"`
	Channel        string    `json:"channel"`
	ExternalID     string    `json:"external_id"`
	Direction      string    `json:"direction"`
	Author         string    `json:"author"`
	Body           string    `json:"body"`
	Payload        db.JSON   `json:"payload"`
	CreatedAt      time.Time `json:"created_at"`
}

// insertMessages is the one way messages are inserted outside a turn's
// statements: ms in one statement, their ids set; it returns how many
// were new (a redelivered one keeps ID 0).
func (s *Store) insertMessages(ctx context.Context, q Querier, ms []*Message) (int, error) {
	rs := make([]messageRow, len(ms))
	byExt := make(map[string]*Message, len(ms))
	for i, m := range ms {
		if len(m.Payload) == 0 {
			m.Payload = db.JSON(`{}`)
		}
		rs[i] = messageRow{ConversationID: m.ConversationID, Channel: m.Channel, ExternalID: m.ExternalID,
			Direction: m.Direction, Author: m.Author, Body: m.Body, Payload: m.Payload, CreatedAt: m.CreatedAt}
		byExt[m.Channel+"\x00"+m.ExternalID] = m
	}
	arg, err := json.Marshal(rs)
	if err != nil {
		return 0, err
	}
	rows, err := q.QueryxContext(ctx, s.q.InsertMessages, string(arg))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var channel, ext string
		if err := rows.Scan(&id, &channel, &ext); err != nil {
			return 0, err
		}
		if m := byExt[channel+"\x00"+ext]; m != nil {
			m.ID = id
			n++
		}
	}
	return n, rows.Err()
}

// Messages returns the conversation's messages, oldest first.
func (s *Store) Messages(ctx context.Context, q Querier, conversationID int64) ([]Message, error) {
	var ms []Message
	if err := q.SelectContext(ctx, &ms, s.q.Messages, conversationID); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return ms, nil
}

// CloseIdle closes the conversations held by the bot whose last message is
// older than before, and returns how many it closed.
func (s *Store) CloseIdle(ctx context.Context, q Querier, before, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, s.q.CloseIdle, before, now)
	if err != nil {
		return 0, fmt.Errorf("close idle conversations: %w", err)
	}
	return res.RowsAffected()
}

// RecordReplies stores outgoing messages in one statement and sets their
// ids. Their external ids are derived from the inbound message's, so they
// never collide: one that does is an error, not a redelivery.
func (s *Store) RecordReplies(ctx context.Context, q Querier, ms []*Message) error {
	if len(ms) == 0 {
		return nil
	}
	n, err := s.insertMessages(ctx, q, ms)
	if err != nil {
		return fmt.Errorf("record replies: %w", err)
	}
	if n != len(ms) {
		return fmt.Errorf("record replies: %d of %d stored: an external id was already taken", n, len(ms))
	}
	return nil
}

// QueueLength counts the conversations waiting for an agent of level.
func (s *Store) QueueLength(ctx context.Context, q Querier, level int) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, s.q.QueueLength, level); err != nil {
		return 0, fmt.Errorf("queue length: %w", err)
	}
	return n, nil
}

// MaskConversation masks the personal data of a conversation's messages
// with mask (their payloads go) and drops its context. The privacy
// retention calls it (as a tickets.ConversationMasker) inside its
// transaction, which has allowed the update of message texts.
func (s *Store) MaskConversation(ctx context.Context, tx *sqlx.Tx, id int64, mask func(string) string) error {
	var msgs []struct {
		ID   int64  `db:"id"`
		Body string `db:"body"`
	}
	if err := tx.SelectContext(ctx, &msgs, s.q.MessageTexts, id); err != nil {
		return fmt.Errorf("mask conversation %d: %w", id, err)
	}
	for _, m := range msgs {
		if _, err := tx.ExecContext(ctx, s.q.SetMessageText, m.ID, mask(m.Body)); err != nil {
			return fmt.Errorf("mask message %d: %w", m.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.q.ClearConversation, id); err != nil {
		return fmt.Errorf("clear conversation %d: %w", id, err)
	}
	return nil
}
