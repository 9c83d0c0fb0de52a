// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

// TestTelegramPollingHasOneLeader: two instances in polling mode on one
// bot token; only one long-polls at any time, and when it is killed the
// other takes over. Neither logs the token.
func TestTelegramPollingHasOneLeader(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	api := newBotAPI(t)
	a, b := newInstance(t, "a", url, api.srv.URL), newInstance(t, "b", url, api.srv.URL)
	for _, in := range []*instance{a, b} {
		in.set("HELPDESK_CHANNELS_TELEGRAM_MODE", "polling")
		in.start()
	}
	leaderOf := func() []*instance {
		var out []*instance
		for _, in := range []*instance{a, b} {
			if in.cmd != nil && strings.Count(in.logText(), "leadership taken") > strings.Count(in.logText(), "leadership lost")+strings.Count(in.logText(), "leadership given up") {
				out = append(out, in)
			}
		}
		return out
	}
	testwait.For(t, "one leader polling", func() bool { return len(leaderOf()) == 1 && api.polls.Load() > 2 })
	first := leaderOf()[0]
	polls := api.polls.Load()
	first.kill9()
	start := time.Now()
	testwait.For(t, "another instance polling after the leader was killed", func() bool {
		return len(leaderOf()) == 1 && leaderOf()[0] != first && api.polls.Load() > polls+1
	})
	took := time.Since(start)
	fmt.Printf("chaos telegram poller: leader %s killed, %s polling again after %s; most getUpdates at once: %d\n",
		first.name, leaderOf()[0].name, took.Round(100*time.Millisecond), api.maxPolling.Load())
	if api.maxPolling.Load() > 1 {
		t.Errorf("%d getUpdates in flight at once: two pollers", api.maxPolling.Load())
	}
	secret := botToken[strings.Index(botToken, ":")+1:]
	for _, in := range []*instance{a, b} {
		if strings.Contains(in.logText(), secret) {
			t.Errorf("%s logs the bot token", in.name)
		}
	}
}
