// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"errors"

	"helpdesk/bots"
)

// Handoff is what the inbox needs of the conversation engine: the agents'
// actions on a conversation (bots.AgentActions, shared with the triage
// channel) and presence. *bots.Engine implements it; the console only
// turns forms into these calls.
type Handoff interface {
	bots.AgentActions
	// SetPresence marks an agent online (round robin may assign them
	// conversations) or away.
	SetPresence(ctx context.Context, agentID int64, online bool) error
}

var _ Handoff = (*bots.Engine)(nil)

// ErrConflict is returned when an action no longer applies: the thing
// changed meanwhile, or is not in a state that allows it.
var ErrConflict = errors.New("the state changed meanwhile")
