// SPDX-License-Identifier: EUPL-1.2

// Package tickets is the trouble-ticketing core: tickets with their
// numbers, states and allowed transitions, the priority matrix, comments,
// attachments and the append-only event log that audits every change and
// feeds every report. Business calendar and service levels live here too.
package tickets

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	ErrNotFound          = errors.New("ticket not found")
	ErrStepNotFound      = errors.New("checklist step not found")
	ErrIllegalTransition = errors.New("illegal ticket state transition")
	ErrInvalid           = errors.New("invalid ticket")
)

// State is where a ticket stands in its life.
type State string

// The ticket states.
const (
	StateNew               State = "new"
	StateOpen              State = "open"
	StateWaitingRequester  State = "waiting_requester"
	StateWaitingThirdParty State = "waiting_third_party"
	StateResolved          State = "resolved"
	StateClosed            State = "closed"
	StateCancelled         State = "cancelled"
)

// States lists every state, in life order.
var States = []State{StateNew, StateOpen, StateWaitingRequester, StateWaitingThirdParty, StateResolved, StateClosed, StateCancelled}

// transitions is the one place that says which state may follow which.
// Resolved may be reopened (back to open) by the requester or an agent;
// closed and cancelled are final.
var transitions = map[State][]State{
	StateNew:               {StateOpen, StateWaitingRequester, StateWaitingThirdParty, StateResolved, StateCancelled},
	StateOpen:              {StateWaitingRequester, StateWaitingThirdParty, StateResolved, StateCancelled},
	StateWaitingRequester:  {StateOpen, StateWaitingThirdParty, StateResolved, StateCancelled},
	StateWaitingThirdParty: {StateOpen, StateWaitingRequester, StateResolved, StateCancelled},
	StateResolved:          {StateOpen, StateClosed},
	StateClosed:            nil,
	StateCancelled:         nil,
}

// CanTransition reports whether a ticket in state from may move to to.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// TransitionError is returned for a move the state machine forbids. It
// matches ErrIllegalTransition with errors.Is.
type TransitionError struct {
	From, To State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("ticket cannot go from %s to %s", e.From, e.To)
}

// Is makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// OpenStates are the states of a ticket that still needs work (not
// resolved, closed or cancelled). This is the one list: SQL takes it as a
// parameter, state = ANY($n), from OpenStatesArg.
var OpenStates = []State{StateNew, StateOpen, StateWaitingRequester, StateWaitingThirdParty}

// OpenStatesArg is OpenStates as a PostgreSQL text[] query argument.
func OpenStatesArg() pq.StringArray {
	a := make(pq.StringArray, len(OpenStates))
	for i, s := range OpenStates {
		a[i] = string(s)
	}
	return a
}

// Open reports whether the ticket still needs work: its state is one of
// OpenStates.
func (s State) Open() bool {
	return slices.Contains(OpenStates, s)
}

// Type is the kind of contact.
type Type string

// Ticket types.
const (
	TypeIncident   Type = "incident"
	TypeRequest    Type = "request"
	TypeQuestion   Type = "question"
	TypeSuggestion Type = "suggestion"
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	return t == TypeIncident || t == TypeRequest || t == TypeQuestion || t == TypeSuggestion
}

// Level is a three-step scale used for urgency and impact.
type Level string

// Urgency and impact levels.
const (
	High   Level = "high"
	Medium Level = "medium"
	Low    Level = "low"
)

// Valid reports whether l is high, medium or low.
func (l Level) Valid() bool { return l == High || l == Medium || l == Low }

// Priority is P1 (most urgent) to P4.
type Priority string

// Priorities.
const (
	P1 Priority = "P1"
	P2 Priority = "P2"
	P3 Priority = "P3"
	P4 Priority = "P4"
)

