// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"strings"

	"helpdesk/internal/leader"
)

// leaderChannel runs a channel's receiving loop only on the instance that
// holds the leadership name (a Telegram bot polled by several instances
// at once gets 409 Conflict and confirms updates out of order); sending
// works on every instance.
type leaderChannel struct {
	channel
	name    string
	elector *leader.Elector
}

// Run competes for the leadership and receives while it holds it.
func (c leaderChannel) Run(ctx context.Context) error {
	return c.elector.Run(ctx, c.name, c.channel.Run)
}

// telegramLeaderName is the leadership of one bot's long polling, keyed
// by the bot id (the token's part before ":"), never by the secret part.
func telegramLeaderName(token string) string {
	id, _, _ := strings.Cut(token, ":")
	return "telegram:" + id
}
