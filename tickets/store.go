// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

//go:embed queries.sql sla.sql report.sql privacy.sql checklist.sql severity.sql tracking.sql
var queryFS embed.FS

type queries struct {
	NextNumber          string `query:"next-number"`
	InsertTicket        string `query:"insert-ticket"`
	GetTicket           string `query:"get-ticket"`
	GetTicketForUpdate  string `query:"get-ticket-for-update"`
	GetTicketByNumber   string `query:"get-ticket-by-number"`
	TicketsOfRequester  string `query:"tickets-of-requester"`
	UpdateTicket        string `query:"update-ticket"`
	InsertEvent         string `query:"insert-event"`
	Events              string `query:"events"`
	InsertComment       string `query:"insert-comment"`
	Comments            string `query:"comments"`
	InsertAttachment    string `query:"insert-attachment"`
	Attachments         string `query:"attachments"`
	FindIdentity        string `query:"find-identity"`
	RequesterByIdentity string `query:"requester-by-identity"`
	InsertRequester     string `query:"insert-requester"`
	InsertIdentity      string `query:"insert-identity"`
	GetRequester        string `query:"get-requester"`
	UpdateRequester     string `query:"update-requester"`
	FillRequesterEmail  string `query:"requester-fill-email"`
	RequestersByEmail   string `query:"requesters-by-email"`
	CountOpen           string `query:"count-open"`
	CountSLAEvents      string `query:"count-sla-events"`
}

// Querier is what the store runs its SQL on: the pool, or a transaction
// the caller owns (the engine creates tickets inside its message
// transaction). It is db.Querier, declared once there.
type Querier = db.Querier

// Store keeps tickets in PostgreSQL.
type Store struct {
	q      queries
	sla    slaQueries
	rep    reportQueries
	priv   privacyQueries
	matrix PriorityMatrix
	now    func() time.Time
	loc    *time.Location
}

// Options configure a Store.
type Options struct {
	Matrix   PriorityMatrix   // nil: DefaultMatrix
	Now      func() time.Time // nil: time.Now
	Location *time.Location   // where the year of a number is counted; nil: UTC
}

