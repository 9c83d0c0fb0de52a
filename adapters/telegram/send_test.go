// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/bots"
)

// waits records the retry waits instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func TestSendRendersTextAndKeyboard(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL()}, nil)
	long := "pick:" + strings.Repeat("an-entry-id-far-too-long-for-telegram-", 2)
	out := bots.Outbound{MessageID: 7, ExternalID: "out:3:0", Channel: "telegram", ConversationKey: "5012345678",
		Reply: bots.Reply{Text: "Ho trovato questo: **Lettore smart card** <reader> & co.",
			Buttons: []bots.Button{{Label: "Risolto", Action: "fb:yes"}, {Label: "Un titolo lungo", Action: long}},
			Links:   []bots.Link{{Label: "Guida completa", URL: "https://desk.test/kb/smartcard-reader"}}}}
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	sent := api.callsTo("sendMessage")
	if len(sent) != 1 {
		t.Fatalf("%d messages sent, want 1", len(sent))
	}
	f := sent[0].Fields
	if f["chat_id"] != "5012345678" || f["parse_mode"] != "HTML" {
		t.Errorf("chat_id %q parse_mode %q", f["chat_id"], f["parse_mode"])
	}
	wantText := "Ho trovato questo: <b>Lettore smart card</b> &lt;reader&gt; &amp; co.\n\n🔗 <a href=\"https://desk.test/kb/smartcard-reader\">Guida completa</a>"
	if f["text"] != wantText {
		t.Errorf("text =\n%q\nwant\n%q", f["text"], wantText)
	}
	var kb keyboard
	if err := json.Unmarshal([]byte(f["reply_markup"]), &kb); err != nil {
		t.Fatalf("reply_markup %q: %v", f["reply_markup"], err)
	}
	if len(kb.InlineKeyboard) != 2 || kb.InlineKeyboard[0][0].CallbackData != "fb:yes" || kb.InlineKeyboard[0][0].Text != "Risolto" {
		t.Fatalf("keyboard %+v", kb)
	}
	key := kb.InlineKeyboard[1][0].CallbackData
	if !strings.HasPrefix(key, keyPrefix) || len(key) > maxCallbackData {
		t.Fatalf("long action sent as %q", key)
	}
	if act, err := a.action(context.Background(), key); err != nil || act != long {
		t.Fatalf("key %q resolves to %q, %v", key, act, err)
	}
}

func TestSendSplitsLongReplies(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL()}, nil)
	para := strings.TrimSpace(strings.Repeat("Una frase di prova che si ripete. ", 20)) // ~700 bytes
	text := strings.TrimSpace(strings.Repeat(para+"\n\n", 14))                          // ~10 KB
	out := bots.Outbound{ExternalID: "out:9:0", ConversationKey: "42", Reply: bots.Reply{Text: text,
		Buttons: []bots.Button{{Label: "Risolto", Action: "fb:yes"}}}}
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	sent := api.callsTo("sendMessage")
	if len(sent) != 3 {
		t.Fatalf("%d parts, want 3", len(sent))
	}
	var joined []string
	for i, c := range sent {
		if hasKB := c.Fields["reply_markup"] != ""; hasKB != (i == len(sent)-1) {
			t.Errorf("part %d keyboard = %v; only the last part carries it", i, hasKB)
		}
		if !strings.HasSuffix(c.Fields["text"], "ripete.") {
			t.Errorf("part %d does not end at a paragraph: …%q", i, c.Fields["text"][len(c.Fields["text"])-30:])
		}
		joined = append(joined, c.Fields["text"])
	}
	if strings.Join(joined, "\n\n") != text {
		t.Error("the parts do not add up to the reply")
	}
}

