// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

const fixtureBot = "ujzde8gxd6ncf10epf91dhodzd"

func fixtureEvent(t testing.TB, name string) *model.WebSocketEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := model.WebSocketEventFromJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

func TestDecodePosted(t *testing.T) {
	tests := []struct {
		fixture     string
		wantErr     bool
		postID      string
		channelType string
		message     string
		mentioned   bool
	}{
		{fixture: "posted_dm.json", postID: "w53efr4edt2sywb3wkh5dnsipz", channelType: "D", message: "la VPN non si connette da casa", mentioned: true},
		{fixture: "posted_mention.json", postID: "z5fk2z9ri19r0wyojfljooa5lq", channelType: "O", message: "@helpdesk the network printer does not print", mentioned: true},
		{fixture: "posted_bot_echo.json", postID: "vdgaj8gxbenyjqwx4hh5344tfj", channelType: "D", message: "I found this in our guides"},
		{fixture: "posted_post_object.json", wantErr: true},
		{fixture: "posted_truncated_post.json", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			ev := fixtureEvent(t, tt.fixture)
			if ev.EventType() != model.WebsocketEventPosted {
				t.Fatalf("event type %q", ev.EventType())
			}
			p, err := decodePosted(ev.GetData())
			if tt.wantErr {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("err = %v, want errMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.post.Id != tt.postID || p.channelType != tt.channelType || p.post.Message != tt.message {
				t.Errorf("got id %q type %q message %q", p.post.Id, p.channelType, p.post.Message)
			}
			got := false
			for _, m := range p.mentions {
				got = got || m == fixtureBot
			}
			if got != tt.mentioned {
				t.Errorf("mentioned = %v, want %v", got, tt.mentioned)
			}
		})
	}
}

func TestDecodePostedRejects(t *testing.T) {
	good := `{"id":"w53efr4edt2sywb3wkh5dnsipz","user_id":"oc9is0j8ht9lgmxg9edn581u33","channel_id":"xtplpft75v2seh60kvj50ce9uv","message":"x"}`
	tests := []struct {
		name string
		data map[string]any
	}{
		{"no post", map[string]any{"channel_type": "D"}},
		{"post id short", map[string]any{"post": strings.Replace(good, "w53efr4edt2sywb3wkh5dnsipz", "w53", 1)}},
		{"user id with colon", map[string]any{"post": strings.Replace(good, "oc9is0j8ht9lgmxg9edn581u33", "oc9is0j8ht9lgmxg9edn581u:3", 1)}},
		{"no channel", map[string]any{"post": strings.Replace(good, "xtplpft75v2seh60kvj50ce9uv", "", 1)}},
		{"bad root", map[string]any{"post": strings.Replace(good, `"message"`, `"root_id":"../x","message"`, 1)}},
		{"channel type not a string", map[string]any{"post": good, "channel_type": 4.0}},
		{"mentions not JSON", map[string]any{"post": good, "mentions": "[oops"}},
		{"mentions an array, not a string", map[string]any{"post": good, "mentions": []any{"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodePosted(tt.data); !errors.Is(err, errMalformed) {
				t.Fatalf("err = %v, want errMalformed", err)
			}
		})
	}
	if _, err := decodePosted(map[string]any{"post": good}); err != nil {
		t.Fatalf("the good post was rejected: %v", err)
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct{ in, want string }{
		{"@helpdesk la stampante", "la stampante"},
		{"la stampante @HelpDesk", "la stampante"},
		{"ciao @helpdesk, la VPN", "ciao , la VPN"},
		{"@helpdesk2 non sono io", "@helpdesk2 non sono io"},
		{"@helpdesk.bot nemmeno", "@helpdesk.bot nemmeno"},
		{"riga uno\nriga due @helpdesk", "riga uno\nriga due"},
		{"@helpdesk", ""},
		{"İ@helpdesk ü", "İ ü"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := stripMention(tt.in, "helpdesk"); got != tt.want {
				t.Errorf("stripMention(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	u, c, r := "oc9is0j8ht9lgmxg9edn581u33", "saj08xui6d39zzzzg4zdmen2kh", "z5fk2z9ri19r0wyojfljooa5lq"
	if gu, _, _, err := parseKey(dmKey(u)); err != nil || gu != u {
		t.Errorf("dm key: %q %v", gu, err)
	}
	if _, gc, gr, err := parseKey(threadKey(c, r)); err != nil || gc != c || gr != r {
		t.Errorf("thread key: %q %q %v", gc, gr, err)
	}
	for _, bad := range []string{"", "dm:", "dm:short", "th:" + c, "th:" + c + ":" + r + ":x", "tg:" + u, "dm:" + u + ":"} {
		if _, _, _, err := parseKey(bad); err == nil {
			t.Errorf("parseKey(%q) accepted", bad)
		}
	}
}

// FuzzDecodePosted feeds arbitrary frames through the same path as the
// socket: the library's event decoder, then ours. Nothing may panic, and
// whatever is accepted must carry ids that make a valid conversation key.
func FuzzDecodePosted(f *testing.F) {
	for _, name := range []string{"posted_dm.json", "posted_mention.json", "posted_bot_echo.json", "posted_post_object.json", "posted_truncated_post.json"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"event":"posted","data":{"post":"null"}}`))
	f.Add([]byte(`{"event":"posted","data":{"post":"{\"props\":{\"from_bot\":1}}","mentions":"null"}}`))
	f.Fuzz(func(t *testing.T, frame []byte) {
		ev, err := model.WebSocketEventFromJSON(bytes.NewReader(frame))
		if err != nil || ev == nil {
			return
		}
		p, err := decodePosted(ev.GetData())
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not marked malformed: %v", err)
			}
			return
		}
		if _, _, _, err := parseKey(dmKey(p.post.UserId)); err != nil {
			t.Fatalf("accepted user id makes a bad key: %v", err)
		}
		root := p.post.RootId
		if root == "" {
			root = p.post.Id
		}
		if _, _, _, err := parseKey(threadKey(p.post.ChannelId, root)); err != nil {
			t.Fatalf("accepted ids make a bad key: %v", err)
		}
		_ = fromIntegration(p.post)
		_ = stripMention(p.post.Message, "helpdesk")
	})
}
