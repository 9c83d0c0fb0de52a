// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"helpdesk/bots"
)

func TestRender(t *testing.T) {
	reply := bots.Reply{
		Text:    "Ho trovato questo nelle guide: **La VPN non si connette** e _altro_",
		Buttons: []bots.Button{{Label: "Risolto", Action: "fb:yes"}, {Label: "Non risolto", Action: "fb:no"}},
		Links:   []bots.Link{{Label: "Guida completa", URL: "http://hd.test/kb/vpn"}},
		Media:   []bots.Media{{Type: "video", Title: "Configurare la VPN", URL: "http://hd.test/v.mp4", Duration: "3:20"}},
	}
	t.Run("buttons as interactive attachments", func(t *testing.T) {
		a := &Adapter{cfg: Config{CallbackURL: "https://hd.test/mattermost/actions", ActionSecret: "0123456789abcdef"}}
		p := a.render(reply, "dm:x")
		wantMsg := "Ho trovato questo nelle guide: **La VPN non si connette** e _altro_\n\n→ [Guida completa](http://hd.test/kb/vpn)\n🎬 [Configurare la VPN](http://hd.test/v.mp4) · 3:20"
		if p.Message != wantMsg {
			t.Errorf("message\n got %q\nwant %q", p.Message, wantMsg)
		}
		atts, ok := p.GetProp(model.PostPropsAttachments).([]*model.MessageAttachment)
		if !ok || len(atts) != 1 || len(atts[0].Actions) != 2 {
			t.Fatalf("attachments %#v", p.GetProp(model.PostPropsAttachments))
		}
		act := atts[0].Actions[1]
		if act.Name != "Non risolto" || act.Type != "button" || act.Integration.URL != "https://hd.test/mattermost/actions" ||
			act.Integration.Context["action"] != "fb:no" || act.Integration.Context["secret"] != "0123456789abcdef" || act.Integration.Context["key"] != "dm:x" {
			t.Errorf("action %+v %+v", act, act.Integration)
		}
		if p.GetProp(choicesProp) != nil {
			t.Error("numbered choices with buttons")
		}
	})
	t.Run("numbered choices without a callback URL", func(t *testing.T) {
		a := &Adapter{}
		p := a.render(reply, "dm:x")
		if !strings.Contains(p.Message, "\n**1.** Risolto\n**2.** Non risolto\n_Rispondi con il numero della scelta · Reply with the number of your choice_") {
			t.Errorf("message %q", p.Message)
		}
		got := propChoices(p)
		if len(got) != 2 || got[0] != "fb:yes" || got[1] != "fb:no" {
			t.Errorf("choices %v", got)
		}
		if p.GetProp(model.PostPropsAttachments) != nil {
			t.Error("attachments without a callback URL")
		}
	})
}

func TestToMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**a**", "**a**"},
		{"*a* *b*", "_a_ _b_"}, // CommonMark's single star is italic
		{"**Stato**: *Aperta*", "**Stato**: _Aperta_"},
		{"già **grassetto**", "già **grassetto**"},
		{"2 * 3 * 4", `2 \* 3 \* 4`},
		{"un_nome_file e **HD-1**.", `un\_nome\_file e **HD-1**.`},
		{"**riga\nspezzata**", "**riga\nspezzata**"},
		{"[link](http://x/*a*)", "[link](http://x/*a*)"},
		{"| Stato | Azione |\n|---|---|\n| Aperta | Attendere |", "**Stato:** Aperta\n**Azione:** Attendere"},
		{`Visita\: il sito`, "Visita: il sito"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := toMarkdown(tt.in); got != tt.want {
				t.Errorf("toMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
