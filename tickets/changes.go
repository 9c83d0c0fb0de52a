// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// update locks the ticket, lets fn change it, stores the result and
// records one event per changed field. Every change to a ticket goes
// through here, so none escapes the audit trail.
func (s *Store) update(ctx context.Context, q Querier, id int64, actor string, fn func(t *Ticket) error) (*Ticket, error) {
	var t Ticket
	if err := q.GetContext(ctx, &t, s.q.GetTicketForUpdate, id); err != nil {
		return nil, notFound(err, strconv.FormatInt(id, 10))
	}
	before := t
	if err := fn(&t); err != nil {
		return nil, err
	}
	now := s.now()
	t.UpdatedAt = now
	if _, err := sqlx.NamedExecContext(ctx, q, s.q.UpdateTicket, &t); err != nil {
		var pe *pq.Error
		if errors.As(err, &pe) && pe.Code == "23503" { // an agent (or other row) that does not exist
			return nil, fmt.Errorf("%w: ticket %s: %s refers to a missing row", ErrInvalid, t.Number, pe.Constraint)
		}
		return nil, fmt.Errorf("update ticket %s: %w", t.Number, err)
	}
	for _, e := range diff(&before, &t) {
		e.TicketID, e.At, e.Actor = t.ID, now, actor
		if err := s.event(ctx, q, &e); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// diff lists the audited fields that differ between a and b as events.
func diff(a, b *Ticket) []Event {
	var evs []Event
	add := func(kind, field, old, new string) {
		if old != new {
			evs = append(evs, Event{Kind: kind, Field: field, OldValue: old, NewValue: new})
		}
	}
	add(EventState, "state", string(a.State), string(b.State))
	add(EventField, "type", string(a.Type), string(b.Type))
	add(EventField, "subject", a.Subject, b.Subject)
	add(EventField, "category", a.Category, b.Category)
	add(EventField, "product", a.Product, b.Product)
	add(EventField, "urgency", string(a.Urgency), string(b.Urgency))
	add(EventField, "impact", string(a.Impact), string(b.Impact))
	add(EventField, "priority", string(a.Priority), string(b.Priority))
	add(EventEscalated, "level", strconv.Itoa(a.Level), strconv.Itoa(b.Level))
	add(EventField, "group", a.GroupName, b.GroupName)
	add(EventAssigned, "agent", idString(a.AgentID), idString(b.AgentID))
	add(EventRouted, "external_org", a.ExternalOrg, b.ExternalOrg)
	add(EventField, "external_email", a.ExternalEmail, b.ExternalEmail)
	add(EventField, "closure_code", a.ClosureCode, b.ClosureCode)
	add(EventField, "closure_note", a.ClosureNote, b.ClosureNote)
	if a.CallBack && !b.CallBack {
		add(EventCalledBack, "call_back", "true", "false")
	}
	return evs
}

func idString(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// setState moves t to state to, keeping the life-cycle timestamps in step.
func (s *Store) setState(t *Ticket, to State) error {
	if !CanTransition(t.State, to) {
		return &TransitionError{From: t.State, To: to}
	}
	now := s.now()
	switch to {
	case StateResolved:
		t.ResolvedAt = &now
	case StateClosed, StateCancelled:
		t.ClosedAt = &now
	case StateOpen:
		if t.State == StateResolved { // reopened
			t.ResolvedAt = nil
			t.ClosureCode, t.ClosureNote = "", ""
		}
	}
	t.State = to
	return nil
}

// Transition moves the ticket to state to, or returns a *TransitionError
// (errors.Is ErrIllegalTransition) when the state machine forbids it.
// Resolving needs a closure code: use Resolve.
func (s *Store) Transition(ctx context.Context, q Querier, id int64, actor string, to State) (*Ticket, error) {
	if to == StateResolved {
		return nil, fmt.Errorf("%w: resolving needs a closure code", ErrInvalid)
	}
	return s.update(ctx, q, id, actor, func(t *Ticket) error { return s.setState(t, to) })
}

// Resolve marks the ticket resolved with a closure code and note. It is
// recorded for tickets routed to another organisation too.
func (s *Store) Resolve(ctx context.Context, q Querier, id int64, actor, code, note string) (*Ticket, error) {
	if strings.TrimSpace(code) == "" {
		return nil, fmt.Errorf("%w: a closure code is required", ErrInvalid)
	}
	return s.update(ctx, q, id, actor, func(t *Ticket) error {
		if err := s.setState(t, StateResolved); err != nil {
			return err
		}
		t.ClosureCode, t.ClosureNote = code, note
		return nil
	})
}

// Classify sets urgency and impact and recomputes the priority from the
// matrix; each changed value is an event.
func (s *Store) Classify(ctx context.Context, q Querier, id int64, actor string, urgency, impact Level) (*Ticket, error) {
	if !urgency.Valid() || !impact.Valid() {
		return nil, fmt.Errorf("%w: urgency and impact must be high, medium or low", ErrInvalid)
	}
	changed := false
	t, err := s.update(ctx, q, id, actor, func(t *Ticket) error {
		changed = t.Urgency != urgency || t.Impact != impact
		t.Urgency, t.Impact = urgency, impact
		t.Priority = s.matrix.Priority(urgency, impact)
		return nil
	})
	if err != nil || !changed {
		return t, err
	}
	// A person's correction is a label the severity model can learn from
	// (severitylearn.go).
	if err := s.recordSeverityLabel(ctx, q, t, actor); err != nil {
		return nil, err
	}
	return t, nil
}

// MarkCalledBack records that an agent called the requester of a
// voicemail back: the ticket leaves the head of the queue and its
// "call back" mark goes. A ticket with no call-back pending is refused, so
// a second press (or a stale page) changes nothing.
func (s *Store) MarkCalledBack(ctx context.Context, q Querier, id int64, actor string) (*Ticket, error) {
	return s.update(ctx, q, id, actor, func(t *Ticket) error {
		if !t.CallBack {
			return fmt.Errorf("%w: ticket %s has no call-back pending", ErrInvalid, t.Number)
		}
		t.CallBack = false
		return nil
	})
}

// Categorise sets the category and application/product.
func (s *Store) Categorise(ctx context.Context, q Querier, id int64, actor, category, product string) (*Ticket, error) {
	return s.update(ctx, q, id, actor, func(t *Ticket) error {
		t.Category, t.Product = category, product
		return nil
	})
}

// Assign gives the ticket to an agent (nil: unassigned) and group.
func (s *Store) Assign(ctx context.Context, q Querier, id int64, actor string, agentID *int64, group string) (*Ticket, error) {
	return s.update(ctx, q, id, actor, func(t *Ticket) error {
		t.AgentID, t.GroupName = agentID, group
		if t.State == StateNew && agentID != nil {
			return s.setState(t, StateOpen)
		}
		return nil
	})
}

// Escalate moves the ticket to level 2 with a reason (recorded as an
// internal note).
func (s *Store) Escalate(ctx context.Context, q Querier, id int64, actor, reason string) (*Ticket, error) {
	t, err := s.update(ctx, q, id, actor, func(t *Ticket) error {
		if !t.State.Open() {
			return fmt.Errorf("%w: ticket %s is %s and cannot be escalated", ErrIllegalTransition, t.Number, t.State)
		}
		if t.Level == 2 {
			return fmt.Errorf("%w: ticket %s is already at level 2", ErrInvalid, t.Number)
		}
		t.Level, t.AgentID = 2, nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) != "" {
		if _, err := s.AddComment(ctx, q, id, actor, false, reason); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// RouteExternal hands the ticket to another organisation: it waits for
// that third party, and its resolution is still recorded here.
func (s *Store) RouteExternal(ctx context.Context, q Querier, id int64, actor, org, email string) (*Ticket, error) {
	if strings.TrimSpace(org) == "" {
		return nil, fmt.Errorf("%w: the organisation's name is required", ErrInvalid)
	}
	return s.update(ctx, q, id, actor, func(t *Ticket) error {
		t.ExternalOrg, t.ExternalEmail = org, email
		if t.State != StateWaitingThirdParty {
			return s.setState(t, StateWaitingThirdParty)
		}
		return nil
	})
}

// AddComment adds a public reply (public) or an internal note. The first
// public reply by someone other than the requester sets first_response_at.
func (s *Store) AddComment(ctx context.Context, q Querier, id int64, actor string, public bool, body string) (*Comment, error) {
	return s.addComment(ctx, q, id, actor, public, false, body)
}

// AddChatReply adds a desk reply that a chat channel still has to deliver:
// a public comment that stops the first-response clock only when
// ReplyDelivered says it reached the requester — a reply lost on the way
// is no answer.
func (s *Store) AddChatReply(ctx context.Context, q Querier, id int64, actor, body string) (*Comment, error) {
	return s.addComment(ctx, q, id, actor, true, true, body)
}

// ReplyDelivered records that the chat reply commentID reached the
// requester at at: the first one sets first_response_at.
func (s *Store) ReplyDelivered(ctx context.Context, q Querier, id, commentID int64, actor string, at time.Time) error {
	if _, err := s.update(ctx, q, id, actor, func(t *Ticket) error {
		if t.FirstResponseAt == nil {
			t.FirstResponseAt = &at
		}
		return nil
	}); err != nil {
		return err
	}
	return s.event(ctx, q, &Event{TicketID: id, At: at, Actor: actor, Kind: EventDelivered, CommentID: &commentID})
}

func (s *Store) addComment(ctx context.Context, q Querier, id int64, actor string, public, pending bool, body string) (*Comment, error) {
	if strings.TrimSpace(body) == "" {
		return nil, fmt.Errorf("%w: empty comment", ErrInvalid)
	}
	now := s.now()
	c := &Comment{TicketID: id, Author: actor, Public: public, Body: body, CreatedAt: now}
	if public && !pending && !strings.HasPrefix(actor, "requester:") {
		if _, err := s.update(ctx, q, id, actor, func(t *Ticket) error {
			if t.FirstResponseAt == nil {
				t.FirstResponseAt = &now
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if err := q.GetContext(ctx, &c.ID, s.q.InsertComment, id, actor, public, body, now); err != nil {
		return nil, fmt.Errorf("insert comment: %w", err)
	}
	kind := EventComment
	if !public {
		kind = EventNote
	}
	ev := &Event{TicketID: id, At: now, Actor: actor, Kind: kind, CommentID: &c.ID}
	if pending {
		ev.NewValue = pendingDelivery
	}
	if err := s.event(ctx, q, ev); err != nil {
		return nil, err
	}
	return c, nil
}

// Comments returns the ticket's comments, oldest first; internal notes
// only when internal is true.
func (s *Store) Comments(ctx context.Context, q Querier, id int64, internal bool) ([]Comment, error) {
	var cs []Comment
	if err := q.SelectContext(ctx, &cs, s.q.Comments, id, internal); err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	return cs, nil
}

// AddAttachment records an attachment's metadata.
func (s *Store) AddAttachment(ctx context.Context, q Querier, actor string, a *Attachment) error {
	a.CreatedAt = s.now()
	rows, err := sqlx.NamedQueryContext(ctx, q, s.q.InsertAttachment, a)
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	if rows.Next() {
		err = rows.Scan(&a.ID)
	}
	rows.Close()
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return s.event(ctx, q, &Event{TicketID: a.TicketID, At: a.CreatedAt, Actor: actor, Kind: EventAttachment,
		NewValue: a.Filename, CommentID: a.CommentID})
}

// Attachments lists the ticket's attachments.
func (s *Store) Attachments(ctx context.Context, q Querier, id int64) ([]Attachment, error) {
	var as []Attachment
	if err := q.SelectContext(ctx, &as, s.q.Attachments, id); err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	return as, nil
}
