// SPDX-License-Identifier: EUPL-1.2

package testwait

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestForReturnsWhenTheConditionHolds(t *testing.T) {
	var n atomic.Int32
	go func() {
		for range 5 {
			n.Add(1)
		}
	}()
	For(t, "five increments", func() bool { return n.Load() == 5 })
}

func TestRecvGetsTheValue(t *testing.T) {
	ch := make(chan int, 1)
	go func() { ch <- 42 }()
	if v := Recv(t, "the answer", ch); v != 42 {
		t.Fatalf("got %d", v)
	}
}

func TestDeadlineIsStableAndBeforeTheBinaryTimeout(t *testing.T) {
	a := Deadline(t)
	if b := Deadline(t); !a.Equal(b) {
		t.Fatalf("deadline moved: %v then %v", a, b)
	}
	if a.After(time.Now().Add(Patience)) {
		t.Fatalf("deadline %v is beyond Patience", a)
	}
	if end, ok := t.Deadline(); ok && !a.Before(end) {
		t.Fatalf("deadline %v is not before the binary's %v", a, end)
	}
}

// fakeT records a Fatalf without stopping the test that uses it.
type fakeT struct {
	testing.TB
	failed string
	end    time.Time
}

func (f *fakeT) Helper()                        {}
func (f *fakeT) Cleanup(func())                 {}
func (f *fakeT) Deadline() (time.Time, bool)    { return f.end, true }
func (f *fakeT) Fatalf(format string, _ ...any) { f.failed = format; panic(f) }

func TestForFailsAtTheDeadline(t *testing.T) {
	// A binary timeout 5.1 s away leaves 100 ms of patience.
	f := &fakeT{TB: t, end: time.Now().Add(5*time.Second + 100*time.Millisecond)}
	func() {
		defer func() {
			if r := recover(); r != f {
				t.Fatalf("For did not fail: %v", r)
			}
		}()
		For(f, "never", func() bool { return false })
	}()
	if f.failed == "" {
		t.Fatal("no failure recorded")
	}
}
