// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/db"
)

// Socket Mode against slacktest: envelopes injected with SendToWebsocket
// are acknowledged (malformed ones too) and reach the engine.
func TestSocketModeEnvelopes(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler()
	a, logs := newTestAdapter(t, f, ModeSocket, h)
	run(t, a)

	f.srv.SendToWebsocket(socketEnvelope("events_api", "env-msg-1", fixture(t, "events/message_im.json"), 0))
	in := h.next(t)
	if in.ConversationKey != "D0ANNA" || in.Text != "il lettore non riconosce la smart card" || in.User.Email != "anna.rossi@example.org" {
		t.Fatalf("inbound = %+v", in)
	}
	f.waitAcks("env-msg-1")

	f.srv.SendToWebsocket(socketEnvelope("interactive", "env-act-1", fixture(t, "interactions/block_actions_dm.json"), 0))
	in = h.next(t)
	if in.Action != "fb:no" || in.ConversationKey != "D0ANNA" || in.ExternalID != "act:D0ANNA:1764151230.123456:U0ANNA" {
		t.Fatalf("press = %+v", in)
	}
	f.waitAcks("env-act-1")

	// Malformed, ignored and foreign envelopes: acknowledged, logged, dropped.
	f.srv.SendToWebsocket(socketEnvelope("events_api", "env-bad-1", []byte(`{"type":"event_callback","event_id":"E9","event":{"type":"message","channel":"D0ANNA","ts":"soon"}}`), 0))
	f.srv.SendToWebsocket(socketEnvelope("events_api", "env-bad-2", []byte(`{"type":"event_callback","event":"x"}`), 0))
	f.srv.SendToWebsocket(socketEnvelope("interactive", "env-bad-3", []byte(`{"type":"block_actions","user":{"id":"U0ANNA"}}`), 0))
	f.srv.SendToWebsocket(socketEnvelope("events_api", "env-bot-1", fixture(t, "events/bot_message.json"), 0))
	f.srv.SendToWebsocket(socketEnvelope("slash_commands", "env-cmd-1", []byte(`{"command":"/helpdesk","text":"ciao","user_id":"U0ANNA","channel_id":"D0ANNA"}`), 0))
	f.srv.SendToWebsocket(`{"type":"no_such_type","envelope_id":"env-odd-1"}`)
	f.waitAcks("env-bad-1", "env-bad-2", "env-bad-3", "env-bot-1", "env-cmd-1", "env-odd-1")
	h.none(t, 200*time.Millisecond)
	if n := strings.Count(logs.String(), `msg="slack: malformed`); n < 3 {
		t.Errorf("%d malformed envelopes logged, want at least 3:\n%s", n, logs)
	}

	// Still running: the next message goes through.
	f.srv.SendToWebsocket(socketEnvelope("events_api", "env-msg-2", fixture(t, "events/app_mention.json"), 0))
	if in := h.next(t); in.ConversationKey != "C0SUPPORT/1764151300.000200" {
		t.Fatalf("mention = %+v", in)
	}
	f.waitAcks("env-msg-2")
}

// With the database down on the socket path the event is acknowledged
// at once and retried by the adapter until it goes through.
func TestSocketModeDatabaseUnavailable(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler(fmt.Errorf("%w: connection refused", db.ErrUnavailable), db.ErrUnavailable)
	a, logs := newTestAdapter(t, f, ModeSocket, h)
	run(t, a)
	f.srv.SendToWebsocket(socketEnvelope("events_api", "env-db-1", fixture(t, "events/message_im.json"), 0))
	f.waitAcks("env-db-1")
	for range 3 {
		if in := h.next(t); in.ExternalID != "msg:D0ANNA:1764151200.000100" {
			t.Fatalf("inbound = %+v", in)
		}
	}
	if !strings.Contains(logs.String(), "retrying the event") {
		t.Error("retries not logged")
	}
}

// Messages of one conversation reach the engine in the order Slack sent
// them, even when the engine is slow.
func TestLanesKeepOrder(t *testing.T) {
	f := newFakeSlack(t)
	h := &slowHandler{recordingHandler: newRecordingHandler(), delay: 20 * time.Millisecond}
	a, _ := newTestAdapter(t, f, ModeHTTP, h)
	run(t, a)
	for i := range 5 {
		body := strings.ReplaceAll(string(fixture(t, "events/message_im.json")), "1764151200.000100", fmt.Sprintf("1764151200.00010%d", i))
		env, err := decodeEnvelope([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		in, skip := a.fromMessage(t.Context(), env.Message)
		if skip != "" {
			t.Fatal(skip)
		}
		a.submit(in, false)
	}
	for i := range 5 {
		if in := h.next(t); in.ExternalID != fmt.Sprintf("msg:D0ANNA:1764151200.00010%d", i) {
			t.Fatalf("event %d = %s", i, in.ExternalID)
		}
	}
}
