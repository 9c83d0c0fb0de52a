// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"strings"
	"testing"
	"time"
)

// TestOddBytesAnswered: an update whose text and sender name carry U+0000
// and bytes that are not UTF-8 is recorded and answered by the real
// engine (the store used to refuse it with "invalid byte sequence", after
// the update had been confirmed, so the message was lost).
func TestOddBytesAnswered(t *testing.T) {
	t.Parallel()
	eng, pool := newEngine(t)
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool))
	eng.RegisterSender("telegram", a)
	startRun(t, a)

	const user = 7012345679
	// json.Marshal would turn the invalid bytes into U+FFFD itself: put
	// them in the raw update, as a broken client or proxy would.
	raw := textUpdate(901, 1, user, "it", "il lettore di smart card\u0000 non legge la tessera INVALID")
	raw = strings.Replace(raw, "INVALID", "\xff\xfe", 1)
	raw = strings.Replace(raw, `"Giulia"`, "\"Giu\\u0000lia\xc3\"", 1)
	api.push(raw)
	answer := api.nextSent(t)
	if !strings.Contains(answer.Fields["text"], "Il lettore non legge la tessera sanitaria") {
		t.Fatalf("answer text:\n%s", answer.Fields["text"])
	}
	var body string
	if err := pool.QueryRow(`SELECT body FROM messages WHERE channel = 'telegram' AND direction = 'in'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if body != "il lettore di smart card non legge la tessera \uFFFD\uFFFD" {
		t.Fatalf("recorded %q", body)
	}
}
