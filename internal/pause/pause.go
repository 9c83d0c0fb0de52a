// SPDX-License-Identifier: EUPL-1.2

// Package pause waits for a while unless the context ends first: the
// adapters' back-off between reconnections and retries (one helper where
// each adapter had its own copy).
package pause

import (
	"context"
	"time"
)

// For waits d, or until ctx is done; it returns ctx.Err() when the wait
// was cut short (and at once for d <= 0 on a done context), nil otherwise.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
