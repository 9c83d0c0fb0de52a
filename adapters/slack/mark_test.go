// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

// pressOn is the block_actions fixture turned into a press of the button
// with value on the posted message p, as Slack sends it: the container
// and message name p's ts, the message carries p's text and blocks.
func pressOn(t *testing.T, p post, value, actionTS string) []byte {
	t.Helper()
	var w map[string]any
	if err := json.Unmarshal(fixture(t, "interactions/block_actions_dm.json"), &w); err != nil {
		t.Fatal(err)
	}
	w["container"].(map[string]any)["message_ts"] = p.TS
	msg := w["message"].(map[string]any)
	msg["ts"], msg["text"], msg["blocks"] = p.TS, p.Text, p.Blocks
	act := w["actions"].([]any)[0].(map[string]any)
	act["value"], act["action_ts"] = value, actionTS
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPressedPromptIsMarked: a press edits its message through
// chat.update — same channel and ts, the text kept, the action buttons
// replaced by "✓ Non risolto", the link button kept; a second press of
// the same button changes nothing, is told the choice is no longer
// valid, and is not marked.
func TestPressedPromptIsMarked(t *testing.T) {
	f := newFakeSlack(t)
	engine := newEngine(t)
	a, _ := newTestAdapter(t, f, ModeSocket, engine)
	engine.RegisterSender(Channel, a)
	run(t, a)

	f.srv.SendToWebsocket(socketEnvelope("events_api", "m-1", fixture(t, "events/message_im.json"), 0))
	answer, i := f.waitFor(0, "with the KB answer", func(p post) bool { return slices.Contains(p.buttons(), "fb:no") })
	value := answer.value("fb:no")

	f.srv.SendToWebsocket(socketEnvelope("interactive", "m-2", pressOn(t, answer, value, "1764151230.000001"), 0))
	_, i = f.waitFor(i+1, "with the ticket number", func(p post) bool { return strings.Contains(p.body(), "HD-2026-") })
	testwait.For(t, "the pressed message updated", func() bool { return len(f.updated()) == 1 })
	u := f.updated()[0]
	if u.Channel != answer.Channel || u.TS != answer.TS || u.Text != answer.Text {
		t.Fatalf("update %q/%q text %q, want %q/%q text %q", u.Channel, u.TS, u.Text, answer.Channel, answer.TS, answer.Text)
	}
	raw, _ := json.Marshal(u.Blocks)
	if !strings.Contains(string(raw), "✓ Non risolto") || strings.Contains(string(raw), `"`+actionPrefix) ||
		!strings.Contains(string(raw), linkPrefix) || !strings.Contains(string(raw), "smart card") {
		t.Fatalf("blocks after the press: %s", raw)
	}

	// The same button again: a double click, or the old message.
	f.srv.SendToWebsocket(socketEnvelope("interactive", "m-3", pressOn(t, answer, value, "1764151231.000002"), 0))
	f.waitFor(i+1, "refusing the second press", func(p post) bool { return strings.Contains(p.body(), "non è più valida") })
	f.waitAcks("m-1", "m-2", "m-3")
	time.Sleep(testwait.Quiet) // a wrong second update gets a bounded while to show itself
	if n := len(f.updated()); n != 1 {
		t.Fatalf("%d updates, want only the first press's", n)
	}
}
