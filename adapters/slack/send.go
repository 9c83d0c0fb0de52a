// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"helpdesk/bots"
)

// ErrBadConversationKey is returned by Send for a key this adapter did
// not make.
var ErrBadConversationKey = errors.New("slack: bad conversation key")

// maxRateLimitRetries is how many 429s one send waits out before it
// leaves the reply to the engine's durable retry.
const maxRateLimitRetries = 2

// Send delivers one reply (bots.Sender). It paces messages to about one
// per second per Slack channel, waits out short rate limits, and returns
// an error when the message could not be posted: the engine then retries
// it as a durable job. A reply already posted by this process (same
// ExternalID) is not posted again.
func (a *Adapter) Send(ctx context.Context, out bots.Outbound) error {
	channel, thread := splitKey(out.ConversationKey)
	if channel == "" {
		return fmt.Errorf("%w %q", ErrBadConversationKey, out.ConversationKey)
	}
	if out.ExternalID != "" && a.sent.has(out.ExternalID) {
		a.log.Info("slack: reply already posted; not sending again", "external_id", out.ExternalID)
		return nil
	}
	r := render(out.Reply)
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(r.Fallback, false), slackgo.MsgOptionDisableLinkUnfurl()}
	if len(r.Blocks) > 0 {
		opts = append(opts, slackgo.MsgOptionBlocks(r.Blocks...))
	}
	if thread != "" {
		opts = append(opts, slackgo.MsgOptionTS(thread))
		a.threads.add(out.ConversationKey, a.now())
	}
	if _, err := a.post(ctx, channel, opts...); err != nil {
		return err
	}
	if out.ExternalID != "" {
		a.sent.add(out.ExternalID)
	}
	return nil
}

// notice posts one of the adapter's own messages (not recorded by the
// engine) to a conversation; a failure is only logged.
func (a *Adapter) notice(ctx context.Context, key, lang, msgKey string) {
	channel, thread := splitKey(key)
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(escape(say(lang, msgKey)), false)}
	if thread != "" {
		opts = append(opts, slackgo.MsgOptionTS(thread))
	}
	if _, err := a.post(ctx, channel, opts...); err != nil {
		a.log.Error("slack: could not post a notice", "conversation", key, "notice", msgKey, "err", err)
	}
}

// post calls chat.postMessage in the channel's turn, waiting out up to
// maxRateLimitRetries rate limits no longer than MaxRateLimitWait. It
// returns the posted message's ts.
func (a *Adapter) post(ctx context.Context, channel string, opts ...slackgo.MsgOption) (string, error) {
	for attempt := 0; ; attempt++ {
		if err := a.sleep(ctx, a.pacer.reserve(channel, a.now())); err != nil {
			return "", err
		}
		_, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
		if err == nil {
			return ts, nil
		}
		wait, limited := rateLimited(err)
		if permanent(err) {
			return "", fmt.Errorf("%w: slack: chat.postMessage to %s: %w", bots.ErrUndeliverable, channel, err)
		}
		if !limited || attempt >= maxRateLimitRetries || wait > a.cfg.MaxRateLimitWait {
			return "", fmt.Errorf("slack: chat.postMessage to %s: %w", channel, err)
		}
		a.log.Warn("slack: rate limited; waiting", "channel_id", channel, "retry_after", wait)
		a.pacer.hold(a.now().Add(wait))
	}
}

// rateLimited reports a 429 and how long Slack asks us to wait (one
// second when it does not say).
func rateLimited(err error) (time.Duration, bool) {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, 0), true
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return time.Second, true
	}
	return 0, false
}

// pacer hands out send slots: one per interval per channel, none before
// a rate limit's end.
type pacer struct {
	interval time.Duration
	mu       sync.Mutex
	next     map[string]time.Time
	held     time.Time
}

func newPacer(interval time.Duration) *pacer {
	return &pacer{interval: interval, next: map[string]time.Time{}}
}

// reserve books the channel's next slot and returns how long to wait
// for it.
func (p *pacer) reserve(channel string, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := now
	if n := p.next[channel]; n.After(at) {
		at = n
	}
	if p.held.After(at) {
		at = p.held
	}
	p.next[channel] = at.Add(p.interval)
	if len(p.next) > 1000 {
		for c, n := range p.next {
			if n.Before(now) {
				delete(p.next, c)
			}
		}
	}
	return at.Sub(now)
}

// hold keeps every channel waiting until t (after a 429: Slack's limits
// are per method and workspace, not per channel).
func (p *pacer) hold(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.After(p.held) {
		p.held = t
	}
}

// recentSet remembers the last n ids, oldest forgotten first.
type recentSet struct {
	mu   sync.Mutex
	ring []string
	pos  int
	m    map[string]bool
}

func newRecentSet(n int) *recentSet {
	return &recentSet{ring: make([]string, n), m: map[string]bool{}}
}

func (s *recentSet) add(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[id] {
		return
	}
	if old := s.ring[s.pos]; old != "" {
		delete(s.m, old)
	}
	s.ring[s.pos] = id
	s.pos = (s.pos + 1) % len(s.ring)
	s.m[id] = true
}

func (s *recentSet) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id]
}

// refusedForGood are chat.postMessage errors that sending the same
// message again cannot cure (https://api.slack.com/methods/chat.postMessage#errors):
// the conversation is gone or closed to the bot, or the message itself is
// refused. Token and scope errors are left out on purpose: an
// administrator fixes them and the queued replies then go out.
var refusedForGood = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "user_not_found": true,
	"user_disabled": true, "account_inactive": true, "cannot_dm_bot": true, "messages_tab_disabled": true,
	"restricted_action": true, "restricted_action_read_only_channel": true, "restricted_action_thread_only_channel": true,
	"restricted_action_non_threadable_channel": true, "team_access_not_granted": true,
	"msg_too_long": true, "no_text": true, "invalid_blocks": true, "invalid_blocks_format": true,
	"too_many_attachments": true, "invalid_attachments": true, "duplicate_message_not_found": true,
}

// permanent tells a send error Slack will give again (ok:false with one of
// refusedForGood) from a temporary one (network, 5xx, 429, fatal_error).
func permanent(err error) bool {
	var se slackgo.SlackErrorResponse
	return errors.As(err, &se) && refusedForGood[se.Err]
}
