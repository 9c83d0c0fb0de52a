// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// maxRetryWait caps the wait between two attempts while the database is
// unavailable.
const maxRetryWait = 30 * time.Second

// handleTimeout bounds one run of the engine, sends included (each may
// wait out rate limits).
const handleTimeout = 2 * time.Minute

// job is one inbound event waiting for the engine.
type job struct {
	in    bots.Inbound
	wait  *waiter // set while an Events API request waits for the outcome
	press *press  // the button press this job is, to mark its prompt
}

// waiter lets an Events API request learn, within Slack's 3 seconds,
// whether the database was unavailable, so it can answer 503 and let
// Slack redeliver. Once the request has stopped waiting, the lane keeps
// the event and retries it itself.
type waiter struct {
	done  chan error
	state atomic.Int32 // 0 waiting, 1 answered, 2 abandoned
}

func newWaiter() *waiter { return &waiter{done: make(chan error, 1)} }

// give hands the outcome to the waiting request; false when it no longer
// waits.
func (w *waiter) give(err error) bool {
	if w == nil || !w.state.CompareAndSwap(0, 1) {
		return false
	}
	w.done <- err
	return true
}

// await returns the outcome, or nil when none came within d: the event is
// then the lane's to finish.
func (w *waiter) await(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-w.done:
		return err
	case <-t.C:
		if w.state.CompareAndSwap(0, 2) {
			return nil
		}
		return <-w.done
	}
}

// lanes run events one at a time per conversation, in arrival order, and
// different conversations in parallel: the engine would serialise a
// conversation anyway, but only lanes keep the order Slack sent.
type lanes struct {
	work func(ctx context.Context, j *job)

	mu     sync.Mutex
	ctx    context.Context
	queues map[string][]*job
	wg     sync.WaitGroup
}

func newLanes(work func(context.Context, *job)) *lanes {
	return &lanes{work: work, ctx: context.Background(), queues: map[string][]*job{}}
}

// start sets the context the lanes work under (Run's).
func (l *lanes) start(ctx context.Context) {
	l.mu.Lock()
	l.ctx = ctx
	l.mu.Unlock()
}

// wait blocks until every lane has finished.
func (l *lanes) wait() { l.wg.Wait() }

func (l *lanes) enqueue(key string, j *job) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, running := l.queues[key]
	l.queues[key] = append(q, j)
	if !running {
		l.wg.Add(1)
		go l.run(l.ctx, key)
	}
}

func (l *lanes) run(ctx context.Context, key string) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		q := l.queues[key]
		if len(q) == 0 || ctx.Err() != nil {
			delete(l.queues, key)
			l.mu.Unlock()
			for _, j := range q {
				j.wait.give(ctx.Err())
			}
			return
		}
		j := q[0]
		l.mu.Unlock()

		l.work(ctx, j)

		l.mu.Lock()
		l.queues[key] = l.queues[key][1:]
		l.mu.Unlock()
	}
}

// submit queues an event; with wait set the caller gets a waiter.
func (a *Adapter) submit(in bots.Inbound, wait bool) *waiter {
	j := &job{in: in}
	if wait {
		j.wait = newWaiter()
	}
	a.lanes.enqueue(in.ConversationKey, j)
	return j.wait
}

// process runs one event through the engine and deals with its errors:
// an unavailable database is retried (or handed back to a waiting
// Events API request), an invalid event is dropped, a text too long is
// answered with a request to split it.
func (a *Adapter) process(ctx context.Context, j *job) {
	in := j.in
	if !a.withProfile(ctx, &in) {
		j.wait.give(nil)
		a.log.Info("slack: event from a bot account ignored", "external_id", in.ExternalID)
		return
	}
	wait := a.retryBase
	for {
		if ctx.Err() != nil {
			a.log.Error("slack: event not handled before shutdown", "external_id", in.ExternalID)
			j.wait.give(ctx.Err())
			return
		}
		// An event the engine has started is finished even when shutdown
		// begins: cutting it short could lose the replies of a committed
		// turn. Waits between retries do stop at shutdown.
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
		res, err := a.h.Handle(hctx, in)
		cancel()
		switch {
		case err == nil:
			j.wait.give(nil)
			if res.Duplicate {
				a.log.Info("slack: redelivered event already handled", "external_id", in.ExternalID)
			}
			if j.press != nil && !res.Duplicate && !res.Stale {
				a.markChosen(ctx, *j.press)
			}
			return
		case errors.Is(err, db.ErrUnavailable):
			if j.wait.give(err) {
				a.log.Warn("slack: database unavailable; Slack will redeliver", "external_id", in.ExternalID, "err", err)
				return
			}
			a.log.Warn("slack: database unavailable; retrying the event", "external_id", in.ExternalID, "in", wait, "err", err)
			if a.sleep(ctx, wait) != nil {
				a.log.Error("slack: event not handled before shutdown", "external_id", in.ExternalID)
				return
			}
			wait = min(2*wait, maxRetryWait)
		case errors.Is(err, bots.ErrInvalidInbound):
			j.wait.give(nil)
			a.log.Warn("slack: event dropped", "external_id", in.ExternalID, "err", err)
			return
		case errors.Is(err, bots.ErrTooLong):
			j.wait.give(nil)
			a.notice(ctx, in.ConversationKey, in.User.Lang, "too.long")
			return
		default:
			j.wait.give(nil)
			a.log.Error("slack: engine failed on an event", "external_id", in.ExternalID, "err", err)
			a.notice(ctx, in.ConversationKey, in.User.Lang, "error.internal")
			return
		}
	}
}
