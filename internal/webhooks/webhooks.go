// SPDX-License-Identifier: EUPL-1.2

// Package webhooks delivers ticket events to the integrations' URLs:
// subscriptions, a scanner that reads ticket_events in id order from a
// stored cursor, and a durable River job per delivery, signed with
// HMAC-SHA256 and retried with backoff. Every attempt is logged.
package webhooks

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/riverqueue/river"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	InsertSubscription  string `query:"insert-subscription"`
	Subscriptions       string `query:"subscriptions"`
	ActiveSubscriptions string `query:"active-subscriptions"`
	DeleteSubscription  string `query:"delete-subscription"`
	SubscriptionExists  string `query:"subscription-exists"`
	InitCursor          string `query:"init-cursor"`
	LockCursor          string `query:"lock-cursor"`
	SetCursor           string `query:"set-cursor"`
	EventsAfter         string `query:"events-after"`
	ConvEventsAfter     string `query:"conversation-events-after"`
	InsertDelivery      string `query:"insert-delivery"`
	Delivery            string `query:"delivery"`
	DeliveryResult      string `query:"delivery-result"`
	Deliveries          string `query:"deliveries"`
}

// Errors of the package.
var (
	ErrInvalid  = errors.New("invalid webhook subscription")
	ErrNotFound = errors.New("webhook subscription not found")
)

// The event kinds a subscription may ask for.
const (
	KindOpened       = "ticket.opened"
	KindStateChanged = "ticket.state_changed"
	KindCommented    = "ticket.commented"
	KindEscalated    = "ticket.escalated"
	KindSLAWarning   = "ticket.sla_warning"
	KindSLABreach    = "ticket.sla_breach"

	KindConversationOpened    = "conversation.opened"
	KindConversationEscalated = "conversation.escalated" // handed to the agents' queue
	KindConversationState     = "conversation.state_changed"
)

// Kinds lists every kind.
var Kinds = []string{KindOpened, KindStateChanged, KindCommented, KindEscalated, KindSLAWarning, KindSLABreach,
	KindConversationOpened, KindConversationEscalated, KindConversationState}

// conversationKind maps a conversation event to a webhook kind.
func conversationKind(kind, newValue string) string {
	switch {
	case kind == "opened":
		return KindConversationOpened
	case kind == "state" && newValue == "queued":
		return KindConversationEscalated
	case kind == "state":
		return KindConversationState
	}
	return ""
}

// kindOf maps a ticket event kind to a webhook kind ("" for events not
// sent: internal notes, field edits, assignments).
func kindOf(eventKind string) string {
	switch eventKind {
	case "created":
		return KindOpened
	case "state":
		return KindStateChanged
	case "comment":
		return KindCommented
	case "escalated":
		return KindEscalated
	case "sla_warning":
		return KindSLAWarning
	case "sla_breach":
		return KindSLABreach
	}
	return ""
}

// Subscription is where events of some kinds go. The secret is never
// read back.
type Subscription struct {
	ID        int64          `db:"id" json:"id"`
	URL       string         `db:"url" json:"url"`
	Kinds     pq.StringArray `db:"kinds" json:"kinds"`
	Active    bool           `db:"active" json:"active"`
	CreatedAt time.Time      `db:"created_at" json:"created_at"`
}

// Delivery is one event sent (or being sent) to one subscription.
type Delivery struct {
	ID             int64      `db:"id" json:"id"`
	SubscriptionID int64      `db:"subscription_id" json:"subscription_id"`
	Source         string     `db:"source" json:"source"`
	EventID        int64      `db:"event_id" json:"event_id"`
	Kind           string     `db:"kind" json:"kind"`
	Payload        db.JSON    `db:"payload" json:"payload"`
	Status         string     `db:"status" json:"status"`
	Attempts       int        `db:"attempts" json:"attempts"`
	LastError      string     `db:"last_error" json:"last_error"`
	LastStatus     int        `db:"last_status" json:"last_status"`
	CreatedAt      time.Time  `db:"created_at" json:"created_at"`
	DeliveredAt    *time.Time `db:"delivered_at" json:"delivered_at"`
}

// deliveryRow adds the subscription's URL and secret to a Delivery.
type deliveryRow struct {
	Delivery
	URL    string `db:"url"`
	Secret string `db:"secret"`
}

