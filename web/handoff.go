package web

import (
	"context"
	"errors"
)

// Agent is the console user acting on a conversation.
type Agent struct {
	ID       int64
	Username string
	Name     string
	Level    int // 1 or 2; 0 for supervisors
	Lang     string
}

// Handoff is what the inbox needs of the conversation engine: the agent's
// actions on a conversation. The engine (package bots) implements it; the
// console only turns forms into these calls. Each call is one transaction
// in the engine, which also tells the user and NOTIFYs
// helpdesk_conversations so every console refreshes.
type Handoff interface {
	Take(ctx context.Context, convID int64, agent Agent) error
	Reply(ctx context.Context, convID int64, agent Agent, text string) error
	Note(ctx context.Context, convID int64, agent Agent, text string) error
	Escalate(ctx context.Context, convID int64, agent Agent, reason string) error
	RouteOutside(ctx context.Context, convID int64, agent Agent, org, email string) error
	HandBack(ctx context.Context, convID int64, agent Agent) error
	Resolve(ctx context.Context, convID int64, agent Agent, code, note string) error
}

// ErrConflict is returned when an action no longer applies: the
// conversation was taken by someone else, or is not in a state that allows
// it.
var ErrConflict = errors.New("the conversation changed meanwhile")
