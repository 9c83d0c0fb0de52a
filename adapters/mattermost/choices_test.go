// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"context"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
)

var question = bots.Reply{Text: "Ti è stato utile?", Buttons: []bots.Button{
	{Label: "Risolto", Action: "fb:yes"}, {Label: "Non risolto", Action: "fb:no"}, {Label: "Parla con un operatore", Action: "menu:human"}}}

func TestNumberedChoices(t *testing.T) {
	type step struct {
		text   string // what the user writes ("" : the bot asks the question)
		action string // the action the adapter should find ("" : the text stays text)
	}
	tests := []struct {
		name     string
		thread   bool
		callback bool
		restart  bool
		failGets bool
		steps    []step
	}{
		{name: "two picks the second button", steps: []step{{}, {text: "2", action: "fb:no"}}},
		{name: "after a restart", restart: true, steps: []step{{}, {text: "3", action: "menu:human"}}},
		{name: "in a thread", thread: true, steps: []step{{}, {text: "1", action: "fb:yes"}}},
		{name: "out of range", steps: []step{{}, {text: "4"}}},
		{name: "zero is text", steps: []step{{}, {text: "0"}}},
		{name: "a sign makes it text", steps: []step{{}, {text: "+2"}}},
		{name: "a leading zero is still the number", steps: []step{{}, {text: "02", action: "fb:no"}}},
		{name: "a number with words is text", steps: []step{{}, {text: "2 grazie"}}},
		{name: "a number after the user wrote is text", steps: []step{{}, {text: "ho riavviato"}, {text: "2"}}},
		{name: "no question asked", steps: []step{{text: "2"}}},
		{name: "buttons in use", callback: true, steps: []step{{}, {text: "2"}}},
		{name: "server cannot be read", failGets: true, steps: []step{{}, {text: "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeServer(t)
			alice := f.addUser("alice.rossi", "Alice", "Rossi", "", "it")
			cfg := Config{}
			if tt.callback {
				cfg = Config{CallbackURL: "https://hd.test" + ActionPath, ActionSecret: testSecret}
			}
			rec := &recorder{}
			a := newTestAdapter(t, f, rec, cfg, nil)
			bot := f.bot
			var key, channelID, rootID, channelType string
			if tt.thread {
				channelID = model.NewId()
				root := f.userPost(alice.Id, channelID, "", "@helpdesk la VPN")
				rootID, key, channelType = root.Id, threadKey(channelID, root.Id), "O"
				a.markThread(root.Id)
			} else {
				dm, err := a.dmChannel(context.Background(), alice.Id)
				if err != nil {
					t.Fatal(err)
				}
				channelID, key, channelType = dm, dmKey(alice.Id), "D"
			}
			for i, s := range tt.steps {
				if s.text == "" {
					if err := a.Send(context.Background(), bots.Outbound{ExternalID: "out:1:0", ConversationKey: key, Reply: question}); err != nil {
						t.Fatal(err)
					}
					if tt.restart {
						a = newTestAdapter(t, f, rec, cfg, nil)
					}
					continue
				}
				f.failGets = tt.failGets
				p := f.userPost(alice.Id, channelID, rootID, s.text)
				in, ok := a.inbound(context.Background(), posted{post: p, channelType: channelType}, bot)
				if !ok {
					t.Fatalf("step %d: post not accepted", i)
				}
				wantText := s.text
				if s.action != "" {
					wantText = ""
				}
				if in.Action != s.action || in.Text != wantText {
					t.Errorf("step %d %q: action %q text %q, want action %q text %q", i, s.text, in.Action, in.Text, s.action, wantText)
				}
			}
		})
	}
}
