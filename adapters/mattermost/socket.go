// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// errPingTimeout: the server sent no ping for longer than it promises to;
// the connection is presumed dead and opened again.
var errPingTimeout = errors.New("mattermost: no ping from the server (connection presumed dead)")

// Run reads events from the server's WebSocket until ctx ends, opening
// the connection again with exponential backoff whenever it breaks or the
// server's pings stop. Posts are handled one at a time, in order, by a
// second goroutine, so a slow engine never stalls the socket's pings.
// Run returns nil when ctx ends.
func (a *Adapter) Run(ctx context.Context) error {
	queue := make(chan posted, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.work(ctx, queue)
	}()
	defer func() { <-done }()

	if err := a.catchUp.restore(ctx); err != nil {
		// Not fatal: reconnections still catch up from memory.
		a.log.Warn("mattermost: catch-up cursors not read; posts written while the service was down are not read", "err", err)
	}
	var resume resumePoint
	wait := a.backoffMin
	for {
		started := time.Now()
		err := a.session(ctx, queue, &resume)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > 2*a.backoffMax {
			wait = a.backoffMin // it ran well for a while: start the backoff afresh
		}
		if errors.Is(err, ErrUnauthorized) {
			a.log.Error("mattermost connection refused; retrying", "err", err, "retry_in", wait)
		} else {
			a.log.Warn("mattermost connection lost; reconnecting", "err", err, "retry_in", wait)
		}
		if a.sleep(ctx, wait) != nil {
			return nil
		}
		wait = min(2*wait, a.backoffMax)
	}
}

// resumePoint lets a new connection ask the server for the events missed
// while disconnected (the server keeps a short queue per connection id).
type resumePoint struct {
	connID string
	next   int64 // the sequence number expected next
}

// session runs one WebSocket connection until it breaks or ctx ends.
func (a *Adapter) session(ctx context.Context, queue chan<- posted, resume *resumePoint) error {
	bot, err := a.botUser(ctx)
	if err != nil {
		return err
	}
	ws, err := model.NewReliableWebSocketClientWithDialer(a.dialer, a.wsURL, a.cfg.Token, resume.connID, int(resume.next), true)
	if err != nil {
		return fmt.Errorf("mattermost: open the WebSocket at %s: %w", a.wsURL, err)
	}
	defer closeSocket(ws)
	ws.Listen()
	if a.onConnect != nil {
		a.onConnect(ws)
	}
	responses := ws.ResponseChannel
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ws.PingTimeoutChannel:
			return errPingTimeout
		case r, ok := <-responses:
			if !ok {
				responses = nil
				continue
			}
			if r.SeqReply == 1 && r.Status != model.StatusOk {
				return fmt.Errorf("%w: the WebSocket authentication challenge failed (%v)", ErrUnauthorized, r.Error)
			}
		case ev, ok := <-ws.EventChannel:
			if !ok {
				if ws.ListenError != nil {
					return fmt.Errorf("mattermost: WebSocket closed: %w", ws.ListenError)
				}
				return errors.New("mattermost: WebSocket closed by the server")
			}
			a.event(ctx, ev, bot, queue, resume)
		}
	}
}

// closeSocket ends a connection without waiting on it: closing the
// network connection first makes a writer stuck on a dead peer fail at
// once, and the library's reader, which may still hold events, is drained
// until it closes its channels.
func closeSocket(ws *model.WebSocketClient) {
	ws.Conn.Close()
	ws.Close()
	events, responses := ws.EventChannel, ws.ResponseChannel
	go func() {
		for range events {
		}
	}()
	go func() {
		for range responses {
		}
	}()
}

// event reads one event: hello records where to resume from, posted
// goes to the queue, everything else is ignored.
func (a *Adapter) event(ctx context.Context, ev *model.WebSocketEvent, bot *model.User, queue chan<- posted, resume *resumePoint) {
	switch ev.EventType() {
	case model.WebsocketEventHello:
		if id, ok := ev.GetData()["connection_id"].(string); ok && id != resume.connID {
			// A new connection id: the first of this run (what was posted
			// while the service was down), or the server could not resume
			// (its queue of missed events is short-lived). Either way what
			// was posted meanwhile is read through REST.
			resume.connID = id
			resume.next = 0
			a.catchUpMissed(ctx, queue)
		}
		a.log.Info("mattermost connected", "bot", bot.Username)
	case model.WebsocketEventPosted:
		p, err := decodePosted(ev.GetData())
		if err != nil {
			a.log.Warn("mattermost event dropped", "err", err, "seq", ev.GetSequence())
			break
		}
		select {
		case queue <- p:
		case <-ctx.Done():
			return
		}
	}
	if s := ev.GetSequence(); s >= resume.next {
		resume.next = s + 1
	}
}

