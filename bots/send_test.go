// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// A platform's error text is stored in messages.send_error: whatever it
// holds, what is stored is valid UTF-8 without NUL, or the mark is refused.
func TestTruncateKeepsStorableText(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "timeout", 500, "timeout"},
		{"cut inside a character", strings.Repeat("é", 3), 5, "éé"},
		{"nul from the receiver", "bad\x00gateway", 500, "badgateway"},
		{"invalid bytes", "a\xffb", 500, "ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := truncate(tc.in, tc.n)
			if got != tc.want || !utf8.ValidString(got) {
				t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

// bot.max_text_bytes: the configured bound, not the default, decides.
func TestConfiguredTextLimit(t *testing.T) {
	h := newHarness(t)
	h.engine.opt.MaxTextBytes = 100
	ctx := context.Background()
	in := func(id string, n int) Inbound {
		return Inbound{Channel: "memory", ExternalID: id, ConversationKey: "x", User: User{ID: "u"}, Text: strings.Repeat("a", n)}
	}
	if _, err := h.engine.Handle(ctx, in("over", 101)); !errors.Is(err, ErrTooLong) {
		t.Fatalf("101 bytes over a 100-byte limit: %v", err)
	}
	if _, err := h.engine.Handle(ctx, in("at", 100)); err != nil {
		t.Fatalf("100 bytes at a 100-byte limit: %v", err)
	}
}