// Ticket is one registered contact.
type Ticket struct {
	ID              int64      `db:"id" json:"id"`
	Number          string     `db:"number" json:"number"`
	RequesterID     *int64     `db:"requester_id" json:"requester_id"`
	ConversationID  *int64     `db:"conversation_id" json:"conversation_id"`
	OriginChannel   string     `db:"origin_channel" json:"origin_channel"`
	Subject         string     `db:"subject" json:"subject"`
	Description     string     `db:"description" json:"description"`
	Type            Type       `db:"type" json:"type"`
	Category        string     `db:"category" json:"category"`
	Product         string     `db:"product" json:"product"`
	Urgency         Level      `db:"urgency" json:"urgency"`
	Impact          Level      `db:"impact" json:"impact"`
	Priority        Priority   `db:"priority" json:"priority"`
	Level           int        `db:"level" json:"level"`
	GroupName       string     `db:"group_name" json:"group_name"`
	AgentID         *int64     `db:"agent_id" json:"agent_id"`
	ExternalOrg     string     `db:"external_org" json:"external_org"`
	ExternalEmail   string     `db:"external_email" json:"external_email"`
	State           State      `db:"state" json:"state"`
	CreatedAt       time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt       time.Time  `db:"updated_at" json:"updated_at"`
	FirstResponseAt *time.Time `db:"first_response_at" json:"first_response_at"`
	ResolvedAt      *time.Time `db:"resolved_at" json:"resolved_at"`
	ClosedAt        *time.Time `db:"closed_at" json:"closed_at"`
	ClosureCode     string     `db:"closure_code" json:"closure_code"`
	ClosureNote     string     `db:"closure_note" json:"closure_note"`
	// Assessment is the bot's view of the ticket, apart from the
	// requester's description (assessment.go); not part of the API's
	// ticket document.
	Assessment Assessment `db:"assessment" json:"-"`
	// CallBack: the requester left a voicemail and waits to be called
	// back; the console shows it and its conversation goes first in the
	// level's queue. Not part of the API's ticket document.
	CallBack bool `db:"call_back" json:"-"`
}

// Event is one line of a ticket's audit trail.
type Event struct {
	ID        int64     `db:"id" json:"id"`
	TicketID  int64     `db:"ticket_id" json:"ticket_id"`
	At        time.Time `db:"at" json:"at"`
	Actor     string    `db:"actor" json:"actor"`
	Kind      string    `db:"kind" json:"kind"`
	Field     string    `db:"field" json:"field"`
	OldValue  string    `db:"old_value" json:"old_value"`
	NewValue  string    `db:"new_value" json:"new_value"`
	CommentID *int64    `db:"comment_id" json:"comment_id"`
}

// Event kinds.
const (
	EventCreated    = "created"
	EventState      = "state"
	EventField      = "field"
	EventComment    = "comment"
	EventNote       = "note"
	EventAttachment = "attachment"
	EventAssigned   = "assigned"
	EventEscalated  = "escalated"
	EventRouted     = "routed"
	// EventDelivered: a desk reply written in a chat reached the requester
	// (CommentID names it). Until then the reply does not stop the
	// first-response clock (AddChatReply).
	EventDelivered = "delivered"
	// EventCalledBack: an agent called back the requester of a voicemail
	// (Ticket.CallBack cleared).
	EventCalledBack = "called_back"
)

// pendingDelivery marks, in a comment event's new_value, a chat reply not
// yet delivered: it counts for the first response only once delivered.
const pendingDelivery = "pending_delivery"

// Comment is a public reply or an internal note.
type Comment struct {
	ID        int64     `db:"id" json:"id"`
	TicketID  int64     `db:"ticket_id" json:"ticket_id"`
	Author    string    `db:"author" json:"author"`
	Public    bool      `db:"public" json:"public"`
	Body      string    `db:"body" json:"body"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// Attachment is the metadata of a file attached to a ticket.
type Attachment struct {
	ID          int64     `db:"id" json:"id"`
	TicketID    int64     `db:"ticket_id" json:"ticket_id"`
	CommentID   *int64    `db:"comment_id" json:"comment_id"`
	Filename    string    `db:"filename" json:"filename"`
	ContentType string    `db:"content_type" json:"content_type"`
	SizeBytes   int64     `db:"size_bytes" json:"size_bytes"`
	SHA256      string    `db:"sha256" json:"sha256"`
	StorageKey  string    `db:"storage_key" json:"storage_key"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
}

// FormatNumber renders the public ticket number, e.g. HD-2026-000123.
func FormatNumber(year, seq int) string {
	return fmt.Sprintf("HD-%04d-%06d", year, seq)
}
