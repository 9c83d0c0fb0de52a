// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"testing"
	"time"

	"helpdesk/bots"
)

// TestSendTellsPermanentFromTemporary: Bot API answers that sending again
// cannot change (403 bot blocked, 400 chat not found) are
// bots.ErrUndeliverable; 401, 404, 5xx and long 429s stay temporary, so
// the engine retries them.
func TestSendTellsPermanentFromTemporary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		code      int
		desc      string
		retry     int
		permanent bool
	}{
		{"blocked", 403, "Forbidden: bot was blocked by the user", 0, true},
		{"deactivated", 403, "Forbidden: user is deactivated", 0, true},
		{"chat not found", 400, "Bad Request: chat not found", 0, true},
		{"server error", 502, "Bad Gateway", 0, false},
		{"token revoked", 401, "Unauthorized", 0, false},
		{"long rate limit", 429, "Too Many Requests: retry after 600", 600, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t)
			a := newTestAdapter(t, Config{APIURL: api.URL(), MaxRetryWait: time.Second}, nil)
			api.fail("sendMessage", tc.code, tc.desc, tc.retry)
			err := a.Send(context.Background(), bots.Outbound{ConversationKey: "7012345678", Reply: bots.Reply{Text: "ciao"}})
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, bots.ErrUndeliverable); got != tc.permanent {
				t.Fatalf("permanent = %v, want %v (%v)", got, tc.permanent, err)
			}
		})
	}
	a := newTestAdapter(t, Config{}, nil)
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: "not-a-chat", Reply: bots.Reply{Text: "x"}}); !errors.Is(err, bots.ErrUndeliverable) {
		t.Fatalf("bad key: %v", err)
	}
}
