// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

// groupDB is a database with a table each job writes its name and its
// transaction's id into, so a test sees which jobs committed together.
func groupDB(t *testing.T) *sqlx.DB {
	t.Helper()
	pool := testdb.New(t)
	if _, err := pool.Exec(`CREATE TABLE group_jobs (name text PRIMARY KEY, xid bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return pool
}

// write is a job's work: one row with its name in its transaction.
func write(name string) func(tx *sqlx.Tx) error {
	return func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO group_jobs (name, xid) VALUES ($1, txid_current())`, name)
		return err
	}
}

// doPlain runs fn as a job that opens and finishes no turn.
func doPlain(g *grouper, ctx context.Context, fn func(*sqlx.Tx) error) error {
	return g.do(ctx, nil, func(tx *sqlx.Tx, _ opened) (*finishArg, error) { return nil, fn(tx) })
}

// testStore is the bots store, for a grouper.
func testStore(t *testing.T) *Store {
	t.Helper()
	s, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// xids returns each committed job's transaction id.
func xids(t *testing.T, pool *sqlx.DB) map[string]int64 {
	t.Helper()
	var rows []struct {
		Name string `db:"name"`
		Xid  int64  `db:"xid"`
	}
	if err := pool.Select(&rows, `SELECT name, xid FROM group_jobs`); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Name] = r.Xid
	}
	return out
}

