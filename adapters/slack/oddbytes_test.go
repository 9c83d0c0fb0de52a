// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestOddBytesAnswered: a message carrying U+0000 (JSON's \u0000) and
// bytes that are not UTF-8, signed and posted as Slack does, is recorded
// and answered by the real engine — before the cleaning at the edge the
// store refused it after Slack had been told 200, and it was lost.
func TestOddBytesAnswered(t *testing.T) {
	f := newFakeSlack(t)
	engine := newEngine(t)
	a, logs := newTestAdapter(t, f, ModeHTTP, engine)
	engine.RegisterSender(Channel, a)
	run(t, a)

	body := strings.Replace(string(fixture(t, "events/message_im.json")),
		`"il lettore non riconosce la smart card"`, "\"il lettore\\u0000 non riconosce la smart card \xff\xfe\"", 1)
	if w := serve(a, sign(t, EventsPath, []byte(body), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	answer, _ := f.waitFor(0, "with the KB answer", func(p post) bool { return slices.Contains(p.buttons(), "fb:no") })
	if !strings.Contains(answer.body(), "smart card") {
		t.Fatalf("answer = %q", answer.body())
	}
	if strings.Contains(logs.String(), "invalid byte sequence") {
		t.Fatalf("the store refused the text:\n%s", logs.String())
	}
}
