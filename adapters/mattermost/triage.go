// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
)

// TriageEvent is a post or a button press in the triage channel. Such
// events are agents at work, not users asking for help: they go to the
// triage hook instead of the engine. Its fields are those of
// helpdesk/adapters/triage's Event, which the wiring in cmd/helpdesk
// converts it to.
type TriageEvent struct {
	// ID is stable per event: the post id, or the press of one button by
	// one user on one post.
	ID string
	// Channel is the triage channel's id.
	Channel string
	// Thread is the id of the thread's root post; "" for a post at the top
	// level of the channel.
	Thread string
	// User is the writer's Mattermost user id, UserName their name.
	User, UserName string
	// Text is the post's message, the bot's mention removed.
	Text string
	// Action is the pressed button's action; empty for a post.
	Action string
}

// TriageHook receives the triage channel's events. It must return at once
// (queue the event) and not keep ctx.
type TriageHook func(ctx context.Context, ev TriageEvent)

// triageKeyPrefix marks the button context of triage posts, so that the
// callback diverts their presses without reading the post.
const triageKeyPrefix = "triage:"

type triageSet struct {
	mu      sync.RWMutex
	channel string
	hook    TriageHook
}

// SetTriage diverts the posts of one channel (its id) to hook, and the
// presses of buttons posted with PostMessage. The bot account must be a
// member of the channel.
func (a *Adapter) SetTriage(channelID string, hook TriageHook) {
	a.triage.mu.Lock()
	defer a.triage.mu.Unlock()
	a.triage.channel, a.triage.hook = channelID, hook
}

func (a *Adapter) triageHook() (string, TriageHook) {
	a.triage.mu.RLock()
	defer a.triage.mu.RUnlock()
	return a.triage.channel, a.triage.hook
}

// divertPost hands a post of the triage channel to the hook and reports
// whether it was one (then the engine never sees it).
func (a *Adapter) divertPost(ctx context.Context, p posted, bot *model.User) bool {
	channel, hook := a.triageHook()
	if hook == nil || p.post.ChannelId != channel {
		return false
	}
	hook(ctx, TriageEvent{ID: p.post.Id, Channel: channel, Thread: p.post.RootId, User: p.post.UserId,
		UserName: strings.TrimPrefix(p.senderName, "@"), Text: stripMention(p.post.Message, bot.Username)})
	return true
}

// divertPress hands a press of a triage button to the hook and reports
// whether it was one.
func (a *Adapter) divertPress(ctx context.Context, p pressed) bool {
	channel, hook := a.triageHook()
	if hook == nil || !strings.HasPrefix(p.key, triageKeyPrefix) {
		return false
	}
	hook(ctx, TriageEvent{ID: "act:" + p.postID + ":" + p.userID + ":" + p.action, Channel: channel,
		Thread: p.postID, User: p.userID, UserName: p.userName, Action: p.action})
	return true
}

// PostMessage posts r in a channel, in the thread of the root post
// thread when it is not empty, and returns the new post's id. Buttons
// are interactive only with a callback URL configured; without one they
// are left out (the triage commands can be typed instead). Rate limits
// are handled as in Send.
func (a *Adapter) PostMessage(ctx context.Context, channelID, thread string, r bots.Reply) (string, error) {
	if a.cfg.CallbackURL == "" {
		r.Buttons = nil
	}
	p := a.render(r, triageKeyPrefix+channelID)
	p.ChannelId, p.RootId = channelID, thread
	var id string
	err := a.call(ctx, "create a post", func() (*model.Response, error) {
		created, resp, err := a.client.CreatePost(ctx, p)
		if err == nil {
			id = created.Id
		}
		return resp, err
	})
	return id, err
}

// Profile returns a Mattermost user's name, e-mail and language (cached).
func (a *Adapter) Profile(ctx context.Context, userID string) bots.User {
	return a.profile(ctx, userID, "")
}
