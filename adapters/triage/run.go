// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/lib/pq"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// notifyChannel is where the engine announces conversation changes.
const notifyChannel = bots.NotifyChannel

// opTimeout bounds one sync or one thread event, chat API calls
// included (each may wait out rate limits).
const opTimeout = 2 * time.Minute

// eventsKept is how long acted-on event ids are remembered (Slack and
// Mattermost redeliver within minutes).
const eventsKept = 7 * 24 * time.Hour

// Run posts cards and relays threads until ctx ends: it listens for the
// engine's notifications (when DatabaseURL is set), polls every
// PollInterval for anything missed, and acts on thread events.
func (r *Relay) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(3)
	go func() { defer wg.Done(); r.listen(ctx) }()
	go func() { defer wg.Done(); r.syncLoop(ctx) }()
	go func() { defer wg.Done(); r.eventLoop(ctx) }()
	r.catchUp(ctx)
	t := time.NewTicker(r.cfg.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			r.catchUp(ctx)
		}
	}
}

// listen turns notifications into syncs. The listener reconnects by
// itself; after a reconnection (a nil notification) a catch-up finds
// what was said while it was away.
func (r *Relay) listen(ctx context.Context) {
	if r.cfg.DatabaseURL == "" {
		return
	}
	l := pq.NewDialListener(db.Dialer(), r.cfg.DatabaseURL, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			r.log.Warn("triage: notification listener", "event", ev, "err", err)
		}
	})
	defer l.Close()
	if err := l.Listen(notifyChannel); err != nil {
		r.log.Error("triage: cannot LISTEN; relying on the poll", "err", err)
	} else {
		// Listen returns once the LISTEN is active on a connection.
		close(r.listening)
	}
	ping := time.NewTicker(time.Minute)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-l.Notify:
			if n == nil {
				r.catchUp(ctx)
				continue
			}
			if id, err := strconv.ParseInt(n.Extra, 10, 64); err == nil && id > 0 {
				r.touch(id)
			}
		case <-ping.C:
			_ = l.Ping()
		}
	}
}

// catchUp marks every conversation with work left.
func (r *Relay) catchUp(ctx context.Context) {
	now := r.now()
	var ids []int64
	if err := r.db.SelectContext(ctx, &ids, r.q.Pending, r.cfg.Platform, r.cfg.ChannelID,
		now.Add(-r.cfg.ClaimTimeout), now.Add(-48*time.Hour)); err != nil {
		if ctx.Err() == nil {
			r.log.Warn("triage: catch-up query failed", "err", err)
		}
		return
	}
	for _, id := range ids {
		r.touch(id)
	}
	if _, err := r.db.ExecContext(ctx, r.q.ForgetEvents, now.Add(-eventsKept)); err != nil && ctx.Err() == nil {
		r.log.Warn("triage: forgetting old events failed", "err", err)
	}
	r.catchUps.Add(1)
}

// Listening is closed once the relay receives the engine's notifications
// (its LISTEN is active). Without DatabaseURL, or when LISTEN failed, it
// stays open and only the poll finds work.
func (r *Relay) Listening() <-chan struct{} { return r.listening }

// idle reports whether the relay has no conversation waiting to be synced
// or being synced, and how many catch-ups it has done.
func (r *Relay) idle() (bool, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.order) == 0 && !r.syncing, r.catchUps.Load()
}

// syncLoop syncs the touched conversations one at a time; a failure is
// logged and left to the next poll.
func (r *Relay) syncLoop(ctx context.Context) {
	for {
		r.mu.Lock()
		var id int64
		if len(r.order) > 0 {
			id, r.order = r.order[0], r.order[1:]
			delete(r.pending, id)
		}
		r.syncing = id != 0
		r.mu.Unlock()
		if id == 0 {
			select {
			case <-ctx.Done():
				return
			case <-r.kick:
			}
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, opTimeout)
		err := r.sync(sctx, id)
		cancel()
		if err != nil && ctx.Err() == nil {
			r.log.Warn("triage: conversation not synced; the poll will retry", "conversation_id", id, "err", err)
		}
	}
}

// eventLoop acts on thread events in arrival order. While the database is
// unavailable it waits and tries the same event again.
func (r *Relay) eventLoop(ctx context.Context) {
	wait := time.Second
	for {
		r.mu.Lock()
		var ev *Event
		if len(r.events) > 0 {
			e := r.events[0]
			ev = &e
		}
		r.mu.Unlock()
		if ev == nil {
			select {
			case <-ctx.Done():
				return
			case <-r.wake:
			}
			continue
		}
		hctx, cancel := context.WithTimeout(ctx, opTimeout)
		err := r.handleEvent(hctx, *ev)
		cancel()
		if err != nil && db.IsUnavailable(err) && ctx.Err() == nil {
			r.log.Warn("triage: database unavailable; retrying the event", "event_id", ev.ID, "in", wait)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, 30*time.Second)
			continue
		}
		wait = time.Second
		if err != nil && ctx.Err() == nil {
			r.log.Error("triage: thread event failed", "event_id", ev.ID, "err", err)
		}
		r.mu.Lock()
		if len(r.events) > 0 && r.events[0].ID == ev.ID {
			r.events = r.events[1:]
		}
		r.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}
