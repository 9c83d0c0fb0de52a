// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"errors"

	"helpdesk/bots"
)

// Handoff is what the inbox needs of the conversation engine: the agent's
// actions on a conversation. *bots.Engine implements it; the console only
// turns forms into these calls. Each call is one transaction in the
// engine, which also tells the user and NOTIFYs helpdesk_conversations so
// every console refreshes.
type Handoff interface {
	Take(ctx context.Context, convID int64, agent bots.Agent) error
	Reply(ctx context.Context, convID int64, agent bots.Agent, body string) error
	Note(ctx context.Context, convID int64, agent bots.Agent, body string) error
	Escalate(ctx context.Context, convID int64, agent bots.Agent, reason string) error
	RouteExternal(ctx context.Context, convID int64, agent bots.Agent, org, email string) error
	HandBack(ctx context.Context, convID int64, agent bots.Agent) error
	Resolve(ctx context.Context, convID int64, agent bots.Agent, code, note string) error
	// SetPresence marks an agent online (round robin may assign them
	// conversations) or away.
	SetPresence(ctx context.Context, agentID int64, online bool) error
}

var _ Handoff = (*bots.Engine)(nil)

// ErrConflict is returned when an action no longer applies: the thing
// changed meanwhile, or is not in a state that allows it.
var ErrConflict = errors.New("the state changed meanwhile")
