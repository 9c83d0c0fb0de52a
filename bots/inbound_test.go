// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestInvalidAndOversizedInbound(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.engine.Handle(ctx, Inbound{Channel: "memory", ConversationKey: "x", User: User{ID: "u"}, Text: "hi"}); !errors.Is(err, ErrInvalidInbound) {
		t.Fatalf("no external id: %v", err)
	}
	big := strings.Repeat("a", MaxTextBytes+1)
	if _, err := h.engine.Handle(ctx, Inbound{Channel: "memory", ExternalID: "big", ConversationKey: "x", User: User{ID: "u"}, Text: big}); !errors.Is(err, ErrTooLong) {
		t.Fatalf("oversized: %v", err)
	}
	var n int
	if err := h.db.Get(&n, `SELECT count(*) FROM messages`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("rejected input stored %d messages", n)
	}
}
