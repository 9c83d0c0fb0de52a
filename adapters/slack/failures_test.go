// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"helpdesk/bots"
)

// TestSendTellsPermanentFromTemporary: chat.postMessage answers that will
// not change (channel_not_found, is_archived, cannot_dm_bot …) are
// bots.ErrUndeliverable, so the engine marks the reply failed at once;
// server errors, token problems and rate limits stay temporary.
func TestSendTellsPermanentFromTemporary(t *testing.T) {
	answers := map[string]struct {
		status int
		body   string
	}{
		"DGONE":   {200, `{"ok":false,"error":"channel_not_found"}`},
		"CARCH":   {200, `{"ok":false,"error":"is_archived"}`},
		"UBOT":    {200, `{"ok":false,"error":"cannot_dm_bot"}`},
		"DAUTH":   {200, `{"ok":false,"error":"invalid_auth"}`},
		"DFATAL":  {200, `{"ok":false,"error":"fatal_error"}`},
		"DDOWN":   {503, `upstream unavailable`},
		"DLIMITS": {429, `{"ok":false,"error":"ratelimited"}`},
	}
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			a := answers[r.Form.Get("channel")]
			if a.status == 429 {
				w.Header().Set("Retry-After", "3600") // longer than max_rate_limit_wait: handed back at once
			}
			w.WriteHeader(a.status)
			fmt.Fprint(w, a.body)
		})
	})
	srv.Start()
	t.Cleanup(srv.Stop)
	log, _ := newTestLogger()
	a, err := New(Config{Mode: ModeSocket, BotToken: testBotToken, AppToken: testAppToken, SendInterval: time.Millisecond,
		MaxRateLimitWait: time.Second}, newRecordingHandler(), log, WithAPIURL(srv.GetAPIURL()))
	if err != nil {
		t.Fatal(err)
	}
	for channel, want := range map[string]bool{"DGONE": true, "CARCH": true, "UBOT": true,
		"DAUTH": false, "DFATAL": false, "DDOWN": false, "DLIMITS": false} {
		err := a.Send(context.Background(), bots.Outbound{ConversationKey: channel, Reply: bots.Reply{Text: "x"}})
		if err == nil {
			t.Fatalf("%s: no error", channel)
		}
		if got := errors.Is(err, bots.ErrUndeliverable); got != want {
			t.Errorf("%s: permanent = %v, want %v (%v)", channel, got, want, err)
		}
	}
}
