// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/internal/db"
)

// The feedback log (searches, answers shown, votes, confirmations) is
// analytics: no user waits for it. With write-behind on, each record gets
// its id at once from
// a block reserved from the table's own sequence, and the rows reach the
// database in batches, a few per second, in one transaction each, instead
// of one round trip and one commit per search on the message's hot path.
// A crash loses at most the last interval of log lines; nothing a user
// wrote or was told depends on them.

// WriteBehind configures the batched feedback log.
type WriteBehind struct {
	// DB receives the batches; a synchronous_commit=off pool is right
	// for it. nil: the store's pool.
	DB *sqlx.DB
	// Every is how often the batch is written (default 200ms); a batch
	// that reaches MaxBatch is written at once.
	Every    time.Duration
	MaxBatch int // default 500
	// MaxPending caps what is kept while the database is unreachable;
	// beyond it the oldest lines are dropped, with a warning. Default 50,000.
	MaxPending int
	Logger     *slog.Logger
	// Dropped, when set, counts log lines the database refused for
	// their content (a poison pill): they are dropped, the rest written.
	Dropped prometheus.Counter
}

type searchRow struct {
	id                   int64
	at                   time.Time
	query, lang, aud, ch string
	top                  string
	score, conf          float64
	confident            bool
	hits                 int
}

type answerRow struct {
	id, searchID int64
	entry        string
	revision     int
	channel      string
	at           time.Time
}

type voteRow struct {
	id      int64
	helpful bool
	at      time.Time
}

type feedLog struct {
	store *Store
	opt   WriteBehind

	mu       sync.Mutex
	searchID idBlock
	answerID idBlock
	searches []searchRow
	answers  []answerRow
	votes    []voteRow
	confirms []confirmRow
	kick     chan struct{}
	flushing sync.Mutex // one batch at a time, in order
	stop     chan struct{}
	done     chan struct{}
}

// idBlock is a run of ids reserved from a sequence.
type idBlock struct{ next, end int64 }

