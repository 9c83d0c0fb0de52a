// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"sync"
	"time"
)

// Budget caps the calls made to the endpoint in any sliding minute, so a
// burst of users (or a loop) cannot run up a bill or starve a shared local
// server. It counts calls of this process only: with several instances,
// each has its own budget.
type Budget struct {
	perMinute int
	now       func() time.Time

	mu    sync.Mutex
	calls []time.Time // start times within the last minute, oldest first
}

// NewBudget allows perMinute calls in any minute; 0 or less: unlimited.
// now may be nil (time.Now).
func NewBudget(perMinute int, now func() time.Time) *Budget {
	if now == nil {
		now = time.Now
	}
	return &Budget{perMinute: perMinute, now: now}
}

// Take reserves one call and reports whether the budget allowed it.
func (b *Budget) Take() bool {
	if b == nil || b.perMinute <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	cut := 0
	for cut < len(b.calls) && now.Sub(b.calls[cut]) >= time.Minute {
		cut++
	}
	b.calls = b.calls[cut:]
	if len(b.calls) >= b.perMinute {
		return false
	}
	b.calls = append(b.calls, now)
	return true
}

// Remaining is how many calls the current minute still allows (-1:
// unlimited).
func (b *Budget) Remaining() int {
	if b == nil || b.perMinute <= 0 {
		return -1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	n := 0
	for _, t := range b.calls {
		if now.Sub(t) < time.Minute {
			n++
		}
	}
	return b.perMinute - n
}
