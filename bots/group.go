// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
)

// Group commit (issue 21). One transaction per message made the commit —
// PostgreSQL waiting for its write-ahead log to reach the disk — the
// engine's floor. Messages of different conversations that arrive
// together are therefore handled in one transaction: one open-turns
// statement records them all and locks their conversations, each
// message's work runs as before, one after the other on the group's
// connection, one finish-turns statement saves them all, and one commit
// makes them all durable. Nobody is told before that commit: the
// platform is acknowledged and replies are sent only when Handle returns,
// which is after it, so "nothing accepted is lost" holds unchanged.
//
// Messages of one conversation never meet in a group: Handle holds the
// conversation's lock while its message waits here, so the next message
// of that conversation waits for the group to commit and keeps its order.
//
// A message whose work fails (a constraint, a bad row, its context
// cancelled, the language model needed) aborts the transaction of the
// whole group in PostgreSQL; the group is then run again without it, and
// it gets its error to handle alone, as it would have without grouping.

// The defaults of Options.GroupMax and Options.GroupCommitters.
const (
	DefaultGroupMax = 16
	// Two committers on the two cores measured: more groups at once
	// made them smaller and cost PostgreSQL more per message (bench,
	// 12,000 messages, 32 users: 4 committers 1,734 msgs/s, groups of
	// 4.3, 8.4 s of PostgreSQL CPU; 2 committers 2,136, 8.2, 6.1 s).
	// One committer would leave every message behind a slow group.
	DefaultGroupCommitters = 2
)

// groupOptions are the grouping settings (Options.Group*).
type groupOptions struct {
	// max is the most messages in one transaction; 1 turns grouping off.
	max int
	// wait is how long a message that found no company waits for some
	// before its transaction starts; 0: it starts at once, and messages
	// group only when they arrive while the committers are all busy.
	wait time.Duration
	// committers run groups at the same time, each on its own connection.
	committers int
}

// groupJob is one message's work, waiting to run in a group. It runs in
// three steps, the first and last set-based over the whole group: the
// open-turns statement records the message (open; nil: the job opens no
// turn), work decides (and may run statements of its own), and the
// finish-turns statement saves what work returned (nil: nothing).
type groupJob struct {
	ctx  context.Context
	open *openArg
	work func(tx *sqlx.Tx, o opened) (*finishArg, error)
	done chan error
}

// grouper runs jobs in groups on pool. A committer is a goroutine started
// when a job arrives and fewer than opt.committers run; it takes the jobs
// waiting (up to max), runs them as one group, and goes on while jobs
// wait, ending when none does: nothing runs while nothing is asked.
type grouper struct {
	pool  *sqlx.DB
	store *Store
	opt   groupOptions

	mu      sync.Mutex
	queue   []*groupJob
	active  int           // committers running
	arrived chan struct{} // a job was queued (for a committer waiting for company)

	groups, grouped atomic.Int64 // groups committed, and their messages
}

func newGrouper(pool *sqlx.DB, store *Store, opt groupOptions) *grouper {
	opt.max = max(opt.max, 1)
	opt.committers = max(opt.committers, 1)
	return &grouper{pool: pool, store: store, opt: opt, arrived: make(chan struct{}, 1)}
}

// do runs the job (open, work) in a transaction, grouped with others
// when they come together, and returns once that transaction has
// committed (nil) or failed for it (work's error, or the commit's).
func (g *grouper) do(ctx context.Context, open *openArg, work func(tx *sqlx.Tx, o opened) (*finishArg, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j := &groupJob{ctx: ctx, open: open, work: work, done: make(chan error, 1)}
	if g.opt.max <= 1 {
		return g.alone(j)
	}
	g.mu.Lock()
	g.queue = append(g.queue, j)
	if g.active < g.opt.committers {
		g.active++
		go g.commit()
	}
	g.mu.Unlock()
	select {
	case g.arrived <- struct{}{}:
	default: // a signal is pending already
	}
	// A queued job is always answered: a context cancelled meanwhile
	// makes its own statements fail, which its committer reports here.
	return <-j.done
}

// alone runs j in a transaction of its own, bound to its context.
func (g *grouper) alone(j *groupJob) error {
	return db.Tx(j.ctx, g.pool, func(tx *sqlx.Tx) error {
		_, err := g.steps(j.ctx, tx, []*groupJob{j})
		return cause(err)
	})
}

// steps runs the jobs of batch in tx: one open-turns statement for all,
// each job's work, one finish-turns statement for all. A job's failure is
// errJobFailed wrapping it, with the job's index; a failure of a
// statement of the whole group is errGroupStatement wrapping it.
func (g *grouper) steps(ctx context.Context, tx *sqlx.Tx, batch []*groupJob) (failed int, err error) {
	var args []openArg
	for _, j := range batch {
		if j.open != nil {
			args = append(args, *j.open)
		}
	}
	var opens []opened
	if len(args) > 0 {
		if opens, err = g.store.openTurns(ctx, tx, args); err != nil {
			return -1, &stepError{errGroupStatement, err}
		}
	}
	fins := make([]*finishArg, 0, len(batch))
	k := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			return i, &stepError{errJobFailed, err}
		}
		var o opened
		if j.open != nil {
			o = opens[k]
			k++
		}
		fin, err := j.work(tx, o)
		if err != nil {
			return i, &stepError{errJobFailed, err}
		}
		if fin != nil {
			fins = append(fins, fin)
		}
	}
	if err := g.store.finishTurns(ctx, tx, fins); err != nil {
		return -1, &stepError{errGroupStatement, err}
	}
	return -1, nil
}

