// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestUserLimiterBucket(t *testing.T) {
	l := newUserLimiter(6, 3) // one token every 10 s, three at once
	t0 := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		key  string
		want verdict
	}{
		{0, "a", allowed}, {0, "a", allowed}, {0, "a", allowed},
		{0, "a", limitedWarn},                // the first over the limit is told
		{1 * time.Second, "a", limitedQuiet}, // the rest of the flood is not
		{2 * time.Second, "b", allowed},      // another user has a bucket of their own
		{10 * time.Second, "a", allowed},     // one token back after 10 s
		{10 * time.Second, "a", limitedWarn}, // told again after an allowed one
		{5 * time.Minute, "a", allowed},      // full again
		{5 * time.Minute, "a", allowed},
		{5 * time.Minute, "a", allowed},
		{5 * time.Minute, "a", limitedWarn},
	}
	for i, s := range steps {
		if got := l.take(s.key, t0.Add(s.at)); got != s.want {
			t.Fatalf("step %d (%s at +%s): verdict %d, want %d", i, s.key, s.at, got, s.want)
		}
	}
	if n := len(l.buckets); n != 1 {
		t.Errorf("after pruning: %d buckets, want 1 (b was full again and dropped)", n)
	}
	var none *userLimiter = newUserLimiter(0, 5)
	if none != nil || none.take("x", t0) != allowed {
		t.Error("a zero rate must mean no limit")
	}
}

// A user flooding the bot: every message is recorded, one "slow down"
// reply (in the user's language) is sent, nothing is searched or opened
// for the rest, and the bot answers normally once the bucket refills.
func TestEngineRateLimitsAFloodingUser(t *testing.T) {
	h := newHarness(t)
	h.engine.limiter = newUserLimiter(6, 3)
	ctx := context.Background()
	var replies []string
	limited := 0
	for i := 0; i < 8; i++ {
		res, lines := h.say("flooder", "flood-1", "la VPN non si connette da casa")
		replies = append(replies, lines...)
		if res.RateLimited {
			limited++
		}
	}
	if limited != 5 {
		t.Errorf("%d messages rate limited, want 5 of 8 (burst 3)", limited)
	}
	slow := 0
	for _, l := range replies {
		if strings.Contains(l, "molto in fretta") {
			slow++
		}
	}
	if slow != 1 {
		t.Errorf("%d slow-down replies, want exactly 1:\n%s", slow, strings.Join(replies, "\n"))
	}
	var in int
	if err := h.db.GetContext(ctx, &in, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.conversation_key = 'flood-1' AND m.direction = 'in'`); err != nil {
		t.Fatal(err)
	}
	if in != 8 {
		t.Errorf("%d inbound messages recorded, want all 8", in)
	}
	// Another user is not affected; the flooder is answered again later.
	if res, lines := h.say("calm", "calm-1", "la VPN non si connette"); res.RateLimited || len(lines) == 0 {
		t.Errorf("another user was limited or not answered: %v %q", res.RateLimited, lines)
	}
	h.now = h.now.Add(time.Minute)
	if res, lines := h.say("flooder", "flood-1", "la VPN non si connette ancora"); res.RateLimited || len(lines) == 0 {
		t.Errorf("after a minute the user is still limited: %v %q", res.RateLimited, lines)
	}
}

// One lock per conversation: the same conversation excludes, another one
// does not wait, and nothing is left behind once all are released.
func TestConversationLocks(t *testing.T) {
	var e Engine
	a1, a2, b := e.stripe("slack", "a"), e.stripe("slack", "a"), e.stripe("slack", "b")
	a1.Lock()
	b.Lock() // a different conversation is free
	got := make(chan struct{})
	go func() { a2.Lock(); close(got); a2.Unlock() }()
	select {
	case <-got:
		t.Fatal("the same conversation was locked twice")
	case <-time.After(50 * time.Millisecond):
	}
	a1.Unlock()
	<-got
	b.Unlock()
	e.convs.mu.Lock()
	defer e.convs.mu.Unlock()
	if n := len(e.convs.m); n != 0 {
		t.Errorf("%d conversation locks left after release", n)
	}
}
