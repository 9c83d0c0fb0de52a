// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Presence is whether an agent takes new conversations.
type Presence string

// The presences; round robin only assigns to PresenceOnline agents.
const (
	PresenceOnline Presence = "online"
	PresenceAway   Presence = "away"
)

// Presence returns the presence of user id.
func (u *Users) Presence(ctx context.Context, id int64) (Presence, error) {
	var p Presence
	if err := u.db.GetContext(ctx, &p, u.q.Presence, id); err != nil {
		return "", fmt.Errorf("presence of user %d: %w", id, err)
	}
	return p, nil
}

// SetPresence marks user id online or away, through q (the pool or the
// caller's transaction).
func (u *Users) SetPresence(ctx context.Context, q sqlx.ExecerContext, id int64, online bool) error {
	p := PresenceAway
	if online {
		p = PresenceOnline
	}
	if _, err := q.ExecContext(ctx, u.q.SetPresence, id, string(p)); err != nil {
		return fmt.Errorf("set presence of user %d: %w", id, err)
	}
	return nil
}

// MarkAssigned records that user id was just given a conversation, inside
// the caller's transaction: round robin picks the one assigned least
// recently.
func (u *Users) MarkAssigned(ctx context.Context, q sqlx.ExecerContext, id int64, at time.Time) error {
	if _, err := q.ExecContext(ctx, u.q.MarkAssigned, id, at); err != nil {
		return fmt.Errorf("mark user %d assigned: %w", id, err)
	}
	return nil
}
