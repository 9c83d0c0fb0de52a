// SPDX-License-Identifier: EUPL-1.2

// Package leader elects one instance among several `helpdesk serve`
// processes for work that must run in one place at a time (a Telegram
// bot's long polling, a mailbox poller). Leadership is a PostgreSQL
// session-level advisory lock held on a connection of its own: when the
// holder stops it unlocks, and when it dies its connection drops and the
// server releases the lock, so another instance takes over within a few
// seconds without any clock or lease table.
package leader

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"
)

// ErrLost means the lock's connection failed while fn was running: the
// server may have released the lock, so fn was cancelled.
var ErrLost = errors.New("leader: leadership lost")

// Elector takes and keeps leaderships on one database.
type Elector struct {
	db  *sql.DB
	log *slog.Logger
	// Retry is how often a follower tries to take the lock (default 1s).
	retry time.Duration
	// heartbeat is how often the leader checks its connection (default 1s).
	heartbeat time.Duration
	// settle is how long a new leader waits, holding the lock, before fn
	// starts: at least two heartbeats, so a previous holder whose session
	// was killed under it has noticed and cancelled its fn.
	settle time.Duration
	// attempted, when set (by tests), is told of every try of the lock
	// and whether it was taken: what a test waits on to know a follower
	// has competed, instead of sleeping.
	attempted func(name string, got bool)
}

// Options tune an Elector; zero values take the defaults.
type Options struct {
	Logger    *slog.Logger
	Retry     time.Duration // follower's attempt interval (1s)
	Heartbeat time.Duration // leader's connection check interval (1s)
	// Settle is the pause between taking the lock and starting fn
	// (default 2×Heartbeat + 500ms). Set it no shorter than every other
	// instance's 2×Heartbeat.
	Settle time.Duration
}

// New returns an Elector on db. Each leadership held costs one
// connection of db's pool for as long as it is held.
func New(db *sql.DB, opt Options) (*Elector, error) {
	if db == nil {
		return nil, errors.New("leader: no database")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Retry <= 0 {
		opt.Retry = time.Second
	}
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = time.Second
	}
	if opt.Settle <= 0 {
		opt.Settle = 2*opt.Heartbeat + 500*time.Millisecond
	}
	return &Elector{db: db, log: opt.Logger, retry: opt.Retry, heartbeat: opt.Heartbeat, settle: opt.Settle}, nil
}

// Key is the advisory-lock key of a leadership name. The names live in a
// namespace of their own ("helpdesk:leader:"), so they cannot meet the
// keys other packages lock with small integers.
func Key(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("helpdesk:leader:"))
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// Run runs fn while this instance leads name, until ctx ends: it waits
// for the lock, runs fn with a context cancelled when leadership is lost
// or ctx ends, and when fn returns early (error or not) gives the lock up
// and competes again after Retry. fn must return promptly once its
// context is cancelled, because the next leader starts after Settle.
// Run returns nil when ctx ends.
func (e *Elector) Run(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	key := Key(name)
	log := e.log.With("leadership", name)
	for ctx.Err() == nil {
		conn, ok, err := e.acquire(ctx, key)
		if err != nil && ctx.Err() == nil {
			log.Warn("leader: cannot try the lock; retrying", "in", e.retry, "err", err)
		}
		if e.attempted != nil && err == nil {
			e.attempted(name, ok)
		}
		if !ok {
			if sleep(ctx, e.retry) != nil {
				return nil
			}
			continue
		}
		log.Info("leader: leadership taken")
		err = e.lead(ctx, conn, key, fn)
		switch {
		case errors.Is(err, ErrLost):
			log.Warn("leader: leadership lost", "err", err)
		case err != nil && ctx.Err() == nil:
			log.Error("leader: work stopped with an error; leadership given up", "err", err)
		default:
			log.Info("leader: leadership given up")
		}
		if ctx.Err() == nil && sleep(ctx, e.retry) != nil {
			return nil
		}
	}
	return nil
}

// acquire takes a connection and tries the lock on it; the connection is
// kept only when the lock was taken.
func (e *Elector) acquire(ctx context.Context, key int64) (*sql.Conn, bool, error) {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("leader: connection: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		discard(conn)
		return nil, false, fmt.Errorf("leader: try lock: %w", err)
	}
	if !got {
		conn.Close()
		return nil, false, nil
	}
	return conn, true, nil
}

// lead holds the lock on conn while fn runs, checking the connection
// every heartbeat; it releases the lock when fn is done.
func (e *Elector) lead(ctx context.Context, conn *sql.Conn, key int64, fn func(context.Context) error) error {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lost := make(chan error, 1)
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		t := time.NewTicker(e.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
			}
			if err := e.check(wctx, conn, key); err != nil {
				if wctx.Err() != nil {
					return
				}
				lost <- err
				cancel(err)
				return
			}
		}
	}()
	var err error
	if sleep(wctx, e.settle) == nil {
		err = fn(wctx)
	}
	cancel(nil)
	<-watchDone
	select {
	case lerr := <-lost:
		discard(conn)
		return fmt.Errorf("%w: %w", ErrLost, lerr)
	default:
	}
	e.release(conn, key)
	return err
}

// check fails when the session is gone or no longer holds the lock.
func (e *Elector) check(ctx context.Context, conn *sql.Conn, key int64) error {
	cctx, cancel := context.WithTimeout(ctx, e.heartbeat+2*time.Second)
	defer cancel()
	var held bool
	err := conn.QueryRowContext(cctx, `SELECT EXISTS (SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1)`, key).Scan(&held)
	if err != nil {
		return err
	}
	if !held {
		return errors.New("the lock is no longer held by this session")
	}
	return nil
}

// release unlocks and returns the connection; a connection that may still
// hold the lock is closed instead of going back to the pool.
func (e *Elector) release(conn *sql.Conn, key int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, key).Scan(&ok); err != nil || !ok {
		discard(conn)
		return
	}
	conn.Close()
}

// discard closes the connection for good: database/sql drops a
// connection whose Raw callback returns driver.ErrBadConn.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
