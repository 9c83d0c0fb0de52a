// SPDX-License-Identifier: EUPL-1.2

// Package testwait is how tests wait for something the code under test
// does in the background: a row that appears, a message a fake received, a
// listener that answers. A test never sleeps a fixed time to let work
// happen; it waits for the signal, with one generous deadline per test.
//
// The deadline is Patience from the first wait, cut to a few seconds
// before the test binary's own -timeout (t.Deadline) so a stuck wait fails
// with its own message rather than a goroutine dump. Patience is long on
// purpose: on a busy two-core machine a step that takes milliseconds alone
// can take seconds, and a wait that ends early is a flake, while a wait
// that ends late costs nothing when the test passes.
package testwait

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Patience is how long a test may wait, in all, for the things it waits
// for. Tests that wait on one signal at a time rarely use a second of it.
const Patience = 2 * time.Minute

var (
	mu        sync.Mutex
	deadlines = map[testing.TB]time.Time{}
)

type deadliner interface{ Deadline() (time.Time, bool) }

// Deadline is the moment t's waits give up: Patience after its first
// wait, or shortly before the test binary's -timeout, whichever is first.
func Deadline(t testing.TB) time.Time {
	mu.Lock()
	defer mu.Unlock()
	if d, ok := deadlines[t]; ok {
		return d
	}
	d := time.Now().Add(Patience)
	if dt, ok := t.(deadliner); ok {
		if end, ok := dt.Deadline(); ok {
			if margin := end.Add(-5 * time.Second); margin.Before(d) {
				d = margin
			}
		}
	}
	// The entry is kept after t ends (a few bytes a test): cleanups that
	// wait, such as stopping an adapter, run after t's own and still need it.
	deadlines[t] = d
	return d
}

// Expired fires at t's deadline, for a select that waits on several
// things (a result, an early exit) at once.
func Expired(t testing.TB) <-chan time.Time {
	return time.After(time.Until(Deadline(t)))
}

// Context is a context that ends at t's deadline (and when t ends).
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), Deadline(t))
	t.Cleanup(cancel)
	return ctx
}

// For checks cond until it holds, failing t with what when the deadline
// passes first. cond is checked at once, then at short intervals that
// grow to 50 ms: the condition is what is waited on, not the interval.
// cond runs on the test's goroutine and may call t.Fatal.
func For(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := Deadline(t)
	pause := time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pause) // a poll interval, not a wait for readiness: cond decides
		pause = min(pause*2, 50*time.Millisecond)
	}
}

// Recv waits for one value from ch, failing t with what when the deadline
// passes or ch is closed first.
func Recv[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	timer := time.NewTimer(time.Until(Deadline(t)))
	defer timer.Stop()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatalf("waiting for %s: channel closed", what)
		}
		return v
	case <-timer.C:
		t.Fatalf("timed out waiting for %s", what)
	}
	panic("unreachable")
}

// Closed waits until ch is closed (or yields a value), failing t with
// what when the deadline passes first.
func Closed[T any](t testing.TB, what string, ch <-chan T) {
	t.Helper()
	timer := time.NewTimer(time.Until(Deadline(t)))
	defer timer.Stop()
	select {
	case <-ch:
	case <-timer.C:
		t.Fatalf("timed out waiting for %s", what)
	}
}

// Quiet is a bounded pause that proves nothing more arrives: after the
// awaited thing has happened, a test may give a wrong extra one (a second
// reply, a duplicate row) this long to show itself. It is never a wait for
// readiness.
const Quiet = 300 * time.Millisecond