// Options configure the Service.
type Options struct {
	HTTPClient *http.Client                                                  // nil: targets.client (only allowed addresses)
	Now        func() time.Time                                              // nil: time.Now
	Backoff    func(attempt int) time.Duration                               // nil: DefaultBackoff
	Settle     time.Duration                                                 // how long a gap in event ids is waited for; 0: 10s
	Enqueue    func(ctx context.Context, tx *sql.Tx, args DeliverArgs) error // nil: set with SetClient
	// AllowPrivateTargets are networks webhooks may reach although they
	// are not public (api.webhooks.allow_private_targets; targets.go).
	AllowPrivateTargets []netip.Prefix
	// Resolver finds the targets' addresses; nil: net.DefaultResolver.
	Resolver Resolver
}

// Service manages subscriptions and delivers events.
type Service struct {
	db      *sqlx.DB
	q       queries
	opt     Options
	targets targets
}

// New returns the service on pool.
func New(pool *sqlx.DB, opt Options) (*Service, error) {
	s := &Service{db: pool, opt: opt}
	if err := db.ScanQueries(&s.q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	if s.opt.Resolver == nil {
		s.opt.Resolver = net.DefaultResolver
	}
	s.targets = targets{allow: s.opt.AllowPrivateTargets, resolver: s.opt.Resolver}
	if s.opt.HTTPClient == nil {
		s.opt.HTTPClient = s.targets.client()
	}
	if s.opt.Now == nil {
		s.opt.Now = time.Now
	}
	if s.opt.Backoff == nil {
		s.opt.Backoff = DefaultBackoff
	}
	if s.opt.Settle == 0 {
		s.opt.Settle = 10 * time.Second
	}
	return s, nil
}

// SetClient makes deliveries River jobs of client (inserted in the
// scanner's transaction, so a delivery row never lacks its job).
func (s *Service) SetClient(client *river.Client[*sql.Tx]) {
	s.opt.Enqueue = func(ctx context.Context, tx *sql.Tx, args DeliverArgs) error {
		_, err := client.InsertTx(ctx, tx, args, nil)
		return err
	}
}

// DefaultBackoff waits 10 s, 20 s, 40 s … up to six hours between tries.
func DefaultBackoff(attempt int) time.Duration {
	d := 10 * time.Second << min(attempt-1, 12)
	return min(d, 6*time.Hour)
}

// Subscribe adds a subscription. The URL must be https to a public
// address, or reach a network of AllowPrivateTargets (targets.go); kinds
// must be known; the secret (at least 16 characters) keys the signature.
func (s *Service) Subscribe(ctx context.Context, rawURL, secret string, kinds []string) (Subscription, error) {
	if err := s.targets.checkURL(ctx, rawURL); err != nil {
		return Subscription{}, err
	}
	if len(secret) < 16 {
		return Subscription{}, fmt.Errorf("%w: the secret must have at least 16 characters", ErrInvalid)
	}
	if len(kinds) == 0 {
		return Subscription{}, fmt.Errorf("%w: at least one event kind is needed (%s)", ErrInvalid, strings.Join(Kinds, ", "))
	}
	for _, k := range kinds {
		if !slices.Contains(Kinds, k) {
			return Subscription{}, fmt.Errorf("%w: unknown event kind %q", ErrInvalid, k)
		}
	}
	var sub Subscription
	if err := s.db.GetContext(ctx, &sub, s.q.InsertSubscription, rawURL, secret, pq.StringArray(kinds), s.opt.Now()); err != nil {
		return sub, fmt.Errorf("subscribe: %w", err)
	}
	// The cursor must exist before the first scan, so events from now on
	// (and not the whole history) are sent.
	if _, err := s.db.ExecContext(ctx, s.q.InitCursor); err != nil {
		return sub, err
	}
	return sub, nil
}

// Subscriptions lists every subscription.
func (s *Service) Subscriptions(ctx context.Context) ([]Subscription, error) {
	subs := []Subscription{}
	if err := s.db.SelectContext(ctx, &subs, s.q.Subscriptions); err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return subs, nil
}

// Unsubscribe deletes a subscription and its delivery log.
func (s *Service) Unsubscribe(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.q.DeleteSubscription, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %d", ErrNotFound, id)
	}
	return nil
}

// Deliveries returns a subscription's newest deliveries; ErrNotFound when
// there is no such subscription (never made, or deleted).
func (s *Service) Deliveries(ctx context.Context, subscriptionID int64, limit int) ([]Delivery, error) {
	var exists bool
	if err := s.db.GetContext(ctx, &exists, s.q.SubscriptionExists, subscriptionID); err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	if !exists {
		return nil, fmt.Errorf("%w: %d", ErrNotFound, subscriptionID)
	}
	var rows []deliveryRow
	if err := s.db.SelectContext(ctx, &rows, s.q.Deliveries, subscriptionID, limit); err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	out := make([]Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Delivery)
	}
	return out, nil
}

