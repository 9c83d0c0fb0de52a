// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"

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