// stepError is a failure of steps: kind (errJobFailed or
// errGroupStatement) wrapping the error itself, which Unwrap returns.
type stepError struct{ kind, err error }

func (e *stepError) Error() string        { return e.err.Error() }
func (e *stepError) Unwrap() error        { return e.err }
func (e *stepError) Is(target error) bool { return target == e.kind }

// cause is the error a step failed with, without its kind.
func cause(err error) error {
	var se *stepError
	if errors.As(err, &se) {
		return se.err
	}
	return err
}

// commit is one committer: while jobs wait, it takes up to max of them
// (waiting at most wait for company when it found fewer) and runs them as
// one group.
func (g *grouper) commit() {
	for {
		batch := g.take(nil)
		if batch == nil {
			return
		}
		if g.opt.wait > 0 && len(batch) < g.opt.max {
			batch = g.gather(batch)
		}
		g.run(batch)
	}
}

// take moves up to max-len(batch) queued jobs into batch. With none to
// take and an empty batch, the committer ends (nil).
func (g *grouper) take(batch []*groupJob) []*groupJob {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := min(len(g.queue), g.opt.max-len(batch))
	batch = append(batch, g.queue[:n]...)
	g.queue = g.queue[n:]
	if len(batch) == 0 {
		g.active--
		return nil
	}
	return batch
}

// gather waits up to wait for more jobs to join batch, up to max.
func (g *grouper) gather(batch []*groupJob) []*groupJob {
	t := time.NewTimer(g.opt.wait)
	defer t.Stop()
	for len(batch) < g.opt.max {
		select {
		case <-g.arrived:
			batch = g.take(batch)
		case <-t.C:
			return g.take(batch)
		}
	}
	return batch
}

// run runs batch in one transaction. The job whose work fails leaves the
// group and is handled alone; the others run again without it.
func (g *grouper) run(batch []*groupJob) {
	for len(batch) > 0 {
		failed := -1
		// The group's transaction is not bound to any one job's context:
		// a job cancelled meanwhile fails its own statements and leaves.
		ctx := context.WithoutCancel(batch[0].ctx)
		err := db.Tx(ctx, g.pool, func(tx *sqlx.Tx) error {
			var err error
			failed, err = g.steps(ctx, tx, batch)
			return err
		})
		switch {
		case failed >= 0:
			j := batch[failed]
			failure := cause(err)
			batch = append(batch[:failed:failed], batch[failed+1:]...)
			if len(batch) == 0 || j.ctx.Err() != nil || errors.Is(failure, errNeedModel) {
				// It was alone already, or has nothing to try again.
				j.done <- failure
				continue
			}
			// Handled alone, as without grouping: an error that came of
			// the company (a deadlock with another group holding a row
			// it needs) goes away; its own comes back.
			j.done <- g.alone(j)
			continue
		case err != nil && len(batch) > 1 && (errors.Is(err, errGroupStatement) || refused(err)):
			// A statement of the whole group failed, or PostgreSQL
			// refused the commit (a deferred constraint): the group was
			// rolled back and no one job is to blame. Each is handled
			// alone.
			for _, j := range batch {
				j.done <- g.alone(j)
			}
		case err != nil:
			// Begin or commit failed on the way (the connection, the
			// server): whether the group was saved is not known. Each job
			// gets the error, as it would have alone: the platform
			// delivers the message again, and a message that was saved
			// after all is then found recorded.
			err = cause(err)
			for _, j := range batch {
				j.done <- err
			}
		default:
			g.groups.Add(1)
			g.grouped.Add(int64(len(batch)))
			for _, j := range batch {
				j.done <- nil
			}
		}
		return
	}
}

// refused reports whether err is PostgreSQL's answer (so the transaction
// is known to be rolled back), not a failure on the way to it.
func refused(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && !db.IsUnavailable(err)
}

// errJobFailed rolls the group back when one job's work failed;
// errGroupStatement when a statement of the whole group did.
var (
	errJobFailed      = errors.New("bots: a message of the group failed")
	errGroupStatement = errors.New("bots: a statement of the group failed")
)

// GroupStats returns how many groups the engine has committed and how
// many messages they held (their ratio is the mean group size).
func (e *Engine) GroupStats() (groups, messages int64) {
	return e.group.groups.Load(), e.group.grouped.Load()
}

// meanSize is the mean number of messages of the groups committed so far
// (0 before the first).
func (g *grouper) meanSize() float64 {
	n := g.groups.Load()
	if n == 0 {
		return 0
	}
	return float64(g.grouped.Load()) / float64(n)
}
