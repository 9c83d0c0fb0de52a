// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"helpdesk/bots"
)

// Conversation keys: a direct message channel is one conversation
// ("D123", replies at top level); in other channels each thread is one
// ("C123/1700000000.000100", replies in that thread).
func conversationKey(channel, thread string) string {
	if thread == "" {
		return channel
	}
	return channel + "/" + thread
}

func splitKey(key string) (channel, thread string) {
	channel, thread, _ = strings.Cut(key, "/")
	return channel, thread
}

// isDM tells a direct-message channel: channel_type "im", or an id in
// D… where the event carries no type.
func isDM(channel, channelType string) bool {
	if channelType != "" {
		return channelType == "im"
	}
	return strings.HasPrefix(channel, "D")
}

// fromMessage decides whether a message event is for the bot and builds
// the Inbound. Taken: direct messages, mentions (app_mention), and
// messages in channel threads the bot is already answering in. Left:
// edits, deletions, joins, other bots and the bot itself, and ordinary
// channel chatter. The external id is channel + ts: it is the same for a
// redelivery, for the same message reported by both message.* and
// app_mention, and in both socket and http mode.
func (a *Adapter) fromMessage(ctx context.Context, m message) (bots.Inbound, string) {
	switch m.Subtype {
	case "", "file_share", "thread_broadcast":
	default:
		return bots.Inbound{}, "subtype " + m.Subtype
	}
	self, _ := a.botUserID(ctx)
	if a.divertMessage(ctx, m, self) {
		return bots.Inbound{}, "triage channel"
	}
	if m.BotID != "" || m.User == "" || m.User == self {
		return bots.Inbound{}, "not from a person"
	}
	var key string
	switch {
	case isDM(m.Channel, m.ChannelType):
		key = m.Channel // app_mention too, should Slack send one for a DM
	case m.Type == "app_mention":
		thread := m.ThreadTS
		if thread == "" {
			thread = m.TS
		}
		key = conversationKey(m.Channel, thread)
	case self != "" && strings.Contains(m.Text, "<@"+self+">"):
		return bots.Inbound{}, "mention: handled as app_mention"
	case m.ThreadTS != "" && a.followed(ctx, conversationKey(m.Channel, m.ThreadTS)):
		key = conversationKey(m.Channel, m.ThreadTS)
	default:
		return bots.Inbound{}, "channel message not for the bot"
	}
	txt := m.Text
	if self == "" && m.Type == "app_mention" {
		txt = stripLeadingMention(txt)
	}
	txt = plainText(txt, self)
	if txt == "" && m.Type != "app_mention" {
		return bots.Inbound{}, "no text (a file or an empty message)"
	}
	if _, thread := splitKey(key); thread != "" {
		a.threads.add(key, a.now())
	}
	return bots.Inbound{Channel: Channel, ExternalID: "msg:" + m.Channel + ":" + m.TS, ConversationKey: key,
		User: bots.User{ID: m.User}, Text: txt, At: tsTime(m.TS)}, ""
}

// followed tells whether the bot answers in a channel thread: one it has
// answered in lately, or one the engine still has open.
func (a *Adapter) followed(ctx context.Context, key string) bool {
	if a.threads.has(key, a.now()) {
		return true
	}
	if a.openConversation == nil {
		return false
	}
	open, err := a.openConversation(ctx, key)
	if err != nil {
		a.log.Warn("slack: could not tell whether a thread is followed", "conversation", key, "err", err)
		return false
	}
	return open
}

// fromPress builds the Inbound of a button press. Its external id is
// the press's action_ts, unique per click.
func fromPress(p press) bots.Inbound {
	key := p.Channel
	if !p.DM && p.ThreadTS != "" {
		key = conversationKey(p.Channel, p.ThreadTS)
	}
	return bots.Inbound{Channel: Channel, ExternalID: "act:" + p.Channel + ":" + p.ActionTS + ":" + p.User,
		ConversationKey: key, User: bots.User{ID: p.User, Name: p.UserName}, Action: p.Value, At: tsTime(p.ActionTS)}
}

// withProfile completes the writer with users.info (cached): name,
// e-mail, language. It runs in the lane, after Slack has had its answer.
// False means the writer is a bot or app user, whose events are dropped.
func (a *Adapter) withProfile(ctx context.Context, in *bots.Inbound) bool {
	u, person := a.users.lookup(ctx, a, in.User.ID)
	if !person {
		return false
	}
	if u.Name == "" {
		u.Name = in.User.Name
	}
	in.User = u
	return true
}

// userCache remembers users.info answers. A failed lookup is not
// remembered: the message goes on with the user id alone.
type userCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedUser
}

type cachedUser struct {
	user   bots.User
	person bool
	at     time.Time
}

const maxCachedUsers = 20_000

func newUserCache(ttl time.Duration) *userCache {
	return &userCache{ttl: ttl, m: map[string]cachedUser{}}
}

// lookup returns the user's name, e-mail and language, and whether the
// account is a person (not a bot or app user).
func (c *userCache) lookup(ctx context.Context, a *Adapter, id string) (bots.User, bool) {
	now := a.now()
	c.mu.Lock()
	cu, ok := c.m[id]
	c.mu.Unlock()
	if ok && now.Sub(cu.at) < c.ttl {
		return cu.user, cu.person
	}
	info, err := a.api.GetUserInfoContext(ctx, id)
	if err != nil {
		a.log.Warn("slack: users.info failed; going on without name and e-mail", "user", id, "err", err)
		return bots.User{ID: id}, true
	}
	cu = cachedUser{user: userFrom(info), person: !info.IsBot && id != "USLACKBOT", at: now}
	c.mu.Lock()
	if len(c.m) >= maxCachedUsers {
		for k, v := range c.m {
			if now.Sub(v.at) >= c.ttl || len(c.m) >= maxCachedUsers {
				delete(c.m, k)
			}
		}
	}
	c.m[id] = cu
	c.mu.Unlock()
	return cu.user, cu.person
}

func userFrom(u *slackgo.User) bots.User {
	name := u.Profile.DisplayName
	if name == "" {
		name = u.Profile.RealName
	}
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	return bots.User{ID: u.ID, Name: name, Email: u.Profile.Email, Lang: langOf(u.Locale)}
}

// langOf maps a Slack locale ("it-IT", "en-GB") to the desk's languages;
// other locales say nothing, and the engine goes by the text.
func langOf(locale string) string {
	l := strings.ToLower(locale)
	switch {
	case strings.HasPrefix(l, "it"):
		return "it"
	case strings.HasPrefix(l, "en"):
		return "en"
	}
	return ""
}

// threadSet remembers the channel threads the bot answers in, so that
// the user can go on in the thread without mentioning the bot again. It
// lives in memory: after a restart a new mention picks the thread up.
type threadSet struct {
	ttl time.Duration
	max int
	mu  sync.Mutex
	m   map[string]time.Time
}

func newThreadSet(ttl time.Duration, max int) *threadSet {
	return &threadSet{ttl: ttl, max: max, m: map[string]time.Time{}}
}

func (s *threadSet) add(key string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= s.max {
		for k, at := range s.m {
			if now.Sub(at) >= s.ttl || len(s.m) >= s.max {
				delete(s.m, k)
			}
		}
	}
	s.m[key] = now
}

func (s *threadSet) has(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.m[key]
	return ok && now.Sub(at) < s.ttl
}
