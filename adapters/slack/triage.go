// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"sync"

	slackgo "github.com/slack-go/slack"

	"helpdesk/bots"
)

// TriageEvent is a message or a button press in the triage channel. Such
// events are agents at work, not users asking for help: they go to the
// triage hook instead of the engine. Its fields are those of
// helpdesk/adapters/triage's Event, which the wiring in cmd/helpdesk
// converts it to; the two adapters import neither that package nor each
// other.
type TriageEvent struct {
	// ID is stable per event: a redelivery carries the same one.
	ID string
	// Channel is the triage channel's id.
	Channel string
	// Thread is the ts of the thread's root message; "" for a message at
	// the top level of the channel.
	Thread string
	// User is the writer's Slack user id, UserName their name if known.
	User, UserName string
	// Text is the message as plain text (Slack markup undone).
	Text string
	// Action is the pressed button's action; empty for a message.
	Action string
}

// TriageHook receives the triage channel's events. It is called on the
// adapter's receiving path: it must return at once (queue the event) and
// not keep ctx.
type TriageHook func(ctx context.Context, ev TriageEvent)

// triageSet is the triage channel and its hook, set once before Run.
type triageSet struct {
	mu      sync.RWMutex
	channel string
	hook    TriageHook
}

// SetTriage diverts the events of one channel (its id, "C…" or "G…") to
// hook: every message of a person there, and every button pressed there.
// The bot must be a member of the channel, and the app needs the
// channels:history (public) or groups:history (private) scope with the
// message.channels / message.groups events.
func (a *Adapter) SetTriage(channel string, hook TriageHook) {
	a.triage.mu.Lock()
	defer a.triage.mu.Unlock()
	a.triage.channel, a.triage.hook = channel, hook
}

func (a *Adapter) triageHook(channel string) TriageHook {
	a.triage.mu.RLock()
	defer a.triage.mu.RUnlock()
	if a.triage.hook == nil || channel == "" || channel != a.triage.channel {
		return nil
	}
	return a.triage.hook
}

// divertMessage hands a triage-channel message to the hook and reports
// whether the message was the triage channel's (then the engine never
// sees it). A mention of the bot there arrives twice, as message and as
// app_mention: only the message is passed on.
func (a *Adapter) divertMessage(ctx context.Context, m message, self string) bool {
	hook := a.triageHook(m.Channel)
	if hook == nil {
		return false
	}
	if m.Type == "app_mention" || m.BotID != "" || m.User == "" || m.User == self {
		return true
	}
	hook(ctx, TriageEvent{ID: "msg:" + m.Channel + ":" + m.TS, Channel: m.Channel, Thread: m.ThreadTS,
		User: m.User, Text: agentMarkdown(m.Text, self)})
	return true
}

// press hands a button press to the triage hook when it happened in the
// triage channel, to the engine otherwise.
func (a *Adapter) press(ctx context.Context, p press) {
	if hook := a.triageHook(p.Channel); hook != nil {
		hook(ctx, TriageEvent{ID: "act:" + p.Channel + ":" + p.ActionTS + ":" + p.User, Channel: p.Channel,
			Thread: p.ThreadTS, User: p.User, UserName: p.UserName, Action: p.Value})
		return
	}
	j := &job{in: fromPress(p), press: &p}
	a.lanes.enqueue(j.in.ConversationKey, j)
}

// PostMessage posts r in a channel, in the thread whose root has the ts
// thread when it is not empty, and returns the new message's ts (the
// thread to answer in, for a message at the top level). Buttons come
// back as presses with their Action, like the bot's own. Rate limits are
// handled as in Send.
func (a *Adapter) PostMessage(ctx context.Context, channel, thread string, r bots.Reply) (string, error) {
	rr := render(r)
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(rr.Fallback, false), slackgo.MsgOptionDisableLinkUnfurl()}
	if len(rr.Blocks) > 0 {
		opts = append(opts, slackgo.MsgOptionBlocks(rr.Blocks...))
	}
	if thread != "" {
		opts = append(opts, slackgo.MsgOptionTS(thread))
	}
	return a.post(ctx, channel, opts...)
}

// Profile returns a Slack user's name, e-mail and language (users.info,
// cached); only the ID when users.info cannot tell.
func (a *Adapter) Profile(ctx context.Context, userID string) bots.User {
	u, _ := a.users.lookup(ctx, a, userID)
	return u
}
