// SPDX-License-Identifier: EUPL-1.2

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

// AutoAssignArgs is the periodic job that gives queued conversations to
// online agents in round robin.
type AutoAssignArgs struct{}

// Kind names the job.
func (AutoAssignArgs) Kind() string { return "auto_assign_conversations" }

// AutoAssignWorker assigns queued conversations of both levels until no
// agent has room.
type AutoAssignWorker struct {
	river.WorkerDefaults[AutoAssignArgs]
	Engine *Engine
}

// Work assigns what it can.
func (w *AutoAssignWorker) Work(ctx context.Context, job *river.Job[AutoAssignArgs]) error {
	for _, level := range []int{1, 2} {
		for i := 0; i < 100; i++ {
			id, err := w.Engine.AutoAssign(ctx, level)
			if err != nil {
				return err
			}
			if id == 0 {
				break
			}
		}
	}
	return nil
}
