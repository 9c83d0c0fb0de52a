// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"context"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

const hour = time.Hour

// rateLimiter counts accepted public requests per (bucket, key) in a
// sliding window, in PostgreSQL: the limit holds however many instances
// serve the pages.
type rateLimiter struct {
	db  *sqlx.DB
	q   helpQueries
	now func() time.Time
	n   atomic.Int64 // calls, for pruning now and then
}

// rateLimit is one limit: at most n requests of key in bucket per window.
type rateLimit struct {
	bucket, key string
	n           int
	window      time.Duration
}

// allow records one request under every limit, or returns problem.ErrTooMany when
// any of them is reached (and then records nothing: a refused request
// does not count). Checks and counts are one transaction under advisory
// locks on each (bucket, key), so concurrent requests on any instance
// cannot both take the last slot.
func (l *rateLimiter) allow(ctx context.Context, limits ...rateLimit) error {
	now := l.now()
	err := db.Tx(ctx, l.db, func(tx *sqlx.Tx) error {
		for _, lim := range limits {
			if _, err := tx.ExecContext(ctx, l.q.RateLock, lim.bucket, lim.key); err != nil {
				return err
			}
			var n int
			if err := tx.GetContext(ctx, &n, l.q.RateCount, lim.bucket, lim.key, now.Add(-lim.window)); err != nil {
				return err
			}
			if n >= lim.n {
				return fmt.Errorf("%w: %s", problem.ErrTooMany, lim.bucket)
			}
		}
		for _, lim := range limits {
			if _, err := tx.ExecContext(ctx, l.q.RateAdd, lim.bucket, lim.key, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, problem.ErrTooMany) {
			return err
		}
		return fmt.Errorf("rate limit: %w", err)
	}
	if l.n.Add(1)%200 == 0 {
		// Keep the table small: no window is longer than a day. Best
		// effort: a failed prune is retried 200 requests later.
		l.db.ExecContext(ctx, l.q.RatePrune, now.Add(-24*time.Hour))
	}
	return nil
}
