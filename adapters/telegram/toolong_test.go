// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"strings"
	"testing"
	"time"
)

// TestHugeTextRefusedWithANotice: a ~1 MiB text through the real engine
// is not stored; the user is told, in their language, to shorten it, and
// the next message is handled as usual (issue 18).
func TestHugeTextRefusedWithANotice(t *testing.T) {
	t.Parallel()
	eng, pool := newEngine(t)
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool))
	eng.RegisterSender("telegram", a)
	startRun(t, a)

	const user = 7012345680
	for i, tc := range []struct{ lang, want string }{{"it", "troppo lungo"}, {"en", "too long"}} {
		api.push(textUpdate(int64(910+i), 1, user, tc.lang, strings.Repeat("la vpn non va ", 1<<20/14)))
		notice := api.nextSent(t)
		if !strings.Contains(strings.ToLower(notice.Fields["text"]), tc.want) {
			t.Fatalf("%s notice:\n%s", tc.lang, notice.Fields["text"])
		}
	}
	var n, size int
	if err := pool.QueryRow(`SELECT count(*), coalesce(sum(length(body)), 0) FROM messages WHERE channel = 'telegram' AND direction = 'in'`).Scan(&n, &size); err != nil {
		t.Fatal(err)
	}
	if n != 0 || size != 0 {
		t.Fatalf("%d messages of %d bytes stored from refused texts", n, size)
	}
}
