// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/kb"
)

// TestMessageViews: the history as an agent reads it — agents by name,
// the desk's Markdown rendered, the user's words escaped, a button press
// by the label the user saw (else the engine's, the guide's title, the
// rating), and an outgoing message not yet delivered marked.
func TestMessageViews(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	ctx := context.Background()
	luca := d.session("luca", agents.RoleAgentL1)
	if _, _, err := d.c.kb.Save(ctx, kb.Entry{ID: "vpn", Kind: kb.KindFAQ, Lang: "it", Title: "La VPN non si collega", Body: "Riavvia.",
		Questions: []string{"vpn"}, Audience: kb.AudiencePublic, Status: kb.StatusDraft}, "ed", ""); err != nil {
		t.Fatal(err)
	}
	payload := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	offered := payload(map[string]any{"buttons": []bots.Button{{Label: "Parla con noi", Action: "menu:human"}, {Label: "Sì", Action: "fb:yes"}}})
	press := func(action string) []byte { return payload(map[string]string{"action": action}) }
	now := time.Now()
	ms := []bots.Message{
		{Direction: "in", Author: "telegram:1", Body: "la <b>VPN</b>\nnon va"},
		{Direction: "out", Author: "bot", Body: "Prova **così**", Payload: offered, SentAt: &now},
		{Direction: "in", Author: "telegram:1", Payload: press("menu:human")},
		{Direction: "in", Author: "telegram:1", Payload: press("menu:faq")},
		{Direction: "in", Author: "telegram:1", Payload: press("pick:vpn")},
		{Direction: "in", Author: "telegram:1", Payload: press("csat:4")},
		{Direction: "in", Author: "telegram:1", Payload: press("mystery")},
		{Direction: "out", Author: fmt.Sprintf("agent:%d", luca.ID), Body: "Arrivo", SendError: "timeout"},
	}
	got, err := d.c.messageViews(ctx, "it", ms)
	if err != nil {
		t.Fatal(err)
	}
	t1 := func(key string, args ...any) string { return Text.T("it", key, args...) }
	want := []struct{ html, pressed string }{
		{"la &lt;b&gt;VPN&lt;/b&gt;<br>non va", ""},
		{"<strong>così</strong>", ""},
		{"", t1("conv.pressed_label", "Parla con noi")},
		{"", t1("conv.pressed_label", bots.ButtonLabel("it", "menu:faq"))},
		{"", t1("conv.pick_entry", "La VPN non si collega")},
		{"", t1("conv.rating", "4")},
		{"", t1("conv.pressed_any")},
		{"Arrivo", ""},
	}
	for i, w := range want {
		if !strings.Contains(string(got[i].HTML), w.html) || got[i].Pressed != w.pressed {
			t.Errorf("message %d: html %q pressed %q, want %q %q", i, got[i].HTML, got[i].Pressed, w.html, w.pressed)
		}
	}
	if strings.Join(got[1].Offered, "|") != "Parla con noi|Sì" || got[1].Undelivered {
		t.Errorf("the bot's reply: offered %v, undelivered %v", got[1].Offered, got[1].Undelivered)
	}
	if got[7].Author != "LUCA" || !got[7].Undelivered {
		t.Errorf("the agent's reply: author %q, undelivered %v", got[7].Author, got[7].Undelivered)
	}
}
