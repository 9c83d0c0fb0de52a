package mattermost

import (
	"context"
	"sort"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
)

// catchUpState is what a reconnection needs to read the posts the
// WebSocket missed: the newest post time seen, and the channels the bot
// listens in (its direct channels and those where it was written to).
// It lives in memory: after a restart the server's own resume, and
// Mattermost's unread state for the bot, are all there is.
type catchUpState struct {
	mu       sync.Mutex
	last     int64             // CreateAt (ms) of the newest post seen on the socket
	channels map[string]string // channel id → channel type
}

func (c *catchUpState) seen(at int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = max(c.last, at)
}

func (c *catchUpState) follow(channelID, channelType string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.channels == nil {
		c.channels = map[string]string{}
	}
	if len(c.channels) < 10000 {
		c.channels[channelID] = channelType
	}
}

func (c *catchUpState) snapshot() (int64, map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	chans := make(map[string]string, len(c.channels))
	for k, v := range c.channels {
		chans[k] = v
	}
	return c.last, chans
}

// catchUpMissed reads, through REST, the posts of the followed channels
// newer than the last one seen, and queues them oldest first, as if the
// socket had delivered them. Redelivery is safe: the engine records each
// post once by its id, so a post that did arrive is a no-op.
func (a *Adapter) catchUpMissed(ctx context.Context, queue chan<- posted) {
	since, chans := a.catchUp.snapshot()
	if since == 0 || len(chans) == 0 {
		return
	}
	var missed []posted
	for ch, typ := range chans {
		var list *model.PostList
		err := a.call(ctx, "read the posts missed while disconnected", func() (*model.Response, error) {
			var resp *model.Response
			var err error
			list, resp, err = a.client.GetPostsSince(ctx, ch, since, false)
			return resp, err
		})
		if err != nil {
			a.log.Warn("mattermost catch-up of a channel failed", "channel_id", ch, "err", err)
			continue
		}
		for _, p := range list.Posts {
			if p.CreateAt > since && p.ChannelId == ch {
				missed = append(missed, posted{post: p, channelType: typ})
			}
		}
	}
	sort.Slice(missed, func(i, j int) bool { return missed[i].post.CreateAt < missed[j].post.CreateAt })
	if len(missed) > 0 {
		a.log.Info("mattermost: posts missed while disconnected, read again", "posts", len(missed))
	}
	for _, p := range missed {
		a.catchUp.seen(p.post.CreateAt)
		select {
		case queue <- p:
		case <-ctx.Done():
			return
		}
	}
}
