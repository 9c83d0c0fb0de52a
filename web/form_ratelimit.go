package web

import (
	"context"
	"fmt"
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

// allow records one request of key in bucket, or returns errTooMany when
// limit requests were already accepted within window. The check and the
// count are one transaction under an advisory lock on (bucket, key), so
// concurrent requests cannot both take the last slot.
func (l *rateLimiter) allow(ctx context.Context, bucket, key string, limit int, window time.Duration) error {
	now := l.now()
	err := db.Tx(ctx, l.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, l.q.RateLock, bucket, key); err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, l.q.RateCount, bucket, key, now.Add(-window)); err != nil {
			return err
		}
		if n >= limit {
			return errTooMany
		}
		_, err := tx.ExecContext(ctx, l.q.RateAdd, bucket, key, now)
		return err
	})
	if err != nil {
		if err == errTooMany {
			return fmt.Errorf("%w: %s", errTooMany, bucket)
		}
		return fmt.Errorf("rate limit %s: %w", bucket, err)
	}
	if l.n.Add(1)%200 == 0 {
		// Keep the table small: no window is longer than a day. Best
		// effort: a failed prune is retried 200 requests later.
		l.db.ExecContext(ctx, l.q.RatePrune, now.Add(-24*time.Hour))
	}
	return nil
}
