// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"context"
	"testing"
	"time"
)

// Which messages are for the bot, and under which conversation key.
func TestFromMessage(t *testing.T) {
	f := newFakeSlack(t)
	a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler())
	a.threads.add("C1/100.1", time.Now())
	tests := []struct {
		name string
		m    message
		key  string // "" when skipped
		text string
	}{
		{"dm", message{Type: "message", Channel: "D1", ChannelType: "im", User: "U1", Text: "ciao", TS: "1.1"}, "D1", "ciao"},
		{"dm in a thread stays the dm", message{Type: "message", Channel: "D1", ChannelType: "im", User: "U1", Text: "x", TS: "2.1", ThreadTS: "1.1"}, "D1", "x"},
		{"dm without channel_type", message{Type: "message", Channel: "D1", User: "U1", Text: "x", TS: "2.1"}, "D1", "x"},
		{"mention in a dm", message{Type: "app_mention", Channel: "D1", User: "U1", Text: "<@UBOT> x", TS: "2.1"}, "D1", "x"},
		{"mention at top level", message{Type: "app_mention", Channel: "C1", User: "U1", Text: "<@UBOT> aiuto", TS: "5.5"}, "C1/5.5", "aiuto"},
		{"mention in a thread", message{Type: "app_mention", Channel: "C1", User: "U1", Text: "<@UBOT> aiuto", TS: "6.6", ThreadTS: "5.5"}, "C1/5.5", "aiuto"},
		{"bare mention", message{Type: "app_mention", Channel: "C1", User: "U1", Text: "<@UBOT>", TS: "7.7"}, "C1/7.7", ""},
		{"file with a comment", message{Type: "message", Subtype: "file_share", Channel: "D1", ChannelType: "im", User: "U1", Text: "ecco l'errore", TS: "3.1"}, "D1", "ecco l'errore"},
		{"file alone", message{Type: "message", Subtype: "file_share", Channel: "D1", ChannelType: "im", User: "U1", TS: "3.2"}, "", ""},
		{"followed thread", message{Type: "message", Channel: "C1", ChannelType: "channel", User: "U1", Text: "VPN", TS: "100.2", ThreadTS: "100.1"}, "C1/100.1", "VPN"},
		{"broadcast in followed thread", message{Type: "message", Subtype: "thread_broadcast", Channel: "C1", ChannelType: "channel", User: "U1", Text: "VPN", TS: "100.3", ThreadTS: "100.1"}, "C1/100.1", "VPN"},
		{"other thread", message{Type: "message", Channel: "C1", ChannelType: "channel", User: "U1", Text: "x", TS: "200.2", ThreadTS: "200.1"}, "", ""},
		{"mention seen as message", message{Type: "message", Channel: "C1", ChannelType: "channel", User: "U1", Text: "<@UBOT> x", TS: "100.4", ThreadTS: "100.1"}, "", ""},
		{"own message", message{Type: "message", Channel: "D1", ChannelType: "im", User: "UBOT", Text: "x", TS: "4.1"}, "", ""},
		{"bot", message{Type: "message", Channel: "D1", ChannelType: "im", BotID: "B9", Text: "x", TS: "4.2"}, "", ""},
		{"edit", message{Type: "message", Subtype: "message_changed", Channel: "D1", ChannelType: "im", TS: "4.3"}, "", ""},
		{"join", message{Type: "message", Subtype: "channel_join", Channel: "C1", ChannelType: "channel", User: "U1", Text: "<@U1> has joined", TS: "4.4"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, skip := a.fromMessage(t.Context(), tt.m)
			if tt.key == "" {
				if skip == "" {
					t.Fatalf("taken as %+v, want skipped", in)
				}
				return
			}
			if skip != "" {
				t.Fatalf("skipped (%s)", skip)
			}
			if in.ConversationKey != tt.key || in.Text != tt.text || in.ExternalID != "msg:"+tt.m.Channel+":"+tt.m.TS || in.User.ID != tt.m.User {
				t.Fatalf("inbound = %+v", in)
			}
		})
	}
}

func TestFollowedAfterRestart(t *testing.T) {
	f := newFakeSlack(t)
	asked := []string{}
	a, _ := newTestAdapter(t, f, ModeHTTP, newRecordingHandler(), WithOpenConversation(func(_ context.Context, key string) (bool, error) {
		asked = append(asked, key)
		return key == "C1/300.1", nil
	}))
	in, skip := a.fromMessage(t.Context(), message{Type: "message", Channel: "C1", ChannelType: "channel", User: "U1", Text: "x", TS: "300.2", ThreadTS: "300.1"})
	if skip != "" || in.ConversationKey != "C1/300.1" {
		t.Fatalf("open conversation's thread not followed: %+v %s", in, skip)
	}
	if _, skip := a.fromMessage(t.Context(), message{Type: "message", Channel: "C1", ChannelType: "channel", User: "U1", Text: "x", TS: "400.2", ThreadTS: "400.1"}); skip == "" {
		t.Fatal("thread without conversation followed")
	}
	// The first answer put the thread in memory: no second question.
	if _, skip := a.fromMessage(t.Context(), message{Type: "message", Channel: "C1", ChannelType: "channel", User: "U1", Text: "y", TS: "300.3", ThreadTS: "300.1"}); skip != "" {
		t.Fatal(skip)
	}
	if len(asked) != 2 {
		t.Fatalf("asked %v", asked)
	}
}