// work handles queued posts in order until ctx ends.
func (a *Adapter) work(ctx context.Context, queue <-chan posted) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-queue:
			a.handlePosted(ctx, p)
			if ctx.Err() != nil {
				return // perhaps not handled: read again at the next start
			}
			if err := a.catchUp.handled(ctx, p.post.ChannelId, p.post.CreateAt); err != nil {
				a.log.Warn("mattermost: the catch-up cursor was not saved", "channel_id", p.post.ChannelId, "err", err)
			}
		}
	}
}

// handlePosted turns a post into an Inbound and runs it through the
// engine. While the database is unavailable it waits and tries again, so
// that the post is not lost (the queue behind it waits too, keeping the
// order).
func (a *Adapter) handlePosted(ctx context.Context, p posted) {
	bot, err := a.botUser(ctx)
	if err != nil {
		a.log.Error("mattermost post not handled: bot account unknown", "post_id", p.post.Id, "err", err)
		return
	}
	in, ok := a.inbound(ctx, p, bot)
	if !ok {
		return
	}
	wait := a.backoffMin
	for {
		_, err := a.h.Handle(ctx, in)
		switch {
		case err == nil:
			return
		case errors.Is(err, db.ErrUnavailable):
			a.log.Warn("database unavailable; will retry the post", "post_id", p.post.Id, "retry_in", wait)
			if a.sleep(ctx, wait) != nil {
				return
			}
			wait = min(2*wait, a.backoffMax)
			continue
		case errors.Is(err, bots.ErrTooLong):
			a.notice(ctx, in.ConversationKey, "too.long")
		case errors.Is(err, bots.ErrInvalidInbound):
			a.log.Warn("mattermost post dropped", "post_id", p.post.Id, "err", err)
		default:
			a.log.Error("mattermost post not handled", "post_id", p.post.Id, "err", err)
			a.notice(ctx, in.ConversationKey, "error.internal")
		}
		return
	}
}

// inbound decides whether the bot answers a post and builds the Inbound:
// direct messages always, channel posts when they mention the bot or
// continue a thread it takes part in. Its own posts, system messages and
// posts of other integrations are skipped.
func (a *Adapter) inbound(ctx context.Context, p posted, bot *model.User) (bots.Inbound, bool) {
	post := p.post
	if post.UserId == bot.Id || post.Type != "" || post.DeleteAt != 0 || fromIntegration(post) {
		return bots.Inbound{}, false
	}
	if a.divertPost(ctx, p, bot) {
		return bots.Inbound{}, false
	}
	a.catchUp.follow(post.ChannelId, p.channelType)
	var key string
	switch {
	case p.channelType == string(model.ChannelTypeDirect):
		key = dmKey(post.UserId)
	case a.cfg.IgnoreMentions:
		return bots.Inbound{}, false
	default:
		root := post.RootId
		if root == "" {
			root = post.Id
		}
		mentioned := slices.Contains(p.mentions, bot.Id) || stripMention(post.Message, bot.Username) != strings.TrimSpace(post.Message)
		if !mentioned && (post.RootId == "" || !a.inThread(ctx, post.RootId, bot.Id)) {
			return bots.Inbound{}, false
		}
		a.markThread(root)
		key = threadKey(post.ChannelId, root)
	}
	text := stripMention(post.Message, bot.Username)
	if text == "" {
		a.log.Info("mattermost post without text skipped", "post_id", post.Id)
		return bots.Inbound{}, false
	}
	in := bots.Inbound{
		Channel: Channel, ExternalID: post.Id, ConversationKey: key,
		User: a.profile(ctx, post.UserId, p.senderName), Text: text,
		At: time.UnixMilli(post.CreateAt),
	}
	if post.CreateAt <= 0 {
		in.At = time.Time{}
	}
	if a.cfg.CallbackURL == "" {
		if n, ok := choiceNumber(text); ok {
			if action, ok := a.choice(ctx, key, post.Id, bot.Id, n); ok {
				in.Text, in.Action = "", action
			}
		}
	}
	return in, true
}

// choiceNumber reads a reply that is only a choice number: digits, no
// sign, within maxChoices.
func choiceNumber(text string) (int, bool) {
	if text == "" || len(text) > 2 || strings.Trim(text, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(text)
	return n, err == nil && n >= 1 && n <= maxChoices
}

// notice posts one of the adapter's own messages (in both languages: the
// engine, which knows the conversation's language, did not get the post).
func (a *Adapter) notice(ctx context.Context, key, msgKey string) {
	text := mattermostText.T("it", msgKey) + "\n\n" + mattermostText.T("en", msgKey)
	if err := a.post(ctx, key, &model.Post{Message: text}); err != nil {
		a.log.Error("mattermost notice not sent", "key", msgKey, "err", err)
	}
}