// runGroup submits the jobs at once to a grouper of one committer that
// waits (without a time limit that matters) until it has len(jobs) of
// them: they form one group, whatever the machine's speed.
func runGroup(t *testing.T, pool *sqlx.DB, ctxs []context.Context, jobs []func(*sqlx.Tx) error) []error {
	t.Helper()
	g := newGrouper(pool, testStore(t), groupOptions{max: len(jobs), wait: time.Hour, committers: 1})
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, fn := range jobs {
		ctx := context.Background()
		if ctxs != nil {
			ctx = ctxs[i]
		}
		wg.Go(func() { errs[i] = doPlain(g, ctx, fn) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	testwait.Closed(t, "every job answered", done)
	return errs
}

// TestGroupCommitsTogether: jobs that come together commit in one
// transaction, and each is answered only after it.
func TestGroupCommitsTogether(t *testing.T) {
	pool := groupDB(t)
	var jobs []func(*sqlx.Tx) error
	for i := range 5 {
		jobs = append(jobs, write(fmt.Sprint("m", i)))
	}
	for i, err := range runGroup(t, pool, nil, jobs) {
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
	}
	got := xids(t, pool)
	if len(got) != 5 {
		t.Fatalf("%d jobs committed, want 5: %v", len(got), got)
	}
	for name, x := range got {
		if x != got["m0"] {
			t.Fatalf("%s committed in transaction %d, m0 in %d: not one group", name, x, got["m0"])
		}
	}
}

// TestGroupJobFailsAlone: a job whose work fails leaves the group; the
// others commit together, and it is handled alone: a failure of its own
// comes back to it, one that came of the company goes away.
func TestGroupJobFailsAlone(t *testing.T) {
	pool := groupDB(t)
	if _, err := pool.Exec(`INSERT INTO group_jobs VALUES ('taken', 0)`); err != nil {
		t.Fatal(err)
	}
	var flakyCalls, needCalls atomic.Int32
	jobs := []func(*sqlx.Tx) error{
		write("a"),
		write("taken"), // a duplicate key, alone or not
		func(tx *sqlx.Tx) error { // fails in company only (as a deadlock with another group would)
			if flakyCalls.Add(1) == 1 {
				return errors.New("deadlock detected")
			}
			return write("flaky")(tx)
		},
		func(*sqlx.Tx) error { needCalls.Add(1); return errNeedModel },
		write("b"),
	}
	errs := runGroup(t, pool, nil, jobs)
	if errs[0] != nil || errs[4] != nil {
		t.Fatalf("the innocent jobs failed: %v, %v", errs[0], errs[4])
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "duplicate key") {
		t.Fatalf("the duplicate's error: %v", errs[1])
	}
	if errs[2] != nil {
		t.Fatalf("the job that failed in company only, handled alone: %v", errs[2])
	}
	if !errors.Is(errs[3], errNeedModel) || needCalls.Load() != 1 {
		t.Fatalf("the job needing the model: %v after %d calls, want errNeedModel after one (the engine asks the model, then tries again)", errs[3], needCalls.Load())
	}
	got := xids(t, pool)
	if got["a"] == 0 || got["a"] != got["b"] {
		t.Fatalf("a and b did not commit together: %v", got)
	}
	if got["flaky"] == 0 || got["flaky"] == got["a"] {
		t.Fatalf("the job handled alone: %v", got)
	}
}

// TestGroupCancelledJob: a job whose context has ended gets its error and
// commits nothing, whether do or the committer sees it first.
func TestGroupCancelledJob(t *testing.T) {
	pool := groupDB(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	g := newGrouper(pool, testStore(t), groupOptions{max: 4, committers: 1})
	if err := doPlain(g, cancelled, write("z")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled job: %v", err)
	}
	if got := xids(t, pool); got["z"] != 0 {
		t.Fatalf("the cancelled job committed: %v", got)
	}
}

// TestGroupRefusedCommit: when PostgreSQL refuses the group's commit (a
// deferred constraint two jobs break together), no job is to blame: each
// is handled alone, and only the one that breaks it alone fails.
func TestGroupRefusedCommit(t *testing.T) {
	pool := groupDB(t)
	if _, err := pool.Exec(`CREATE TABLE group_keys (k text, CONSTRAINT group_keys_k UNIQUE (k) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	key := func(name string) func(*sqlx.Tx) error {
		return func(tx *sqlx.Tx) error {
			if _, err := tx.Exec(`INSERT INTO group_keys VALUES ('same')`); err != nil {
				return err
			}
			return write(name)(tx)
		}
	}
	errs := runGroup(t, pool, nil, []func(*sqlx.Tx) error{key("k1"), key("k2"), write("k3")})
	failed := 0
	for _, err := range errs[:2] {
		if err != nil {
			if !strings.Contains(err.Error(), "group_keys_k") {
				t.Fatalf("unexpected error: %v", err)
			}
			failed++
		}
	}
	if failed != 1 || errs[2] != nil {
		t.Fatalf("errors %v: want exactly one of the first two to fail, the third to pass", errs)
	}
	if got := xids(t, pool); len(got) != 2 || got["k3"] == 0 {
		t.Fatalf("committed %v: want k3 and one of k1, k2", got)
	}
}

// TestGroupOff: with max 1 every job is its own transaction.
func TestGroupOff(t *testing.T) {
	pool := groupDB(t)
	g := newGrouper(pool, testStore(t), groupOptions{max: 1})
	for _, name := range []string{"p", "q"} {
		if err := doPlain(g, context.Background(), write(name)); err != nil {
			t.Fatal(err)
		}
	}
	if got := xids(t, pool); got["p"] == got["q"] || g.meanSize() != 0 {
		t.Fatalf("transactions %v, mean group %.1f: want two transactions and no group", got, g.meanSize())
	}
}

// TestGroupCommittersEnd: committers run while jobs wait and end when
// none does; at most the configured number run at once.
func TestGroupCommittersEnd(t *testing.T) {
	pool := groupDB(t)
	g := newGrouper(pool, testStore(t), groupOptions{max: 4, committers: 2})
	var running, most atomic.Int32
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Go(func() {
			err := doPlain(g, context.Background(), func(tx *sqlx.Tx) error {
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				return write(fmt.Sprint("j", i))(tx)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	testwait.For(t, "every committer to end", func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.active == 0 && len(g.queue) == 0
	})
	if got := xids(t, pool); len(got) != 24 {
		t.Fatalf("%d jobs committed, want 24", len(got))
	}
	if most.Load() > 2 {
		t.Fatalf("%d jobs worked at once, want at most 2 (one per committer)", most.Load())
	}
	groups, msgs := g.groups.Load(), g.grouped.Load()
	if msgs != 24 || groups < 6 || groups > 24 {
		t.Fatalf("%d groups of %d messages: want 24 messages in 6 to 24 groups of at most 4", groups, msgs)
	}
}

// TestEngineGroupsMessages: messages of four conversations and a
// redelivery of a fifth, handled at once, are one group: one
// transaction records them all (one xmin), each gets its own replies with
// the ids of its own rows, and the redelivery is answered as one.
func TestEngineGroupsMessages(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	const n = 5
	for i := range n {
		if _, err := h.engine.Handle(ctx, Inbound{Channel: "memory", ExternalID: fmt.Sprintf("first-%d", i),
			ConversationKey: fmt.Sprintf("k%d", i), User: User{ID: fmt.Sprintf("u%d", i)}, Text: "buongiorno"}); err != nil {
			t.Fatal(err)
		}
	}
	// One committer that waits (without a limit that matters) for n
	// messages: they form one group, whatever the machine's speed.
	h.engine.group = newGrouper(h.db, h.engine.store, groupOptions{max: n, wait: time.Hour, committers: 1})
	results := make([]Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		in := Inbound{Channel: "memory", ExternalID: fmt.Sprintf("next-%d", i), ConversationKey: fmt.Sprintf("k%d", i),
			User: User{ID: fmt.Sprintf("u%d", i)}, Text: "la stampante non stampa"}
		if i == n-1 {
			in.ExternalID, in.Text = "first-4", "buongiorno" // a redelivery
		}
		wg.Go(func() { results[i], errs[i] = h.engine.Handle(ctx, in) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	testwait.Closed(t, "every message answered", done)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if !results[n-1].Duplicate || len(results[n-1].Replies) != 0 {
		t.Errorf("redelivery: %+v, want a duplicate without replies", results[n-1])
	}
	for i, res := range results[:n-1] {
		if res.Duplicate || len(res.Replies) == 0 {
			t.Fatalf("message %d: %+v, want new and answered", i, res)
		}
		for _, r := range res.Replies {
			var row struct {
				Key  string `db:"conversation_key"`
				Body string `db:"body"`
			}
			if err := h.db.GetContext(ctx, &row, `SELECT c.conversation_key, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1`, r.MessageID); err != nil {
				t.Fatalf("message %d: reply id %d: %v", i, r.MessageID, err)
			}
			if row.Key != fmt.Sprintf("k%d", i) || row.Body != r.Reply.Text {
				t.Errorf("message %d: reply id %d is %+v, want conversation k%d and %q", i, r.MessageID, row, i, r.Reply.Text)
			}
		}
	}
	// The inbound messages and their conversations' new state (the
	// replies' rows were updated since, by their delivery marks).
	var xids int
	if err := h.db.GetContext(ctx, &xids, `SELECT count(DISTINCT x) FROM (
		SELECT xmin::text AS x FROM messages WHERE external_id LIKE 'next-%'
		UNION ALL SELECT xmin::text FROM conversations WHERE conversation_key IN ('k0', 'k1', 'k2', 'k3')) t`); err != nil {
		t.Fatal(err)
	}
	if xids != 1 {
		t.Errorf("the group's messages and conversations were written by %d transactions, want 1", xids)
	}
	if groups, msgs := h.engine.GroupStats(); groups != 1 || msgs != n {
		t.Errorf("GroupStats: %d groups of %d messages, want 1 of %d", groups, msgs, n)
	}
}

// With grouping, a message waiting for its group holds no connection, so
// the engine admits as many messages as its committers' groups hold at
// once (never fewer than half the pool): a cap of half the pool kept the
// groups small. Without grouping, half the pool, as before; a cap set
// by hand is kept.
func TestAdmissionFillsTheGroups(t *testing.T) {
	h := newHarness(t)
	h.db.SetMaxOpenConns(10)
	for _, c := range []struct {
		name                    string
		max, committers, capSet int
		want                    int
	}{
		{"grouping: committers × group", 16, 2, 0, 32},
		{"grouping, small groups: half the pool", 2, 2, 0, 5},
		{"no grouping: half the pool", 1, 2, 0, 5},
		{"set by hand", 16, 2, 7, 7},
	} {
		e, err := New(Options{DB: h.db, Tickets: h.tickets, Knowledge: h.kb, Severity: h.engine.opt.Severity,
			Calendar: h.engine.opt.Calendar, Logger: h.engine.log, Now: h.engine.opt.Now,
			GroupMax: c.max, GroupCommitters: c.committers, MaxConcurrent: c.capSet})
		if err != nil {
			t.Fatal(err)
		}
		if got := cap(e.slots); got != c.want {
			t.Errorf("%s: admits %d messages at once, want %d", c.name, got, c.want)
		}
	}
}