// Payload is the JSON body of a delivery.
type Payload struct {
	EventID    int64         `json:"event_id"`
	Kind       string        `json:"kind"`
	OccurredAt time.Time     `json:"occurred_at"`
	Actor      string        `json:"actor"`
	Field      string        `json:"field,omitempty"`
	OldValue   string        `json:"old_value,omitempty"`
	NewValue   string        `json:"new_value,omitempty"`
	CommentID  *int64        `json:"comment_id,omitempty"`
	Ticket     TicketSummary `json:"ticket"`
}

// TicketSummary is the ticket as the event found it.
type TicketSummary struct {
	Number        string `db:"number" json:"number"`
	Subject       string `db:"subject" json:"subject"`
	State         string `db:"state" json:"state"`
	Priority      string `db:"priority" json:"priority"`
	Level         int    `db:"level" json:"level"`
	OriginChannel string `db:"origin_channel" json:"origin_channel"`
	Category      string `db:"category" json:"category"`
	Product       string `db:"product" json:"product"`
}

// ConversationPayload is the JSON body of a conversation event.
type ConversationPayload struct {
	EventID      int64               `json:"event_id"`
	Kind         string              `json:"kind"`
	OccurredAt   time.Time           `json:"occurred_at"`
	Actor        string              `json:"actor"`
	OldValue     string              `json:"old_value,omitempty"`
	NewValue     string              `json:"new_value,omitempty"`
	Conversation ConversationSummary `json:"conversation"`
}

// ConversationSummary is the conversation as the event found it.
type ConversationSummary struct {
	ID       int64  `db:"conversation_id" json:"id"`
	Channel  string `db:"channel" json:"channel"`
	State    string `db:"state" json:"state"`
	Level    int    `db:"level" json:"level"`
	TicketID *int64 `db:"ticket_id" json:"ticket_id"`
}

type convEventRow struct {
	ID       int64     `db:"id"`
	At       time.Time `db:"at"`
	Actor    string    `db:"actor"`
	Kind     string    `db:"kind"`
	OldValue string    `db:"old_value"`
	NewValue string    `db:"new_value"`
	ConversationSummary
}

// scanEvent is one event of either table, ready to send.
type scanEvent struct {
	id   int64
	at   time.Time
	kind string // "" : not sent
	body func() ([]byte, error)
}

type eventRow struct {
	ID        int64     `db:"id"`
	At        time.Time `db:"at"`
	Actor     string    `db:"actor"`
	Kind      string    `db:"kind"`
	Field     string    `db:"field"`
	OldValue  string    `db:"old_value"`
	NewValue  string    `db:"new_value"`
	CommentID *int64    `db:"comment_id"`
	TicketSummary
}

// scanBatch bounds the events read by one scan.
const scanBatch = 500

// Scan reads the ticket and conversation events after the stored
// cursors, in id order, and queues one delivery per matching
// subscription; it returns how many were queued. A cursor row is locked
// for its whole scan, so two instances never read the same events, and it
// moves in the same transaction as the deliveries are written, so none is
// lost or doubled. Ids are handed out before commit, so a lower id may
// appear after a higher one: the scan stops at a gap until the next event
// is Settle old (a rolled back transaction leaves a gap for ever).
func (s *Service) Scan(ctx context.Context) (int, error) {
	if s.opt.Enqueue == nil {
		return 0, errors.New("webhooks: no job queue (SetClient)")
	}
	if _, err := s.db.ExecContext(ctx, s.q.InitCursor); err != nil {
		return 0, err
	}
	n1, err := s.scan(ctx, "ticket_events", "ticket", func(tx *sqlx.Tx, after int64) ([]scanEvent, error) {
		var rows []eventRow
		if err := tx.SelectContext(ctx, &rows, s.q.EventsAfter, after, scanBatch); err != nil {
			return nil, fmt.Errorf("read ticket events: %w", err)
		}
		out := make([]scanEvent, len(rows))
		for i, e := range rows {
			kind := kindOf(e.Kind)
			out[i] = scanEvent{id: e.ID, at: e.At, kind: kind, body: func() ([]byte, error) {
				return json.Marshal(Payload{EventID: e.ID, Kind: kind, OccurredAt: e.At, Actor: e.Actor, Field: e.Field,
					OldValue: e.OldValue, NewValue: e.NewValue, CommentID: e.CommentID, Ticket: e.TicketSummary})
			}}
		}
		return out, nil
	})
	if err != nil {
		return n1, err
	}
	n2, err := s.scan(ctx, "conversation_events", "conversation", func(tx *sqlx.Tx, after int64) ([]scanEvent, error) {
		var rows []convEventRow
		if err := tx.SelectContext(ctx, &rows, s.q.ConvEventsAfter, after, scanBatch); err != nil {
			return nil, fmt.Errorf("read conversation events: %w", err)
		}
		out := make([]scanEvent, len(rows))
		for i, e := range rows {
			kind := conversationKind(e.Kind, e.NewValue)
			out[i] = scanEvent{id: e.ID, at: e.At, kind: kind, body: func() ([]byte, error) {
				return json.Marshal(ConversationPayload{EventID: e.ID, Kind: kind, OccurredAt: e.At, Actor: e.Actor,
					OldValue: e.OldValue, NewValue: e.NewValue, Conversation: e.ConversationSummary})
			}}
		}
		return out, nil
	})
	return n1 + n2, err
}

