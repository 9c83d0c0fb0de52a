// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"helpdesk/bots"
)

const fixtureBot = 123456789

func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		file      string
		malformed bool // decodeUpdate fails
		kind      kind
		want      bots.Inbound
		command   string
		callback  string
		lang      string
	}{
		{file: "private_text.json", kind: kindInbound, lang: "it", want: bots.Inbound{Channel: "telegram",
			ExternalID: "tg:123456789:m:5012345678:58", ConversationKey: "5012345678",
			User: bots.User{ID: "5012345678", Name: "Marco Bianchi", Lang: "it"},
			Text: "la stampante del secondo piano non stampa", At: time.Unix(1764147600, 0).UTC()}},
		{file: "private_command_status.json", kind: kindInbound, command: "/status", lang: "en", want: bots.Inbound{Channel: "telegram",
			ExternalID: "tg:123456789:m:5012345678:59", ConversationKey: "5012345678",
			User: bots.User{ID: "5012345678", Name: "Marco", Lang: "en"},
			Text: "HD-2026-000123", At: time.Unix(1764147660, 0).UTC()}},
		{file: "private_command_start.json", kind: kindInbound, command: "/start", lang: "it", want: bots.Inbound{Channel: "telegram",
			ExternalID: "tg:123456789:m:6011122233:1", ConversationKey: "6011122233",
			User: bots.User{ID: "6011122233", Name: "Anna"}, Action: actionHelp, At: time.Unix(1764147700, 0).UTC()}},
		{file: "callback_query.json", kind: kindInbound, callback: "4382bfdwdsb323b2d9", lang: "it", want: bots.Inbound{Channel: "telegram",
			ExternalID: "tg:123456789:cb:4382bfdwdsb323b2d9", ConversationKey: "5012345678",
			User: bots.User{ID: "5012345678", Name: "Marco", Lang: "it"}}},
		{file: "callback_inaccessible.json", kind: kindInbound, callback: "4382bfdwdsb323b2e1", lang: "it", want: bots.Inbound{Channel: "telegram",
			ExternalID: "tg:123456789:cb:4382bfdwdsb323b2e1", ConversationKey: "5012345678",
			User: bots.User{ID: "5012345678", Name: "Marco"}}},
		{file: "group_command.json", kind: kindGroup, lang: "it"},
		{file: "group_text.json", kind: kindIgnore, lang: "it"},
		{file: "photo_caption.json", kind: kindInbound, lang: "it", want: bots.Inbound{Channel: "telegram",
			ExternalID: "tg:123456789:m:5012345678:61", ConversationKey: "5012345678",
			User: bots.User{ID: "5012345678", Name: "Marco", Lang: "it"}, Text: "questo è l'errore che vedo", At: time.Unix(1764147900, 0).UTC()}},
		{file: "sticker.json", kind: kindNotText, lang: "en"},
		{file: "edited_message.json", kind: kindIgnore},
		{file: "malformed_text_number.json", malformed: true},
		{file: "malformed_no_sender.json", kind: kindMalformed},
		{file: "malformed_no_update_id.json", malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "updates", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			u, err := decodeUpdate(raw)
			if tt.malformed {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("err = %v, want errMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev := u.event(fixtureBot)
			if ev.kind != tt.kind {
				t.Fatalf("kind = %d (%s), want %d", ev.kind, ev.reason, tt.kind)
			}
			if ev.kind != kindInbound {
				if tt.lang != "" && ev.lang != tt.lang {
					t.Errorf("lang = %q, want %q", ev.lang, tt.lang)
				}
				return
			}
			if ev.in != tt.want {
				t.Errorf("inbound =\n %+v\nwant\n %+v", ev.in, tt.want)
			}
			if ev.command != tt.command || ev.callbackID != tt.callback || ev.lang != tt.lang {
				t.Errorf("command %q callback %q lang %q; want %q %q %q", ev.command, ev.callbackID, ev.lang, tt.command, tt.callback, tt.lang)
			}
		})
	}
}

func FuzzDecodeUpdate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "updates", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"update_id":1,"callback_query":{"id":"x","from":{"id":1},"data":"~k"}}`))
	f.Add([]byte(`{"update_id":1,"message":{"message_id":1,"from":{"id":1},"chat":{"id":1,"type":"private"},"text":"\ud800"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		u, err := decodeUpdate(raw)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v does not wrap errMalformed", err)
			}
			return
		}
		if u.UpdateID <= 0 {
			t.Fatal("accepted an update without update_id")
		}
		ev := u.event(fixtureBot)
		if ev.lang != "it" && ev.lang != "en" && ev.lang != "" {
			t.Fatalf("lang %q", ev.lang)
		}
		if ev.kind != kindInbound {
			return
		}
		in := ev.in
		if in.Channel != "telegram" || in.ExternalID == "" || in.ConversationKey == "" || in.User.ID == "" {
			t.Fatalf("inbound missing ids: %+v", in)
		}
		if in.User.Lang != "" && in.User.Lang != "it" && in.User.Lang != "en" {
			t.Fatalf("profile language %q would break the conversations.lang check", in.User.Lang)
		}
		if !utf8.ValidString(in.Text) {
			t.Fatalf("text is not UTF-8: %q", in.Text)
		}
		if ev.callbackID == "" && in.Text == "" && in.Action == "" {
			t.Fatalf("message with neither text nor action: %+v", in)
		}
		if ev.chatID == 0 {
			t.Fatal("no chat to answer in")
		}
	})
}
