// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"embed"
	"sort"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/internal/db"
)

// catchUpState is what a new connection needs to read the posts the
// WebSocket missed: for each channel the bot listens in (its direct
// channels and those where it was written to), the creation time of the
// newest post handled there. With a database (WithDB) it is kept in
// PostgreSQL, so a restart reads what was written while the service was
// down; without one it lives in memory and only reconnections use it.
type catchUpState struct {
	mu       sync.Mutex
	channels map[string]channelCursor // channel id → cursor
	store    cursorStore              // nil: memory only
}

// channelCursor is one followed channel: its type and the CreateAt (ms)
// of the newest post handled in it (0: none handled yet).
type channelCursor struct {
	typ  string
	last int64
}

// maxFollowed bounds the channels followed (and restored at start).
const maxFollowed = 10000

// cursorStore keeps the cursors across restarts.
type cursorStore interface {
	load(ctx context.Context) (map[string]channelCursor, error)
	save(ctx context.Context, channelID, channelType string, at int64) error
}

// restore reads the cursors kept by an earlier run.
func (c *catchUpState) restore(ctx context.Context) error {
	if c.store == nil {
		return nil
	}
	saved, err := c.store.load(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.channels == nil {
		c.channels = map[string]channelCursor{}
	}
	for ch, cur := range saved {
		old := c.channels[ch]
		c.channels[ch] = channelCursor{typ: cur.typ, last: max(old.last, cur.last)}
	}
	return nil
}

// follow notes a channel the bot listens in.
func (c *catchUpState) follow(channelID, channelType string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.channels == nil {
		c.channels = map[string]channelCursor{}
	}
	if cur, ok := c.channels[channelID]; ok || len(c.channels) < maxFollowed {
		cur.typ = channelType
		c.channels[channelID] = cur
	}
}

// handled moves a followed channel's cursor to a post the engine has
// handled — only then, so that a post read from the socket but not yet
// handled when the service stops is read again at the next start.
func (c *catchUpState) handled(ctx context.Context, channelID string, at int64) error {
	c.mu.Lock()
	cur, ok := c.channels[channelID]
	if !ok || at <= cur.last {
		c.mu.Unlock()
		return nil
	}
	cur.last = at
	c.channels[channelID] = cur
	store := c.store
	c.mu.Unlock()
	if store == nil {
		return nil
	}
	return store.save(ctx, channelID, cur.typ, at)
}

func (c *catchUpState) snapshot() map[string]channelCursor {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]channelCursor, len(c.channels))
	for k, v := range c.channels {
		if v.last > 0 {
			out[k] = v
		}
	}
	return out
}

// catchUpMissed reads, through REST, the posts of each followed channel
// newer than the last one handled there, and queues them oldest first,
// as if the socket had delivered them. Redelivery is safe: the engine
// records each post once by its id, so a post that did arrive is a no-op.
func (a *Adapter) catchUpMissed(ctx context.Context, queue chan<- posted) {
	chans := a.catchUp.snapshot()
	if len(chans) == 0 {
		return
	}
	var missed []posted
	for ch, cur := range chans {
		var list *model.PostList
		err := a.call(ctx, "read the posts missed while disconnected", func() (*model.Response, error) {
			var resp *model.Response
			var err error
			list, resp, err = a.client.GetPostsSince(ctx, ch, cur.last, false)
			return resp, err
		})
		if err != nil {
			a.log.Warn("mattermost catch-up of a channel failed", "channel_id", ch, "err", err)
			continue
		}
		for _, p := range list.Posts {
			if p.CreateAt > cur.last && p.ChannelId == ch {
				missed = append(missed, posted{post: p, channelType: cur.typ})
			}
		}
	}
	sort.Slice(missed, func(i, j int) bool { return missed[i].post.CreateAt < missed[j].post.CreateAt })
	if len(missed) > 0 {
		a.log.Info("mattermost: posts missed while disconnected, read again", "posts", len(missed))
	}
	for _, p := range missed {
		select {
		case queue <- p:
		case <-ctx.Done():
			return
		}
	}
}

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	LoadCursors string `query:"load-cursors"`
	SaveCursor  string `query:"save-cursor"`
}

// pgCursors keeps the cursors in PostgreSQL (migration 00183), under the
// server's URL.
type pgCursors struct {
	db     *sqlx.DB
	q      queries
	server string
}

func newPGCursors(pool *sqlx.DB, server string) (*pgCursors, error) {
	s := &pgCursors{db: pool, server: server}
	if err := db.ScanQueries(&s.q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *pgCursors) load(ctx context.Context) (map[string]channelCursor, error) {
	var rows []struct {
		ChannelID   string `db:"channel_id"`
		ChannelType string `db:"channel_type"`
		LastPostAt  int64  `db:"last_post_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q.LoadCursors, s.server, maxFollowed); err != nil {
		return nil, err
	}
	out := make(map[string]channelCursor, len(rows))
	for _, r := range rows {
		out[r.ChannelID] = channelCursor{typ: r.ChannelType, last: r.LastPostAt}
	}
	return out, nil
}

func (s *pgCursors) save(ctx context.Context, channelID, channelType string, at int64) error {
	_, err := s.db.ExecContext(ctx, s.q.SaveCursor, s.server, channelID, channelType, at)
	return err
}
