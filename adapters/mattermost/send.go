// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
)

// Send posts one reply of the engine: in the user's direct channel for a
// "dm:" conversation, in the thread for a "th:" one. A 429 is waited out
// (Retry-After) up to Config.MaxRetryWait; beyond that, or on any other
// failure, the error goes back to the engine, which retries the reply
// with a durable job. The post carries a pending_post_id derived from the
// reply's id, so the server itself drops a repeat of a create it has just
// done (its de-duplication window is short: this does not replace the
// engine's bookkeeping).
func (a *Adapter) Send(ctx context.Context, out bots.Outbound) error {
	bot, err := a.botUser(ctx)
	if err != nil {
		return err
	}
	p := a.render(out.Reply, out.ConversationKey)
	if out.ExternalID != "" {
		p.PendingPostId = bot.Id + ":" + out.ExternalID
	}
	if err := a.post(ctx, out.ConversationKey, p); err != nil {
		if refusedForGood(err) {
			return fmt.Errorf("%w: %w", bots.ErrUndeliverable, err)
		}
		return err
	}
	return nil
}

// refusedForGood tells the server's answers that sending again cannot
// change: the key names no conversation, or the post itself, its channel
// (deleted, archived) or its user (deactivated) is refused — 400, 403,
// 404, 410, 413. 401 (a token to replace), 429 and 5xx are temporary.
// A 403 may also mean a permission the administrator can still grant; the
// reply is then marked failed and shown to the agent, who sees why.
func refusedForGood(err error) bool {
	if errors.Is(err, errBadKey) {
		return true
	}
	var ae *model.AppError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.StatusCode {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusGone, http.StatusRequestEntityTooLarge:
		return true
	}
	return false
}

// post sends p to the conversation with that key.
func (a *Adapter) post(ctx context.Context, key string, p *model.Post) error {
	userID, channelID, rootID, err := parseKey(key)
	if err != nil {
		return err
	}
	if userID != "" {
		if channelID, err = a.dmChannel(ctx, userID); err != nil {
			return err
		}
	}
	p.ChannelId, p.RootId = channelID, rootID
	if err := a.call(ctx, "create a post", func() (*model.Response, error) {
		_, resp, err := a.client.CreatePost(ctx, p)
		return resp, err
	}); err != nil {
		return err
	}
	if rootID != "" {
		a.markThread(rootID)
	}
	return nil
}

// dmChannel returns the direct channel between the bot and a user,
// creating it if needed (the call is idempotent on the server).
func (a *Adapter) dmChannel(ctx context.Context, userID string) (string, error) {
	a.mu.Lock()
	id, ok := a.dms[userID]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	bot, err := a.botUser(ctx)
	if err != nil {
		return "", err
	}
	var ch *model.Channel
	if err := a.call(ctx, "open the direct channel", func() (*model.Response, error) {
		var resp *model.Response
		ch, resp, err = a.client.CreateDirectChannel(ctx, bot.Id, userID)
		return resp, err
	}); err != nil {
		return "", err
	}
	a.mu.Lock()
	if len(a.dms) > 10000 {
		a.dms = map[string]string{}
	}
	a.dms[userID] = ch.Id
	a.mu.Unlock()
	return ch.Id, nil
}

// call runs one REST call, waiting out 429 answers while the total wait
// stays within MaxRetryWait. Client4 has no typed error for a 429: the
// status code and Retry-After come from the response.
func (a *Adapter) call(ctx context.Context, what string, do func() (*model.Response, error)) error {
	var waited time.Duration
	for {
		resp, err := do()
		if err == nil {
			return nil
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			return explain(resp, err, what)
		}
		d := retryAfter(resp.Header, a.now())
		if waited+d > a.cfg.MaxRetryWait {
			return fmt.Errorf("%w: %s: the server asks to wait %s", ErrRateLimited, what, d)
		}
		a.log.Info("mattermost rate limit; waiting", "what", what, "wait", d)
		if err := a.sleep(ctx, d); err != nil {
			return err
		}
		waited += d
	}
}

// retryAfter reads Retry-After (seconds or an HTTP date); one second when
// it is missing or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return time.Second
}
