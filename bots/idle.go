package bots

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// CloseIdleArgs is the periodic job that closes abandoned bot
// conversations.
type CloseIdleArgs struct{}

// Kind names the job.
func (CloseIdleArgs) Kind() string { return "close_idle_conversations" }

// CloseIdleWorker closes bot conversations idle for longer than After.
type CloseIdleWorker struct {
	river.WorkerDefaults[CloseIdleArgs]
	Engine *Engine
	After  time.Duration
}

// Work closes the idle conversations.
func (w *CloseIdleWorker) Work(ctx context.Context, job *river.Job[CloseIdleArgs]) error {
	now := w.Engine.opt.Now()
	n, err := w.Engine.store.CloseIdle(ctx, w.Engine.opt.DB, now.Add(-w.After), now)
	if err == nil && n > 0 {
		w.Engine.log.Info("closed idle conversations", "count", n)
	}
	return err
}