// scan reads one event table after its cursor (see Scan).
func (s *Service) scan(ctx context.Context, cursorName, source string, load func(tx *sqlx.Tx, after int64) ([]scanEvent, error)) (int, error) {
	queued := 0
	err := db.Tx(ctx, s.db, func(tx *sqlx.Tx) error {
		var cursor int64
		if err := tx.GetContext(ctx, &cursor, s.q.LockCursor, cursorName); err != nil {
			return fmt.Errorf("lock webhook cursor %s: %w", cursorName, err)
		}
		var subs []Subscription
		if err := tx.SelectContext(ctx, &subs, s.q.ActiveSubscriptions); err != nil {
			return err
		}
		evs, err := load(tx, cursor)
		if err != nil {
			return err
		}
		now := s.opt.Now()
		last := cursor
		for _, e := range evs {
			if e.id != last+1 && now.Sub(e.at) < s.opt.Settle {
				break // a lower id may still commit
			}
			last = e.id
			if e.kind == "" {
				continue
			}
			var body []byte
			for _, sub := range subs {
				if !slices.Contains(sub.Kinds, e.kind) {
					continue
				}
				if body == nil {
					if body, err = e.body(); err != nil {
						return err
					}
				}
				var id int64
				err := tx.GetContext(ctx, &id, s.q.InsertDelivery, sub.ID, source, e.id, e.kind, string(body), now)
				if errors.Is(err, sql.ErrNoRows) {
					continue // already queued
				}
				if err != nil {
					return fmt.Errorf("queue delivery: %w", err)
				}
				if err := s.opt.Enqueue(ctx, tx.Tx, DeliverArgs{DeliveryID: id}); err != nil {
					return fmt.Errorf("queue delivery job: %w", err)
				}
				queued++
			}
		}
		if last != cursor {
			if _, err := tx.ExecContext(ctx, s.q.SetCursor, cursorName, last); err != nil {
				return err
			}
		}
		return nil
	})
	return queued, err
}

// errDelivery is a receiver's refusal (a non-2xx answer).
var errDelivery = errors.New("webhook receiver refused the delivery")

// Deliver sends one delivery and logs the attempt. A delivery already
// made is not sent again.
func (s *Service) Deliver(ctx context.Context, id int64, lastAttempt bool) error {
	var d deliveryRow
	if err := s.db.GetContext(ctx, &d, s.q.Delivery, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil // subscription deleted since
		}
		return err
	}
	if d.Status == "delivered" {
		return nil
	}
	now := s.opt.Now()
	code, err := s.post(ctx, d, now)
	status, msg := "delivered", ""
	if err != nil {
		status, msg = "pending", err.Error()
		if lastAttempt {
			status = "failed"
		}
	}
	if len(msg) > 500 {
		msg = msg[:500]
	}
	// A cut inside a character, or bytes echoed from the receiver, would
	// make PostgreSQL refuse the whole result row.
	msg = strings.ToValidUTF8(strings.ReplaceAll(msg, "\x00", ""), "")
	if _, uerr := s.db.ExecContext(context.WithoutCancel(ctx), s.q.DeliveryResult, id, status, code, msg, now); uerr != nil {
		return errors.Join(err, uerr)
	}
	return err
}

func (s *Service) post(ctx context.Context, d deliveryRow, now time.Time) (int, error) {
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "helpdesk-webhooks/1")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(d.Secret, now, body))
	req.Header.Set(HeaderEvent, d.Kind)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	resp, err := s.opt.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("%w: HTTP %d", errDelivery, resp.StatusCode)
	}
	return resp.StatusCode, nil
}