// NewStore prepares the store's queries.
func NewStore(opt Options) (*Store, error) {
	s := &Store{matrix: opt.Matrix, loc: opt.Location}
	if s.matrix == nil {
		s.matrix = DefaultMatrix()
	}
	clock := opt.Now
	if clock == nil {
		clock = time.Now
	}
	// PostgreSQL keeps microseconds: a time the store hands back at once
	// (a new ticket, comment or checklist) equals what a later read returns.
	s.now = func() time.Time { return clock().Round(time.Microsecond) }
	if s.loc == nil {
		s.loc = time.UTC
	}
	if err := db.ScanQueries(&s.q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	if err := db.ScanQueries(&s.sla, queryFS, "sla.sql"); err != nil {
		return nil, err
	}
	if err := db.ScanQueries(&s.rep, queryFS, "report.sql"); err != nil {
		return nil, err
	}
	if err := db.ScanQueries(&s.priv, queryFS, "privacy.sql"); err != nil {
		return nil, err
	}
	return s, nil
}

// Matrix returns the priority matrix in use.
func (s *Store) Matrix() PriorityMatrix { return s.matrix }

// NewTicket is what a caller gives to open a ticket.
type NewTicket struct {
	RequesterID    *int64
	ConversationID *int64
	OriginChannel  string
	Subject        string
	Description    string
	Type           Type
	Category       string
	Product        string
	Urgency        Level
	Impact         Level
	Level          int // 1 or 2; 0 means 1
	GroupName      string
	// Assessment is the bot's, when the bot opened the ticket.
	Assessment Assessment
	// CallBack marks a voicemail to answer by telephone (Ticket.CallBack).
	CallBack bool
}

func (n *NewTicket) validate() error {
	var missing []string
	if strings.TrimSpace(n.Subject) == "" {
		missing = append(missing, "subject")
	}
	if n.OriginChannel == "" {
		missing = append(missing, "origin channel")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: missing %s", ErrInvalid, strings.Join(missing, ", "))
	}
	if n.Type == "" {
		n.Type = TypeIncident
	}
	if !n.Type.Valid() {
		return fmt.Errorf("%w: unknown type %q", ErrInvalid, n.Type)
	}
	if n.Urgency == "" {
		n.Urgency = Medium
	}
	if n.Impact == "" {
		n.Impact = Low
	}
	if !n.Urgency.Valid() || !n.Impact.Valid() {
		return fmt.Errorf("%w: urgency and impact must be high, medium or low", ErrInvalid)
	}
	if n.Level == 0 {
		n.Level = 1
	}
	if n.Level != 1 && n.Level != 2 {
		return fmt.Errorf("%w: level must be 1 or 2", ErrInvalid)
	}
	return nil
}

// Create opens a ticket with the next number of the current year and
// records its "created" event. Run it inside the caller's transaction when
// the ticket must appear together with other rows.
func (s *Store) Create(ctx context.Context, q Querier, actor string, n NewTicket) (*Ticket, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	year := now.In(s.loc).Year()
	var seq int
	if err := q.GetContext(ctx, &seq, s.q.NextNumber, year); err != nil {
		return nil, fmt.Errorf("next ticket number: %w", err)
	}
	t := &Ticket{
		Number: FormatNumber(year, seq), RequesterID: n.RequesterID, ConversationID: n.ConversationID,
		OriginChannel: n.OriginChannel, Subject: strings.TrimSpace(n.Subject), Description: n.Description,
		Type: n.Type, Category: n.Category, Product: n.Product, Urgency: n.Urgency, Impact: n.Impact,
		Priority: s.matrix.Priority(n.Urgency, n.Impact), Level: n.Level, GroupName: n.GroupName,
		State: StateNew, CreatedAt: now, UpdatedAt: now, Assessment: n.Assessment, CallBack: n.CallBack,
	}
	rows, err := sqlx.NamedQueryContext(ctx, q, s.q.InsertTicket, t)
	if err != nil {
		return nil, fmt.Errorf("insert ticket: %w", err)
	}
	if rows.Next() {
		err = rows.Scan(&t.ID)
	}
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("insert ticket: %w", err)
	}
	if err := s.event(ctx, q, &Event{TicketID: t.ID, At: now, Actor: actor, Kind: EventCreated,
		NewValue: string(t.Priority)}); err != nil {
		return nil, err
	}
	return t, nil
}

// Get returns the ticket with id.
func (s *Store) Get(ctx context.Context, q Querier, id int64) (*Ticket, error) {
	var t Ticket
	if err := q.GetContext(ctx, &t, s.q.GetTicket, id); err != nil {
		return nil, notFound(err, strconv.FormatInt(id, 10))
	}
	return &t, nil
}

// GetByNumber returns the ticket with its public number (HD-YYYY-NNNNNN).
func (s *Store) GetByNumber(ctx context.Context, q Querier, number string) (*Ticket, error) {
	var t Ticket
	if err := q.GetContext(ctx, &t, s.q.GetTicketByNumber, strings.ToUpper(strings.TrimSpace(number))); err != nil {
		return nil, notFound(err, number)
	}
	return &t, nil
}

// OfRequester returns the requester's most recent tickets, newest first.
func (s *Store) OfRequester(ctx context.Context, q Querier, requesterID int64, limit int) ([]Ticket, error) {
	var ts []Ticket
	if err := q.SelectContext(ctx, &ts, s.q.TicketsOfRequester, requesterID, limit); err != nil {
		return nil, fmt.Errorf("tickets of requester: %w", err)
	}
	return ts, nil
}

// Events returns the ticket's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, q Querier, ticketID int64) ([]Event, error) {
	var evs []Event
	if err := q.SelectContext(ctx, &evs, s.q.Events, ticketID); err != nil {
		return nil, fmt.Errorf("ticket events: %w", err)
	}
	return evs, nil
}

func (s *Store) event(ctx context.Context, q Querier, e *Event) error {
	rows, err := sqlx.NamedQueryContext(ctx, q, s.q.InsertEvent, e)
	if err != nil {
		return fmt.Errorf("record ticket event: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return rows.Scan(&e.ID)
	}
	return rows.Err()
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", ErrNotFound, what)
	}
	return fmt.Errorf("get ticket %s: %w", what, err)
}
