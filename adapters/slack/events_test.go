// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// serve sends one request through the adapter's routes.
func serve(a *Adapter, r *http.Request) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	a.Routes(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

func TestEventsSignature(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler()
	a, logs := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	body := fixture(t, "events/message_im.json")
	now := time.Now()

	tests := []struct {
		name string
		req  func() *http.Request
		code int
	}{
		{"bad signature", func() *http.Request { return sign(t, EventsPath, body, "another-secret", now) }, http.StatusUnauthorized},
		{"stale timestamp", func() *http.Request { return sign(t, EventsPath, body, testSecret, now.Add(-6*time.Minute)) }, http.StatusUnauthorized},
		{"future timestamp", func() *http.Request { return sign(t, EventsPath, body, testSecret, now.Add(6*time.Minute)) }, http.StatusUnauthorized},
		{"no headers", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(body))
		}, http.StatusUnauthorized},
		{"body changed after signing", func() *http.Request {
			r := sign(t, EventsPath, body, testSecret, now)
			r.Body = httptest.NewRequest(http.MethodPost, EventsPath, bytes.NewReader(bytes.Replace(body, []byte("smart"), []byte("SMART"), 1))).Body
			return r
		}, http.StatusUnauthorized},
		{"oversized", func() *http.Request {
			return sign(t, EventsPath, bytes.Repeat([]byte(" "), maxBody+1), testSecret, now)
		}, http.StatusRequestEntityTooLarge},
		{"interactions, bad signature", func() *http.Request {
			return sign(t, InteractionsPath, interactionForm(fixture(t, "interactions/block_actions_dm.json")), "wrong", now)
		}, http.StatusUnauthorized},
		{"GET is not routed", func() *http.Request { return httptest.NewRequest(http.MethodGet, EventsPath, nil) }, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := serve(a, tt.req()); w.Code != tt.code {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.code, w.Body)
			}
		})
	}
	h.none(t, 200*time.Millisecond)
	if !strings.Contains(logs.String(), "request refused") {
		t.Error("refusals are not logged")
	}

	// The same request correctly signed and fresh goes through.
	if w := serve(a, sign(t, EventsPath, body, testSecret, now)); w.Code != http.StatusOK {
		t.Fatalf("signed request: status %d", w.Code)
	}
	in := h.next(t)
	if in.Text != "il lettore non riconosce la smart card" || in.ConversationKey != "D0ANNA" ||
		in.ExternalID != "msg:D0ANNA:1764151200.000100" || in.Channel != "slack" {
		t.Errorf("inbound = %+v", in)
	}
	if in.User.ID != "U0ANNA" || in.User.Name != "Anna" || in.User.Email != "anna.rossi@example.org" || in.User.Lang != "it" {
		t.Errorf("user = %+v, want the users.info profile", in.User)
	}
	if !in.At.Equal(time.Unix(1764151200, 100_000)) {
		t.Errorf("at = %v", in.At)
	}
}

func TestURLVerification(t *testing.T) {
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
	w := serve(a, sign(t, EventsPath, fixture(t, "events/url_verification.json"), testSecret, time.Now()))
	var got map[string]string
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &got) != nil ||
		got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
}

func TestRoutesOnlyInHTTPMode(t *testing.T) {
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeSocket, newRecordingHandler())
	if w := serve(a, sign(t, EventsPath, fixture(t, "events/url_verification.json"), testSecret, time.Now())); w.Code != http.StatusNotFound {
		t.Fatalf("socket mode serves %s: %d", EventsPath, w.Code)
	}
}