// StartWriteBehind turns the batched feedback log on until ctx ends or
// Close is called; Flush writes what is pending.
func (s *Store) StartWriteBehind(ctx context.Context, opt WriteBehind) {
	if opt.DB == nil {
		opt.DB = s.db
	}
	if opt.Every <= 0 {
		opt.Every = 200 * time.Millisecond
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 500
	}
	if opt.MaxPending <= 0 {
		opt.MaxPending = 50_000
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	f := &feedLog{store: s, opt: opt, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	s.feed.Store(f)
	go f.loop(ctx)
}

// Close writes what is pending and stops the write-behind log; later
// records are written directly again.
func (s *Store) Close(ctx context.Context) error {
	f := s.feed.Swap(nil)
	if f == nil {
		return nil
	}
	close(f.stop)
	<-f.done
	return f.flush(ctx)
}

// Flush writes the pending feedback log lines now (tests, shutdown).
func (s *Store) Flush(ctx context.Context) error {
	if f := s.feed.Load(); f != nil {
		return f.flush(ctx)
	}
	return nil
}

func (f *feedLog) loop(ctx context.Context) {
	defer close(f.done)
	t := time.NewTicker(f.opt.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.stop:
			return
		case <-t.C:
		case <-f.kick:
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		if err := f.flush(fctx); err != nil {
			f.opt.Logger.Warn("kb: feedback log batch not written; retrying", "err", err)
		}
		cancel()
	}
}

// reserve returns an id from b, refilling it from seq when empty. Called
// without f.mu held: a refill is a round trip.
func (f *feedLog) reserve(ctx context.Context, which *idBlock, query string) (int64, error) {
	f.mu.Lock()
	if which.next < which.end {
		id := which.next
		which.next++
		f.mu.Unlock()
		return id, nil
	}
	f.mu.Unlock()
	var ids []int64
	if err := f.store.db.SelectContext(ctx, &ids, query, 256); err != nil {
		return 0, fmt.Errorf("reserve log ids: %w", err)
	}
	// Sequence values in one call are ascending but need not be
	// contiguous (another instance takes some too): keep the first run.
	n := 1
	for n < len(ids) && ids[n] == ids[n-1]+1 {
		n++
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if which.next >= which.end { // nobody refilled meanwhile
		which.next, which.end = ids[0]+1, ids[0]+int64(n)
		return ids[0], nil
	}
	id := which.next
	which.next++
	return id, nil
}

func (f *feedLog) added(n int) {
	if n >= f.opt.MaxBatch {
		select {
		case f.kick <- struct{}{}:
		default:
		}
	}
}

func (f *feedLog) logSearch(ctx context.Context, r searchRow) (int64, error) {
	id, err := f.reserve(ctx, &f.searchID, f.store.q.NextSearchIDs)
	if err != nil {
		return 0, err
	}
	r.id = id
	f.mu.Lock()
	f.searches = appendCapped(f, f.searches, r)
	n := len(f.searches)
	f.mu.Unlock()
	f.added(n)
	return id, nil
}

func (f *feedLog) logAnswer(ctx context.Context, r answerRow) (int64, error) {
	id, err := f.reserve(ctx, &f.answerID, f.store.q.NextAnswerIDs)
	if err != nil {
		return 0, err
	}
	r.id = id
	f.mu.Lock()
	f.answers = appendCapped(f, f.answers, r)
	n := len(f.answers)
	f.mu.Unlock()
	f.added(n)
	return id, nil
}

func (f *feedLog) logVote(r voteRow) {
	f.mu.Lock()
	f.votes = appendCapped(f, f.votes, r)
	n := len(f.votes)
	f.mu.Unlock()
	f.added(n)
}

// appendCapped appends r, dropping the oldest line when the database has
// been away so long that MaxPending lines wait. Called with f.mu held.
func appendCapped[T any](f *feedLog, xs []T, r T) []T {
	if len(xs) >= f.opt.MaxPending {
		f.opt.Logger.Warn("kb: feedback log full while the database is unreachable; dropping the oldest line")
		xs = xs[1:]
	}
	return append(xs, r)
}

// flush writes the pending lines in one transaction. When the database is
// away the lines stay pending (in front of newer ones) for the next try;
// when it refuses a line, that line alone is dropped (isolate).
func (f *feedLog) flush(ctx context.Context) error {
	f.flushing.Lock()
	defer f.flushing.Unlock()
	f.mu.Lock()
	ss, as, vs, cs := f.searches, f.answers, f.votes, f.confirms
	f.searches, f.answers, f.votes, f.confirms = nil, nil, nil, nil
	f.mu.Unlock()
	if len(ss)+len(as)+len(vs)+len(cs) == 0 {
		return nil
	}
	var undecided []phrasingKey
	err := db.Tx(ctx, f.opt.DB, func(tx *sqlx.Tx) error {
		if err := f.write(ctx, tx, ss, as, vs); err != nil {
			return err
		}
		var err error
		undecided, err = f.writeConfirms(ctx, tx, cs)
		return err
	})
	if err != nil && rowRefused(err) {
		// One line the database refuses must not hold back the others
		// forever (a retried batch fails the same way): write them one by
		// one, each under its own savepoint, and drop the refused ones.
		err = db.Tx(ctx, f.opt.DB, func(tx *sqlx.Tx) error {
			var err error
			undecided, err = f.isolate(ctx, tx, ss, as, vs, cs)
			return err
		})
	}
	if err != nil {
		f.mu.Lock()
		f.searches = append(ss, f.searches...)
		f.answers = append(as, f.answers...)
		f.votes = append(vs, f.votes...)
		f.confirms = append(cs, f.confirms...)
		f.mu.Unlock()
		return err
	}
	// The confirmations are written: the phrasings they brought to the
	// threshold are learned now, each in a transaction of its own (as
	// Confirm does); one that fails is learned by a later confirmation.
	if err := f.store.learnRipe(ctx, undecided); err != nil {
		f.opt.Logger.Warn("kb: learning confirmed phrasings", "err", err)
	}
	return nil
}

// rowRefused tells a batch the server refused for a line's content
// (SQLSTATE classes 22 data exception, 23 integrity violation) from one
// that failed because the database is away, busy or the wait ran out.
func rowRefused(err error) bool {
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return false
	}
	c := pe.Code.Class()
	return c == "22" || c == "23"
}

// isolate writes each line under its own savepoint and drops (counting
// them) those the database refuses. Answers to a dropped search are kept
// without it (search_id is nullable); votes on a dropped answer go. It
// returns the undecided phrasings of the confirmations written.
func (f *feedLog) isolate(ctx context.Context, tx *sqlx.Tx, ss []searchRow, as []answerRow, vs []voteRow, cs []confirmRow) ([]phrasingKey, error) {
	one := func(write func() error) (bool, error) {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT feedlog_line`); err != nil {
			return false, err
		}
		if err := write(); err != nil {
			if !rowRefused(err) {
				return false, err
			}
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT feedlog_line`); err != nil {
				return false, err
			}
			f.opt.Logger.Warn("kb: feedback log line refused by the database; dropped", "err", err)
			if f.opt.Dropped != nil {
				f.opt.Dropped.Inc()
			}
			return false, nil
		}
		_, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT feedlog_line`)
		return true, err
	}
	lost := map[int64]bool{}
	for _, r := range ss {
		ok, err := one(func() error { return f.write(ctx, tx, []searchRow{r}, nil, nil) })
		if err != nil {
			return nil, err
		}
		if !ok {
			lost[r.id] = true
		}
	}
	for _, r := range as {
		if lost[r.searchID] {
			r.searchID = 0
		}
		if _, err := one(func() error { return f.write(ctx, tx, nil, []answerRow{r}, nil) }); err != nil {
			return nil, err
		}
	}
	for _, r := range vs {
		if _, err := one(func() error { return f.write(ctx, tx, nil, nil, []voteRow{r}) }); err != nil {
			return nil, err
		}
	}
	var undecided []phrasingKey
	for _, r := range cs {
		if _, err := one(func() error {
			u, err := f.writeConfirms(ctx, tx, []confirmRow{r})
			undecided = append(undecided, u...)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return undecided, nil
}

// write inserts the lines in tx: searches before the answers that refer
// to them, answers before votes on them.
func (f *feedLog) write(ctx context.Context, tx *sqlx.Tx, ss []searchRow, as []answerRow, vs []voteRow) error {
	if len(ss) > 0 {
		var (
			ids, hits                    []int64
			at                           []time.Time
			qs, langs, auds, chans, tops []string
			scores, confs                []float64
			confident                    []bool
		)
		for _, r := range ss {
			ids, at, qs, langs, auds, chans, tops = append(ids, r.id), append(at, r.at), append(qs, r.query), append(langs, r.lang), append(auds, r.aud), append(chans, r.ch), append(tops, r.top)
			scores, confs, confident, hits = append(scores, r.score), append(confs, r.conf), append(confident, r.confident), append(hits, int64(r.hits))
		}
		if _, err := tx.ExecContext(ctx, f.store.q.InsertSearches, pq.Array(ids), pq.Array(at), pq.Array(qs), pq.Array(langs),
			pq.Array(auds), pq.Array(chans), pq.Array(tops), pq.Array(scores), pq.Array(confs), pq.Array(confident), pq.Array(hits)); err != nil {
			return fmt.Errorf("write searches: %w", err)
		}
	}
	if len(as) > 0 {
		var (
			ids, sids, revs []int64
			entries, chans  []string
			at              []time.Time
		)
		for _, r := range as {
			ids, sids, revs = append(ids, r.id), append(sids, r.searchID), append(revs, int64(r.revision))
			entries, chans, at = append(entries, r.entry), append(chans, r.channel), append(at, r.at)
		}
		if _, err := tx.ExecContext(ctx, f.store.q.InsertAnswers, pq.Array(ids), nullZero(sids), pq.Array(entries),
			pq.Array(revs), pq.Array(chans), pq.Array(at)); err != nil {
			return fmt.Errorf("write answers: %w", err)
		}
	}
	if len(vs) > 0 {
		var (
			ids     []int64
			helpful []bool
			at      []time.Time
		)
		for _, r := range vs {
			ids, helpful, at = append(ids, r.id), append(helpful, r.helpful), append(at, r.at)
		}
		if _, err := tx.ExecContext(ctx, f.store.q.RateAnswers, pq.Array(ids), pq.Array(helpful), pq.Array(at)); err != nil {
			return fmt.Errorf("write votes: %w", err)
		}
	}
	return nil
}

// nullZero is an int8[] with NULL for every 0 (a search that was not
// logged).
func nullZero(xs []int64) any {
	out := make([]sql.NullInt64, len(xs))
	for i, x := range xs {
		out[i] = sql.NullInt64{Int64: x, Valid: x > 0}
	}
	return pq.GenericArray{A: out}
}
