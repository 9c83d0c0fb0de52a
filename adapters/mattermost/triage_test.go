// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
	"helpdesk/internal/testwait"
)

type triageEvents struct {
	mu  sync.Mutex
	got []TriageEvent
}

func (e *triageEvents) hook(_ context.Context, ev TriageEvent) {
	e.mu.Lock()
	e.got = append(e.got, ev)
	e.mu.Unlock()
}

func (e *triageEvents) list() []TriageEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]TriageEvent(nil), e.got...)
}

// Posts of the triage channel, mention or not, go to the hook and never
// to the engine; other channels are untouched; presses of buttons posted
// with PostMessage go to the hook too.
func TestTriageChannelDiverted(t *testing.T) {
	f := newFakeServer(t)
	alice := f.addUser("alice.rossi", "Alice", "Rossi", "alice@example.org", "it")
	triage := model.NewId()
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, Config{CallbackURL: "http://desk.test" + ActionPath, ActionSecret: testSecret}, nil)
	events := &triageEvents{}
	a.SetTriage(triage, events.hook)
	run(t, a)
	waitFor(t, "connection", func() bool { return f.connections() == 1 })

	root, err := a.PostMessage(context.Background(), triage, "", bots.Reply{Text: "card", Buttons: []bots.Button{{Label: "Take", Action: "triage:take:1"}}})
	if err != nil || !model.IsValidId(root) {
		t.Fatalf("PostMessage = %q, %v", root, err)
	}
	reply := f.userPost(alice.Id, triage, root, "@helpdesk take")
	f.push(f.posted(reply, "O", "alice.rossi", []string{f.bot.Id}))
	dm := f.userPost(alice.Id, model.NewId(), "", "la VPN non va")
	f.push(f.posted(dm, "D", "alice.rossi", nil))
	waitFor(t, "the DM reaches the engine", func() bool { return len(rec.inbounds()) == 1 })
	waitFor(t, "the thread reply reaches the hook", func() bool { return len(events.list()) == 1 })
	want := TriageEvent{ID: reply.Id, Channel: triage, Thread: root, User: alice.Id, UserName: "alice.rossi", Text: "take"}
	if got := events.list()[0]; got != want {
		t.Fatalf("hook got %+v, want %+v", got, want)
	}

	card := f.createdPosts()[0]
	if card.RootId != "" || card.ChannelId != triage {
		t.Fatalf("card posted as %+v", card)
	}
	ctx := card.Attachments()[0].Actions[0].Integration.Context
	body, _ := json.Marshal(model.PostActionIntegrationRequest{UserId: alice.Id, UserName: "alice.rossi", PostId: card.Id, Context: ctx})
	mux := http.NewServeMux()
	a.Routes(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, ActionPath, bytes.NewReader(body)))
	if w.Code != http.StatusOK {
		t.Fatalf("press answered %d", w.Code)
	}
	waitFor(t, "the press reaches the hook", func() bool { return len(events.list()) == 2 })
	if got := events.list()[1]; got.Action != "triage:take:1" || got.Thread != card.Id || got.User != alice.Id {
		t.Fatalf("press reached the hook as %+v", got)
	}
	time.Sleep(testwait.Quiet) // a wrong extra one gets a bounded while to show itself
	if n := len(rec.inbounds()); n != 1 {
		t.Fatalf("the engine got %d inbound messages, want only the DM", n)
	}
}

// Without a callback URL a triage post has no buttons (agents type the
// commands), rather than numbered choices nobody could answer.
func TestTriagePostWithoutCallbackHasNoButtons(t *testing.T) {
	f := newFakeServer(t)
	a := newTestAdapter(t, f, &recorder{}, Config{}, nil)
	if _, err := a.PostMessage(context.Background(), model.NewId(), "", bots.Reply{Text: "card", Buttons: []bots.Button{{Label: "Take", Action: "triage:take:1"}}}); err != nil {
		t.Fatal(err)
	}
	p := f.createdPosts()[0]
	if len(p.Attachments()) != 0 || p.GetProp(choicesProp) != nil || p.Message != "card" {
		t.Fatalf("post %+v", p)
	}
}
