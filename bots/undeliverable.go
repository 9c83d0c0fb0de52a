// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
)

// ErrUndeliverable marks a send error the platform will answer the same
// way however often the reply is sent: an SMTP 5xx, Telegram's 403 "bot
// was blocked by the user", Slack's channel_not_found, a Mattermost 404.
// Adapters wrap such errors with it (fmt.Errorf("%w: …", bots.ErrUndeliverable));
// any other error is temporary and retried with backoff.
//
// A reply refused for good is marked failed at once (messages.failed_at),
// shown to the agent as not delivered, never retried, and never holds
// back the replies after it in the conversation.
var ErrUndeliverable = errors.New("refused for good by the platform")

// recordFailure notes a failed send on the reply: a temporary failure
// counts an attempt (the retry job or the sweep tries again), a permanent
// one marks the reply failed.
func (e *Engine) recordFailure(ctx context.Context, messageID int64, err error) {
	reason := truncate(err.Error(), 500)
	var merr error
	if errors.Is(err, ErrUndeliverable) {
		_, merr = e.opt.BookkeepingDB.ExecContext(ctx, e.store.q.MarkUndeliverable, messageID, reason, e.opt.Now())
	} else {
		_, merr = e.opt.BookkeepingDB.ExecContext(ctx, e.store.q.MarkFailed, messageID, reason)
	}
	if merr != nil {
		e.log.Error("record send failure", "message_id", messageID, "err", merr)
	}
}
