// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"embed"
	"errors"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/riverqueue/river"

	"helpdesk/internal/db"
)

// The engine sends replies right after commit and queues a retry job only
// when a send fails. A process killed between the commit and the send
// leaves replies recorded but never sent and no job to send them: the
// sweep finds them and queues their SendArgs jobs (unique per reply, so a
// reply already queued is not queued twice, and Resend skips one already
// sent).

//go:embed sweep.sql
var sweepFS embed.FS

type sweepQueries struct {
	Unsent        string `query:"unsent-replies"`
	EarlierUnsent string `query:"earlier-unsent-of-message"`
}

// loadSweepQueries parses sweep.sql once.
var loadSweepQueries = sync.OnceValues(func() (sweepQueries, error) {
	var q sweepQueries
	err := db.ScanQueries(&q, sweepFS, "sweep.sql")
	return q, err
})

// Sweep defaults.
const (
	// DefaultSweepAfter must exceed the longest send in progress (a
	// Telegram send may wait out a 429 of up to 30 s), or a reply being
	// sent by another instance could be sent twice.
	DefaultSweepAfter = 2 * time.Minute
	sweepHorizon      = 24 * time.Hour
	sweepMaxAttempts  = 40
	sweepBatch        = 1000
)

// ErrNoRetryQueue means the sweep has nowhere to queue the replies.
var ErrNoRetryQueue = errors.New("bots: no retry queue set")

// SweepUnsent queues a send job for every reply unsent for longer than
// after (and younger than a day) on the channels this engine can send
// on. It returns how many it queued.
func (e *Engine) SweepUnsent(ctx context.Context, after time.Duration) (int, error) {
	if e.opt.Retry == nil {
		return 0, ErrNoRetryQueue
	}
	q, err := loadSweepQueries()
	if err != nil {
		return 0, err
	}
	if after <= 0 {
		after = DefaultSweepAfter
	}
	e.mu.RLock()
	channels := make([]string, 0, len(e.senders))
	for c := range e.senders {
		channels = append(channels, c)
	}
	e.mu.RUnlock()
	if len(channels) == 0 {
		return 0, nil
	}
	now := e.opt.Now()
	var rows []struct {
		ID      int64  `db:"id"`
		Channel string `db:"channel"`
	}
	if err := e.opt.DB.SelectContext(ctx, &rows, q.Unsent, now.Add(-after), now.Add(-sweepHorizon),
		pq.Array(channels), sweepMaxAttempts, sweepBatch, after.Seconds()); err != nil {
		return 0, err
	}
	for i, r := range rows {
		if err := e.opt.Retry.EnqueueSend(ctx, r.ID, r.Channel); err != nil {
			return i, err
		}
	}
	if len(rows) > 0 {
		e.log.Warn("unsent replies found and queued for sending", "count", len(rows))
	}
	return len(rows), nil
}

// SweepArgs is the periodic sweep of unsent replies.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "sweep_unsent_replies" }

// SweepWorker runs SweepArgs.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Engine *Engine
	// After is how long a reply may stay unsent before it is queued
	// (0: DefaultSweepAfter).
	After time.Duration
}

// Work sweeps once.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.Engine.SweepUnsent(ctx, w.After)
	return err
}

// waitsBehindUnsent reports whether an earlier reply of out's conversation
// is still unsent. deliver then queues out instead of sending it, and the
// send job (Resend) delivers it after the earlier ones. On a query error
// it answers false: sending now risks order, not loss.
func (e *Engine) waitsBehindUnsent(ctx context.Context, out Outbound) bool {
	if e.opt.Retry == nil {
		return false
	}
	q, err := loadSweepQueries()
	if err != nil {
		return false
	}
	var n int
	if err := e.opt.DB.GetContext(ctx, &n, q.EarlierUnsent, out.MessageID); err != nil {
		e.log.Warn("check earlier unsent replies", "message_id", out.MessageID, "err", err)
		return false
	}
	return n > 0
}
