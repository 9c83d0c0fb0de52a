// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"sync"
	"time"
)

// userLimiter caps how fast one chat user can make the bot work: a token
// bucket per (channel, user), refilled at perMinute and holding at most
// burst. A message over the limit is still recorded (nothing a user writes
// is lost, and an agent sees it), but the bot does not search, classify or
// open tickets for it; the first one of a flood gets a "slow down" reply,
// the rest none, so a flood cannot make the bot flood back.
//
// The buckets live in the instance's memory: with several instances
// behind a load balancer a user's limit is at most instances × perMinute,
// which is enough to protect the desk from a runaway script or a stuck key.
type userLimiter struct {
	perSec float64
	burst  float64

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastPrune time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
	warned bool // the user was told to slow down since the last allowed message
}

// newUserLimiter returns nil (no limit) when perMinute is not positive.
func newUserLimiter(perMinute float64, burst int) *userLimiter {
	if perMinute <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &userLimiter{perSec: perMinute / 60, burst: float64(burst), buckets: map[string]*bucket{}}
}

// verdict is what the limiter says of one message.
type verdict int

const (
	allowed verdict = iota
	limitedWarn
	limitedQuiet
)

// take spends a token of key's bucket at now.
func (l *userLimiter) take(key string, now time.Time) verdict {
	if l == nil {
		return allowed
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if dt := now.Sub(b.at).Seconds(); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt*l.perSec)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		b.warned = false
		return allowed
	}
	if b.warned {
		return limitedQuiet
	}
	b.warned = true
	return limitedWarn
}

// prune drops buckets full again (they equal a fresh one), at most once a
// minute, so the map holds only users active in the last few minutes.
func (l *userLimiter) prune(now time.Time) {
	if now.Sub(l.lastPrune) < time.Minute {
		return
	}
	l.lastPrune = now
	full := time.Duration(l.burst / l.perSec * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}
