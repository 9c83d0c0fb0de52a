// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"
	"time"
)

// Follow-up events link a ticket that had ended (closed, cancelled, or
// resolved longer ago than the reopening window) with the new ticket a
// later message of its requester opened, as Zammad and GLPI do: the ended
// ticket keeps its history and its service-level figures, the new one
// starts its own clocks, and each names the other in its audit trail.
const (
	// EventFollowUp, on the ended ticket: NewValue is the new ticket's number.
	EventFollowUp = "follow_up"
	// EventFollowUpOf, on the new ticket: NewValue is the ended ticket's number.
	EventFollowUpOf = "follow_up_of"
)

// Ended tells whether a message about t should open a follow-up ticket
// rather than reopen it: t is closed or cancelled, or was resolved longer
// than reopenWindow before now.
func Ended(t *Ticket, now time.Time, reopenWindow time.Duration) bool {
	switch t.State {
	case StateClosed, StateCancelled:
		return true
	case StateResolved:
		return t.ResolvedAt == nil || now.Sub(*t.ResolvedAt) > reopenWindow
	}
	return false
}

// LinkFollowUp records in both audit trails that next follows up prior.
func (s *Store) LinkFollowUp(ctx context.Context, q Querier, actor string, prior, next *Ticket) error {
	now := s.now()
	if err := s.event(ctx, q, &Event{TicketID: prior.ID, At: now, Actor: actor, Kind: EventFollowUp, NewValue: next.Number}); err != nil {
		return fmt.Errorf("link follow-up %s of %s: %w", next.Number, prior.Number, err)
	}
	if err := s.event(ctx, q, &Event{TicketID: next.ID, At: now, Actor: actor, Kind: EventFollowUpOf, NewValue: prior.Number}); err != nil {
		return fmt.Errorf("link follow-up %s of %s: %w", next.Number, prior.Number, err)
	}
	return nil
}
