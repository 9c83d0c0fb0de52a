// SPDX-License-Identifier: EUPL-1.2

package pause

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"elapsed", context.Background(), time.Millisecond, nil},
		{"nothing to wait", context.Background(), 0, nil},
		{"negative", context.Background(), -time.Second, nil},
		// A done context ends even a day's wait at once.
		{"cancelled", done, 24 * time.Hour, context.Canceled},
		{"cancelled, nothing to wait", done, 0, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := For(tt.ctx, tt.d); !errors.Is(err, tt.want) {
				t.Errorf("For(%v) = %v, want %v", tt.d, err, tt.want)
			}
		})
	}
}