// Which events reach the engine, and as what.
func TestEventsRouting(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler()
	a, _ := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	send := func(file string) {
		t.Helper()
		if w := serve(a, sign(t, EventsPath, fixture(t, filepath.Join("events", file)), testSecret, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", file, w.Code)
		}
	}

	for _, file := range []string{"message_changed.json", "bot_message.json", "message_channel_chatter.json",
		"reaction_added.json", "app_rate_limited.json", "message_thread_reply.json"} {
		send(file)
	}
	h.none(t, 200*time.Millisecond) // the thread reply too: the bot is not in that thread yet

	send("app_mention.json")
	in := h.next(t)
	if in.ConversationKey != "C0SUPPORT/1764151300.000200" ||
		in.Text != "la stampante di rete & lo scanner non vanno, scrivete a anna.rossi@example.org" {
		t.Fatalf("mention = %+v", in)
	}
	send("message_thread_reply.json") // now the bot follows the thread
	in = h.next(t)
	if in.ConversationKey != "C0SUPPORT/1764151300.000200" || in.Text != "Stampante" {
		t.Fatalf("thread reply = %+v", in)
	}

	// A message from another bot's account is dropped after users.info.
	other := strings.ReplaceAll(string(fixture(t, "events/message_im.json")), "U0ANNA", "U0BOT2")
	send2 := sign(t, EventsPath, []byte(other), testSecret, time.Now())
	if w := serve(a, send2); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	h.none(t, 200*time.Millisecond)
}

func TestInteractionsHTTP(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler()
	a, _ := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	for _, file := range []string{"block_actions_link.json", "view_submission.json"} {
		if w := serve(a, sign(t, InteractionsPath, interactionForm(fixture(t, "interactions/"+file)), testSecret, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", file, w.Code)
		}
	}
	h.none(t, 200*time.Millisecond)

	start := time.Now()
	w := serve(a, sign(t, InteractionsPath, interactionForm(fixture(t, "interactions/block_actions_thread.json")), testSecret, time.Now()))
	if w.Code != http.StatusOK || time.Since(start) > time.Second {
		t.Fatalf("status %d after %v", w.Code, time.Since(start))
	}
	in := h.next(t)
	if in.Action != "pick:stampante-rete" || in.ConversationKey != "C0SUPPORT/1764151300.000200" || in.Text != "" ||
		in.ExternalID != "act:C0SUPPORT:1764151320.654321:U0ANNA" || in.User.Email != "anna.rossi@example.org" {
		t.Fatalf("press = %+v", in)
	}
}

// Malformed bodies, correctly signed, are logged and dropped with a 200
// (a redelivery would be as malformed), and the adapter goes on.
func TestMalformedDropped(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler()
	a, logs := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	for i, body := range []string{`{"type":`, `{"type":"event_callback","event_id":"E1","event":{"type":"message","channel":"D0ANNA"}}`, `[]`} {
		if w := serve(a, sign(t, EventsPath, []byte(body), testSecret, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("body %d: status %d", i, w.Code)
		}
	}
	if w := serve(a, sign(t, InteractionsPath, []byte("payload=%7Bnot-json"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("interaction: status %d", w.Code)
	}
	if n := strings.Count(logs.String(), `msg="slack: malformed`); n != 4 {
		t.Errorf("%d malformed payloads logged, want 4:\n%s", n, logs)
	}
	if w := serve(a, sign(t, EventsPath, fixture(t, "events/message_im.json"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if in := h.next(t); in.Text == "" {
		t.Fatal("the adapter stopped taking events")
	}
}

// With the database down, the Events API request answers 503 so Slack
// redelivers; the redelivery goes through.
func TestEventsDatabaseUnavailable(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler(fmt.Errorf("%w: connection refused", db.ErrUnavailable))
	a, _ := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	body := fixture(t, "events/message_im.json")
	if w := serve(a, sign(t, EventsPath, body, testSecret, time.Now())); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", w.Code)
	}
	r := sign(t, EventsPath, body, testSecret, time.Now())
	r.Header.Set("X-Slack-Retry-Num", "1")
	r.Header.Set("X-Slack-Retry-Reason", "http_error")
	if w := serve(a, r); w.Code != http.StatusOK {
		t.Fatalf("redelivery: status %d", w.Code)
	}
	if first, again := h.next(t).ExternalID, h.next(t).ExternalID; first != again {
		t.Fatal("redelivery has another external id")
	}
}

// When the engine is slower than the request may wait, the request
// answers 200 and the lane keeps retrying the event itself.
func TestEventsSlowUnavailableRetriedByLane(t *testing.T) {
	f := newFakeSlack(t)
	h := &slowHandler{recordingHandler: newRecordingHandler(db.ErrUnavailable, db.ErrUnavailable), delay: 150 * time.Millisecond}
	a, _ := newTestAdapter(t, f, ModeHTTP, h)
	a.httpWait = 50 * time.Millisecond
	run(t, a)
	if w := serve(a, sign(t, EventsPath, fixture(t, "events/message_im.json"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	for range 3 { // two failures, then the success
		h.next(t)
	}
}

type slowHandler struct {
	*recordingHandler
	delay time.Duration
}

func (h *slowHandler) Handle(ctx context.Context, in bots.Inbound) (bots.Result, error) {
	time.Sleep(h.delay)
	return h.recordingHandler.Handle(ctx, in)
}