func TestSendRateLimitedThenDeliveredOnce(t *testing.T) {
	api := newFakeAPI(t)
	w := &waits{}
	a := newTestAdapter(t, Config{APIURL: api.URL()}, nil, WithSleep(w.sleep))
	api.fail("sendMessage", 429, "Too Many Requests: retry after 3", 3)
	out := bots.Outbound{ExternalID: "out:1:0", ConversationKey: "42", Reply: bots.Reply{Text: "ciao"}}
	if err := a.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if n := len(api.callsTo("sendMessage")); n != 1 {
		t.Fatalf("delivered %d times, want once", n)
	}
	if got := w.all(); len(got) != 1 || got[0] != 3*time.Second {
		t.Fatalf("waited %v, want [3s] (retry_after)", got)
	}
}

func TestSendRateLimitBeyondMaxWaitFails(t *testing.T) {
	api := newFakeAPI(t)
	w := &waits{}
	a := newTestAdapter(t, Config{APIURL: api.URL(), MaxRetryWait: 10 * time.Second}, nil, WithSleep(w.sleep))
	api.fail("sendMessage", 429, "Too Many Requests: retry after 120", 120)
	err := a.Send(context.Background(), bots.Outbound{ExternalID: "out:1:0", ConversationKey: "42", Reply: bots.Reply{Text: "ciao"}})
	if err == nil || !strings.Contains(err.Error(), "rate limited") {
		t.Fatalf("err = %v, want a rate-limit error for the engine's retry queue", err)
	}
	if len(w.all()) != 0 || len(api.callsTo("sendMessage")) != 0 {
		t.Fatalf("waited %v and sent %d: a long retry_after belongs to the durable queue", w.all(), len(api.callsTo("sendMessage")))
	}
}

func TestSendResumesAfterAFailedPart(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL()}, nil)
	para := strings.Repeat("x", 3000)
	out := bots.Outbound{ExternalID: "out:5:1", ConversationKey: "42", Reply: bots.Reply{Text: para + "\n\n" + para + "\n\n" + para}}
	ctx := context.Background()
	api.failNth("sendMessage", 2, 500, "Internal Server Error")
	if err := a.Send(ctx, out); err == nil {
		t.Fatal("Send succeeded although part 2 failed")
	}
	if n := len(api.callsTo("sendMessage")); n != 1 {
		t.Fatalf("%d parts delivered before the failure, want 1", n)
	}
	// The engine's retry job calls Send again with the same reply.
	if err := a.Send(ctx, out); err != nil {
		t.Fatalf("retry: %v", err)
	}
	sent := api.callsTo("sendMessage")
	if len(sent) != 3 {
		t.Fatalf("%d parts delivered over two attempts, want 3 (each once)", len(sent))
	}
	for i, c := range sent {
		if c.Fields["text"] != para {
			t.Errorf("part %d is not the %d-th paragraph", i, i+1)
		}
	}
}

func TestSendFallsBackToPlainText(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL()}, nil)
	api.fail("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag", 0)
	if err := a.Send(context.Background(), bots.Outbound{ConversationKey: "42", Reply: bots.Reply{Text: "*ciao*"}}); err != nil {
		t.Fatal(err)
	}
	sent := api.callsTo("sendMessage")
	if len(sent) != 1 || sent[0].Fields["parse_mode"] != "" || sent[0].Fields["text"] != "ciao" {
		t.Fatalf("sent %+v, want the plain text once", sent)
	}
}

func TestSendErrors(t *testing.T) {
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL()}, nil)
	ctx := context.Background()
	if err := a.Send(ctx, bots.Outbound{ConversationKey: "not-a-chat", Reply: bots.Reply{Text: "x"}}); err == nil {
		t.Error("a key that is no chat id was accepted")
	}
	api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", 0)
	err := a.Send(ctx, bots.Outbound{ConversationKey: "42", Reply: bots.Reply{Text: "x"}})
	if err == nil || !strings.Contains(err.Error(), "blocked") {
		t.Errorf("blocked bot: err = %v", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("the error shows the bot token")
	}
	if err := a.Send(ctx, bots.Outbound{ConversationKey: "42"}); err != nil || len(api.callsTo("sendMessage")) != 0 {
		t.Errorf("empty reply: %v, %d sent", err, len(api.callsTo("sendMessage")))
	}
}
