// SPDX-License-Identifier: EUPL-1.2

package leader

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

// witness records which instance runs the guarded work and whether two
// ever ran it at once.
type witness struct {
	mu      sync.Mutex
	active  map[string]bool
	overlap int
	starts  []string
}

func (w *witness) work(id string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		w.mu.Lock()
		if len(w.active) > 0 {
			w.overlap++
		}
		w.active[id] = true
		w.starts = append(w.starts, id)
		w.mu.Unlock()
		<-ctx.Done()
		w.mu.Lock()
		delete(w.active, id)
		w.mu.Unlock()
		return nil
	}
}

func (w *witness) leader() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.active {
		return id
	}
	return ""
}

// waitLeader waits for a leader other than not and says how long it took.
func (w *witness) waitLeader(t *testing.T, not string) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	var id string
	testwait.For(t, fmt.Sprintf("a new leader (other than %q)", not), func() bool {
		id = w.leader()
		return id != "" && id != not
	})
	return id, time.Since(start)
}

func fast() Options {
	return Options{Logger: slog.New(slog.DiscardHandler), Retry: 200 * time.Millisecond, Heartbeat: 200 * time.Millisecond}
}

func TestFailoverWhenTheHolderConnectionDies(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	admin := openPool(t, url)
	w := &witness{active: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for _, id := range []string{"a", "b"} {
		e, err := New(openPool(t, url).DB, fast())
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); e.Run(ctx, "telegram:42", w.work(id)) }()
	}
	first, _ := w.waitLeader(t, "")
	// Kill the holder's session, as a crash or a network cut would.
	var killed int
	if err := admin.GetContext(ctx, &killed, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ((classid::bigint << 32) | objid::bigint) = $1`, Key("telegram:42")); err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("terminated %d sessions holding the lock, want 1", killed)
	}
	second, took := w.waitLeader(t, first)
	t.Logf("leader %s killed; %s took over after %s", first, second, took.Round(time.Millisecond))
	// And back: the first instance competes again and leads once the
	// second stops cleanly.
	cancel()
	wg.Wait()
	if w.overlap != 0 {
		t.Fatalf("two leaders at once %d time(s); starts %v", w.overlap, w.starts)
	}
}

func TestCleanStopHandsOver(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	w := &witness{active: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctxA, stopA := context.WithCancel(ctx)
	ea, err := New(openPool(t, url).DB, fast())
	if err != nil {
		t.Fatal(err)
	}
	eb, err := New(openPool(t, url).DB, fast())
	if err != nil {
		t.Fatal(err)
	}
	var refused atomic.Int32 // b's tries that found the lock taken
	eb.attempted = func(_ string, got bool) {
		if !got {
			refused.Add(1)
		}
	}
	doneA := make(chan struct{})
	go func() { defer close(doneA); ea.Run(ctxA, "mail:inbox", w.work("a")) }()
	if id, _ := w.waitLeader(t, ""); id != "a" {
		t.Fatalf("leader %q, want a", id)
	}
	doneB := make(chan struct{})
	go func() { defer close(doneB); eb.Run(ctx, "mail:inbox", w.work("b")) }()
	testwait.For(t, "b to try the lock three times", func() bool { return refused.Load() >= 3 })
	if id := w.leader(); id != "a" {
		t.Fatalf("leader changed to %q while a still leads", id)
	}
	stopA()
	<-doneA
	// A clean stop unlocks at once: b leads after its next try and the
	// settle pause, with no wait for a dead session to be noticed.
	_, took := w.waitLeader(t, "a")
	t.Logf("hand-over took %s", took.Round(time.Millisecond))
	cancel()
	<-doneB
	if w.overlap != 0 {
		t.Fatalf("two leaders at once %d time(s)", w.overlap)
	}
}

func TestNamesAreIndependent(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	e, _ := New(pool.DB, fast())
	ctx, cancel := context.WithCancel(testwait.Context(t))
	defer cancel()
	var running atomic.Int32
	both := make(chan struct{})
	var once sync.Once
	fn := func(ctx context.Context) error {
		if running.Add(1) == 2 {
			once.Do(func() { close(both) })
		}
		<-ctx.Done()
		return nil
	}
	go e.Run(ctx, "telegram:1", fn)
	go e.Run(ctx, "telegram:2", fn)
	select {
	case <-both:
	case <-ctx.Done():
		t.Fatal("two different names did not both lead")
	}
}

func TestWorkErrorGivesUpAndRetries(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	e, _ := New(pool.DB, fast())
	ctx, cancel := context.WithCancel(testwait.Context(t))
	defer cancel()
	var runs atomic.Int32
	e.Run(ctx, "x", func(ctx context.Context) error {
		if runs.Add(1) == 3 {
			cancel()
		}
		return context.DeadlineExceeded
	})
	if runs.Load() < 3 {
		t.Fatalf("fn ran %d times, want it retried", runs.Load())
	}
	var held int
	if err := pool.Get(&held, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND ((classid::bigint << 32) | objid::bigint) = $1`, Key("x")); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d advisory locks still held after Run returned", held)
	}
}

func TestKeyIsStable(t *testing.T) {
	if a, b := Key("telegram:42"), Key("telegram:42"); a != b || a == Key("telegram:43") {
		t.Fatal("Key must be a function of the name")
	}
}
