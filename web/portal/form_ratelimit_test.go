// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/web/problem"
)

// newLimiter is a rate limiter on its own database with a clock the test
// moves.
func newLimiter(t *testing.T) (*rateLimiter, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := &rateLimiter{db: testdb.New(t), now: func() time.Time { return now }}
	if err := db.ScanQueries(&l.q, helpQueryFS, "help_queries.sql"); err != nil {
		t.Fatal(err)
	}
	return l, &now
}

// countEvents is how many requests are recorded for (bucket, key).
func countEvents(t *testing.T, l *rateLimiter, bucket, key string) int {
	t.Helper()
	var n int
	if err := l.db.Get(&n, `SELECT count(*) FROM public_rate_events WHERE bucket = $1 AND key = $2`, bucket, key); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRateLimiter: under the limit a request passes and counts; at it the
// next is refused with problem.ErrTooMany and not counted; keys and
// buckets are independent; the window slides, so a request leaves the
// count exactly a window after it was made.
func TestRateLimiter(t *testing.T) {
	l, now := newLimiter(t)
	ctx := context.Background()
	form := func(key string) rateLimit { return rateLimit{bucket: "form", key: key, n: 3, window: hour} }
	start := *now
	for i := range 3 {
		if err := l.allow(ctx, form("a")); err != nil {
			t.Fatalf("request %d of 3: %v", i+1, err)
		}
		*now = now.Add(10 * time.Minute)
	}
	// 09:30: requests at 09:00, 09:10, 09:20 fill the window.
	if err := l.allow(ctx, form("a")); !errors.Is(err, problem.ErrTooMany) {
		t.Fatalf("fourth request: %v, want problem.ErrTooMany", err)
	}
	if n := countEvents(t, l, "form", "a"); n != 3 {
		t.Errorf("%d requests recorded, want 3 (a refused one does not count)", n)
	}
	if err := l.allow(ctx, form("b")); err != nil {
		t.Errorf("another key: %v", err)
	}
	if err := l.allow(ctx, rateLimit{bucket: "chat", key: "a", n: 3, window: hour}); err != nil {
		t.Errorf("the same key in another bucket: %v", err)
	}
	// The window is (now - window, now]: the 09:00 request leaves it at
	// 10:00 exactly; a microsecond earlier (timestamptz's precision) it
	// is not yet gone.
	*now = start.Add(hour - time.Microsecond)
	if err := l.allow(ctx, form("a")); !errors.Is(err, problem.ErrTooMany) {
		t.Fatalf("just before the first request leaves the window: %v, want problem.ErrTooMany", err)
	}
	*now = start.Add(hour)
	if err := l.allow(ctx, form("a")); err != nil {
		t.Fatalf("once the first request left the window: %v", err)
	}
	if err := l.allow(ctx, form("a")); !errors.Is(err, problem.ErrTooMany) {
		t.Fatalf("the slot just freed is taken again: %v, want problem.ErrTooMany", err)
	}
}

// TestRateLimiterSeveralLimits: a request counts under every limit or
// none: when one limit is reached, the others do not count it either.
func TestRateLimiterSeveralLimits(t *testing.T) {
	l, _ := newLimiter(t)
	ctx := context.Background()
	perAddr := rateLimit{bucket: "form-addr", key: "x", n: 1, window: hour}
	perDay := rateLimit{bucket: "form-day", key: "all", n: 5, window: 24 * hour}
	if err := l.allow(ctx, perDay, perAddr); err != nil {
		t.Fatal(err)
	}
	if err := l.allow(ctx, perDay, perAddr); !errors.Is(err, problem.ErrTooMany) {
		t.Fatalf("second request of one address: %v, want problem.ErrTooMany", err)
	}
	if n := countEvents(t, l, "form-day", "all"); n != 1 {
		t.Errorf("the daily limit counted %d, want 1: the refused request must not count anywhere", n)
	}
	if err := l.allow(ctx, rateLimit{bucket: "form", key: "zero", n: 0, window: hour}); !errors.Is(err, problem.ErrTooMany) {
		t.Errorf("a limit of 0: %v, want problem.ErrTooMany", err)
	}
}

// TestRateLimiterConcurrent: requests racing for the last slots never
// take more than the limit (the advisory lock serialises them).
func TestRateLimiterConcurrent(t *testing.T) {
	l, _ := newLimiter(t)
	ctx := context.Background()
	lim := rateLimit{bucket: "race", key: "k", n: 4, window: hour}
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Go(func() { errs <- l.allow(ctx, lim) })
	}
	wg.Wait()
	close(errs)
	var ok, refused int
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, problem.ErrTooMany):
			refused++
		default:
			t.Fatal(err)
		}
	}
	if ok != 4 || refused != 8 || countEvents(t, l, "race", "k") != 4 {
		t.Errorf("%d allowed, %d refused, %d recorded; want 4, 8, 4", ok, refused, countEvents(t, l, "race", "k"))
	}
}

// TestRateLimiterPrunes: every 200th request drops what no window (at
// most a day) can count, and nothing newer.
func TestRateLimiterPrunes(t *testing.T) {
	l, now := newLimiter(t)
	ctx := context.Background()
	old := now.Add(-25 * time.Hour)
	if _, err := l.db.Exec(`INSERT INTO public_rate_events (bucket, key, at) VALUES ('old', 'k', $1), ('old', 'k', $2)`, old, now.Add(-23*time.Hour)); err != nil {
		t.Fatal(err)
	}
	lim := rateLimit{bucket: "many", key: "k", n: 1000, window: hour}
	for range 199 {
		if err := l.allow(ctx, lim); err != nil {
			t.Fatal(err)
		}
	}
	if n := countEvents(t, l, "old", "k"); n != 2 {
		t.Fatalf("%d old events before the 200th request, want 2", n)
	}
	if err := l.allow(ctx, lim); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, l, "old", "k"); n != 1 {
		t.Errorf("%d old events after the 200th request, want 1 (the one within a day kept)", n)
	}
	if n := countEvents(t, l, "many", "k"); n != 200 {
		t.Errorf("%d recent events, want 200", n)
	}
}
