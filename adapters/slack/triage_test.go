// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"net/http"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
)

// triageRecorder collects what the adapter diverts to the triage hook.
type triageRecorder chan TriageEvent

func (r triageRecorder) hook(_ context.Context, ev TriageEvent) { r <- ev }

func (r triageRecorder) next(t *testing.T) TriageEvent {
	t.Helper()
	return testwait.Recv(t, "an event at the triage hook", r)
}

// The triage channel's messages and presses go to the hook, never to the
// engine; other channels are untouched; a mention there is not passed on
// twice.
func TestTriageChannelDiverted(t *testing.T) {
	f := newFakeSlack(t)
	h := newRecordingHandler()
	a, _ := newTestAdapter(t, f, ModeHTTP, h)
	rec := make(triageRecorder, 10)
	a.SetTriage("C0SUPPORT", rec.hook)
	run(t, a)
	now := time.Now()

	if w := serve(a, sign(t, EventsPath, fixture(t, "events/message_thread_reply.json"), testSecret, now)); w.Code != http.StatusOK {
		t.Fatalf("events answered %d", w.Code)
	}
	ev := rec.next(t)
	want := TriageEvent{ID: "msg:C0SUPPORT:1764151360.000300", Channel: "C0SUPPORT", Thread: "1764151300.000200", User: "U0ANNA", Text: "Stampante"}
	if ev != want {
		t.Fatalf("hook got %+v, want %+v", ev, want)
	}
	serve(a, sign(t, EventsPath, fixture(t, "events/app_mention.json"), testSecret, now))
	serve(a, sign(t, InteractionsPath, interactionForm(fixture(t, "interactions/block_actions_thread.json")), testSecret, now))
	ev = rec.next(t)
	if ev.Action == "" || ev.User != "U0ANNA" || ev.Channel != "C0SUPPORT" {
		t.Fatalf("press reached the hook as %+v", ev)
	}
	h.none(t, 300*time.Millisecond)
	select {
	case ev := <-rec:
		t.Fatalf("the mention reached the hook too: %+v", ev)
	default:
	}

	serve(a, sign(t, EventsPath, fixture(t, "events/message_im.json"), testSecret, now))
	if in := h.next(t); in.ConversationKey == "" {
		t.Fatalf("a DM must still reach the engine: %+v", in)
	}
}

func TestPostMessageReturnsTS(t *testing.T) {
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
	ts, err := a.PostMessage(context.Background(), "C0TRIAGE", "", bots.Reply{Text: "card", Buttons: []bots.Button{{Label: "Take", Action: "triage:take:1"}}})
	if err != nil || ts == "" {
		t.Fatalf("PostMessage = %q, %v", ts, err)
	}
	if _, err := a.PostMessage(context.Background(), "C0TRIAGE", ts, bots.Reply{Text: "in the thread"}); err != nil {
		t.Fatal(err)
	}
	ps := f.waitPosts(2)
	if ps[0].ThreadTS != "" || len(ps[0].buttons()) != 1 || ps[0].buttons()[0] != "triage:take:1" || ps[1].ThreadTS != ts {
		t.Fatalf("posts %+v", ps)
	}
}
