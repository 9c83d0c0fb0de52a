// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/testdb"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestCallbackData(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	ctx := context.Background()
	long := "pick:" + strings.Repeat("a-very-long-knowledge-base-entry-id-", 3)
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"memory", nil},
		{"postgres", []Option{WithDB(pool)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestAdapter(t, Config{}, nil, tc.opts...)
			for _, act := range []string{"fb:no", "pick:smartcard-reader", strings.Repeat("x", 64), long, strings.Repeat("é", 40), "~looks-like-a-key"} {
				data, err := a.callbackData(ctx, act)
				if err != nil {
					t.Fatal(err)
				}
				if len(data) > maxCallbackData {
					t.Errorf("callback data for %q is %d bytes", act, len(data))
				}
				if short := len(act) <= maxCallbackData && !strings.HasPrefix(act, "~"); short != (data == act) {
					t.Errorf("action %q sent as %q", act, data)
				}
				back, err := a.action(ctx, data)
				if err != nil || back != act {
					t.Errorf("action(%q) = %q, %v; want %q", data, back, err, act)
				}
			}
			if _, err := a.action(ctx, "~unknownkey"); !errors.Is(err, errExpiredButton) {
				t.Errorf("unknown key: err = %v, want errExpiredButton", err)
			}
		})
	}
	t.Run("shared by instances and kept across restarts", func(t *testing.T) {
		one := newTestAdapter(t, Config{}, nil, WithDB(pool))
		data, err := one.callbackData(ctx, long)
		if err != nil {
			t.Fatal(err)
		}
		two := newTestAdapter(t, Config{}, nil, WithDB(pool))
		if back, err := two.action(ctx, data); err != nil || back != long {
			t.Fatalf("second instance read %q, %v", back, err)
		}
		if err := two.keys.prune(ctx, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := one.action(ctx, data); !errors.Is(err, errExpiredButton) {
			t.Fatalf("after pruning: %v, want errExpiredButton", err)
		}
	})
}

func TestReplyProgressInPostgres(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	ctx := context.Background()
	s, _, err := newPGStores(pool)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.partsSent(ctx, "out:1:0"); err != nil || n != 0 {
		t.Fatalf("fresh reply: %d, %v", n, err)
	}
	for _, n := range []int{1, 2} {
		if err := s.setPartsSent(ctx, "out:1:0", n); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.partsSent(ctx, "out:1:0"); err != nil || n != 2 {
		t.Fatalf("after two parts: %d, %v", n, err)
	}
}
