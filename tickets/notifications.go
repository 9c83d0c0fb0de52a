// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// The SLA scan writes notifications (slascan.go); the console reads them
// with its own query and marks them read here, so this package stays the
// only writer of the table.

// MarkNotificationRead marks notification id read at at, if it is
// addressed to userID or to one of roles and still unread; anything else
// is left alone without an error (the page may be stale).
func (s *Store) MarkNotificationRead(ctx context.Context, q Querier, userID int64, roles []string, id int64, at time.Time) error {
	if _, err := q.ExecContext(ctx, s.sla.NotifMarkRead, userID, pq.Array(roles), at, id); err != nil {
		return fmt.Errorf("mark notification read: %w", err)
	}
	return nil
}

// MarkAllNotificationsRead marks every unread notification addressed to
// userID or to one of roles read at at.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, q Querier, userID int64, roles []string, at time.Time) error {
	if _, err := q.ExecContext(ctx, s.sla.NotifMarkAll, userID, pq.Array(roles), at); err != nil {
		return fmt.Errorf("mark notifications read: %w", err)
	}
	return nil
}
