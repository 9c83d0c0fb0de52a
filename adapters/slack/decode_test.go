// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct {
		file string
		kind envelopeKind
		want message
	}{
		{"message_im.json", kindMessage, message{Type: "message", Channel: "D0ANNA", ChannelType: "im", User: "U0ANNA",
			Text: "il lettore non riconosce la smart card", TS: "1764151200.000100"}},
		{"app_mention.json", kindMessage, message{Type: "app_mention", Channel: "C0SUPPORT", User: "U0ANNA",
			Text: "<@UBOT> la stampante di rete &amp; lo scanner non vanno, scrivete a <mailto:anna.rossi@example.org|anna.rossi@example.org>",
			TS:   "1764151300.000200"}},
		{"message_thread_reply.json", kindMessage, message{Type: "message", Channel: "C0SUPPORT", ChannelType: "channel",
			User: "U0ANNA", Text: "Stampante", TS: "1764151360.000300", ThreadTS: "1764151300.000200"}},
		{"message_changed.json", kindMessage, message{Type: "message", Subtype: "message_changed", Channel: "D0ANNA",
			ChannelType: "im", TS: "1764151210.000500"}},
		{"bot_message.json", kindMessage, message{Type: "message", Channel: "D0ANNA", ChannelType: "im", User: "UBOT",
			BotID: "B0HELPDESK", Text: "Ho trovato questo nelle guide", TS: "1764151201.000600"}},
		{"url_verification.json", kindURLVerification, message{}},
		{"app_rate_limited.json", kindRateLimited, message{}},
		{"reaction_added.json", kindIgnored, message{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, err := decodeEnvelope(fixture(t, filepath.Join("events", tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if env.Kind != tt.kind {
				t.Fatalf("kind = %v, want %v", env.Kind, tt.kind)
			}
			if env.Message != tt.want {
				t.Errorf("message = %+v\nwant      %+v", env.Message, tt.want)
			}
			if tt.kind == kindURLVerification && env.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
				t.Errorf("challenge = %q", env.Challenge)
			}
		})
	}
}

func TestDecodeEnvelopeMalformed(t *testing.T) {
	tests := map[string]string{
		"not json":          `{"type":`,
		"no type":           `{"event_id":"Ev1"}`,
		"array":             `[1,2]`,
		"challenge missing": `{"type":"url_verification"}`,
		"no event":          `{"type":"event_callback","event_id":"Ev1"}`,
		"no event id":       `{"type":"event_callback","event":{"type":"message","channel":"D1","ts":"1.2"}}`,
		"event not object":  `{"type":"event_callback","event_id":"Ev1","event":"message"}`,
		"no channel":        `{"type":"event_callback","event_id":"Ev1","event":{"type":"message","user":"U1","ts":"1.2"}}`,
		"bad ts":            `{"type":"event_callback","event_id":"Ev1","event":{"type":"message","channel":"D1","user":"U1","ts":"yesterday"}}`,
		"bad thread ts":     `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","channel":"C1","user":"U1","ts":"1.2","thread_ts":"x"}}`,
		"text not string":   `{"type":"event_callback","event_id":"Ev1","event":{"type":"message","channel":"D1","user":"U1","ts":"1.2","text":7}}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeEnvelope([]byte(body)); !errors.Is(err, errMalformed) {
				t.Fatalf("err = %v, want errMalformed", err)
			}
		})
	}
}

func TestDecodeInteraction(t *testing.T) {
	tests := []struct {
		file string
		want []press
	}{
		{"block_actions_dm.json", []press{{Channel: "D0ANNA", DM: true, User: "U0ANNA", UserName: "anna.rossi",
			Value: "fb:no", ActionTS: "1764151230.123456", MessageTS: "1764151201.000600", MessageText: "Ho trovato questo nelle guide", Label: "Non risolto"}}},
		{"block_actions_thread.json", []press{{Channel: "C0SUPPORT", ThreadTS: "1764151300.000200", User: "U0ANNA",
			UserName: "anna.rossi", Value: "pick:stampante-rete", ActionTS: "1764151320.654321",
			MessageTS: "1764151301.000800", MessageText: "Intendevi una di queste?", Label: "Stampante di rete"}}},
		{"block_actions_link.json", nil},
		{"view_submission.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := decodeInteractionForm(interactionForm(fixture(t, filepath.Join("interactions", tt.file))))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("presses = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				got[i].MessageBlocks = nil // the message's own blocks, kept as they came
				if !reflect.DeepEqual(got[i], tt.want[i]) {
					t.Errorf("press %d = %+v\nwant      %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestDecodeInteractionMalformed(t *testing.T) {
	tests := map[string]string{
		"no payload field": "foo=bar",
		"bad form":         "payload=%zz",
		"payload not json": "payload=%7B",
		"no type":          "payload=" + `{"user":{"id":"U1"}}`,
		"no user":          "payload=" + `{"type":"block_actions","container":{"channel_id":"D1"},"actions":[]}`,
		"no channel":       "payload=" + `{"type":"block_actions","user":{"id":"U1"},"actions":[]}`,
		"button no value":  "payload=" + `{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"D1"},"actions":[{"type":"button","action_id":"hd-act-0","action_ts":"1.2"}]}`,
		"button bad ts":    "payload=" + `{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"D1"},"actions":[{"type":"button","action_id":"hd-act-0","value":"x","action_ts":"now"}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeInteractionForm([]byte(body)); !errors.Is(err, errMalformed) {
				t.Fatalf("err = %v, want errMalformed", err)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<@UBOT> il lettore non va", "il lettore non va"},
		{"ciao <@UBOT>, aiuto", "ciao , aiuto"},
		{"chiedi a <@U0MARCO>", "chiedi a @U0MARCO"},
		{"chiedi a <@U0MARCO|marco>", "chiedi a @marco"},
		{"vedi <#C0SUPPORT|supporto>", "vedi #supporto"},
		{"<!here> server giù", "@here server giù"},
		{"<!subteam^S123|@sistemisti> aiuto", "@sistemisti aiuto"},
		{"la mia e-mail è <mailto:anna.rossi@example.org|anna.rossi@example.org>", "la mia e-mail è anna.rossi@example.org"},
		{"<https://intranet.example.org/x?a=1&amp;b=2|intranet.example.org/x>", "intranet.example.org/x"},
		{"<https://example.org>", "https://example.org"},
		{"1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"},
		{"  prima riga\nseconda riga  ", "prima riga\nseconda riga"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in, "UBOT"); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := stripLeadingMention("<@UOTHER> ciao"); got != " ciao" {
		t.Errorf("stripLeadingMention = %q", got)
	}
}

func TestTimestamps(t *testing.T) {
	tests := []struct {
		ts    string
		valid bool
		want  time.Time
	}{
		{"1764151200.000100", true, time.Unix(1764151200, 100_000).UTC()},
		{"1764151200", true, time.Unix(1764151200, 0).UTC()},
		{"", false, time.Time{}},
		{".5", false, time.Time{}},
		{"12a.5", false, time.Time{}},
		{"-1.5", false, time.Time{}},
	}
	for _, tt := range tests {
		if got := validTS(tt.ts); got != tt.valid {
			t.Errorf("validTS(%q) = %v", tt.ts, got)
		}
		if got := tsTime(tt.ts); !got.Equal(tt.want) {
			t.Errorf("tsTime(%q) = %v, want %v", tt.ts, got, tt.want)
		}
	}
}

func seedDir(f interface{ Add(...any) }, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

// FuzzDecodeEnvelope: any body either fails as malformed or yields an
// envelope whose promises hold (a message has a channel and a valid ts).
func FuzzDecodeEnvelope(f *testing.F) {
	seedDir(f, "events")
	f.Add([]byte(`{"type":"event_callback","event_id":"E","event":{"type":"message","channel":"D","ts":"1.1"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not marked malformed: %v", err)
			}
			return
		}
		switch env.Kind {
		case kindMessage:
			if env.Message.Channel == "" || !validTS(env.Message.TS) || env.EventID == "" {
				t.Fatalf("message without channel, ts or event id: %+v", env)
			}
			if tsTime(env.Message.TS).IsZero() && env.Message.TS[0] != '0' {
				t.Fatalf("valid ts %q gives no time", env.Message.TS)
			}
			_ = plainText(env.Message.Text, "UBOT")
		case kindURLVerification:
			if env.Challenge == "" {
				t.Fatal("url_verification without challenge")
			}
		}
	})
}

// FuzzDecodeInteraction: presses always carry what fromPress needs.
func FuzzDecodeInteraction(f *testing.F) {
	seedDir(f, "interactions")
	f.Fuzz(func(t *testing.T, payload []byte) {
		presses, err := decodeInteraction(payload)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error not marked malformed: %v", err)
			}
			return
		}
		for _, p := range presses {
			if p.User == "" || p.Channel == "" || p.Value == "" || !validTS(p.ActionTS) {
				t.Fatalf("incomplete press %+v", p)
			}
			in := fromPress(p)
			if in.ExternalID == "" || in.ConversationKey == "" || in.Action == "" {
				t.Fatalf("incomplete inbound %+v", in)
			}
		}
	})
}

// FuzzPlainText: conversion never panics and never grows the text by
// more than the unescaping of entities allows.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<@UBOT> ciao", "<mailto:a@b.c|a@b.c>", "<<>>", "<!date^1392734382^{date}|Feb 18>", "&amp;lt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := plainText(s, "UBOT"); len(got) > len(s) {
			t.Fatalf("plainText grew %q to %q", s, got)
		}
	})
}
