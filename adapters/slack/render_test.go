// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"helpdesk/bots"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMrkdwn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ho aperto la segnalazione **HD-2026-000001**", "Ho aperto la segnalazione *HD-2026-000001*"},
		{"**Stato**: *Aperta*", "*Stato*: _Aperta_"}, // CommonMark's single star is italic
		{"_corsivo_ e **grassetto** e __anche__", "_corsivo_ e *grassetto* e *anche*"},
		{"Vedi [la guida](https://help.example.org/kb/a?x=1&y=2)", "Vedi <https://help.example.org/kb/a?x=1&amp;y=2|la guida>"},
		{"[relativo](/kb/a)", "relativo"},
		{"[a|b](https://e.org/x)", "<https://e.org/x|a/b>"},
		{"<@U123> & <!channel>", "&lt;@U123&gt; &amp; &lt;!channel&gt;"},
		{"# Titolo\n- uno\n- due", "*Titolo*\n\n• uno\n• due"},
		{"| Stato | Azione |\n|---|---|\n| Aperta | Attendere |", "*Stato:* Aperta\n*Azione:* Attendere"},
		{"1. Apri\n2. Premi", "1. Apri\n2. Premi"},
		{`Visita\: il sito`, "Visita: il sito"},
	}
	for _, tt := range tests {
		if got := mrkdwn(tt.in); got != tt.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderGolden(t *testing.T) {
	r := bots.Reply{
		Text: "Ho trovato questo nelle guide: **Il lettore non riconosce la smart card**\n\nVerificare che il **driver del lettore** sia installato.\n\nTi è stato utile?",
		Buttons: []bots.Button{
			{Label: "Risolto", Action: "fb:yes"}, {Label: "Non risolto", Action: "fb:no"}, {Label: "Parla con un operatore", Action: "menu:human"},
		},
		Links: []bots.Link{{Label: "Guida completa", URL: "https://help.example.org/kb/lettore-smartcard"}},
		Media: []bots.Media{{Type: "video", Title: "Installare il lettore", URL: "https://help.example.org/media/lettore.mp4", Duration: "2:10"}},
	}
	got, err := json.MarshalIndent(render(r), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "render_answer.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("render differs from %s:\n%s", path, got)
	}
}

func TestRenderLimits(t *testing.T) {
	t.Run("long text splits into sections", func(t *testing.T) {
		para := strings.Repeat("parola ", 300) // 2100 characters
		r := render(bots.Reply{Text: para + "\n\n" + para + "\n\n" + para})
		if len(r.Blocks) != 3 {
			t.Fatalf("blocks = %d, want 3", len(r.Blocks))
		}
		for _, b := range r.Blocks {
			p := post{Blocks: blocksJSON(t, b)}
			if n := utf8.RuneCountInString(p.body()); n > maxSectionText || n == 0 {
				t.Errorf("section of %d characters", n)
			}
		}
	})
	t.Run("many buttons make several actions blocks", func(t *testing.T) {
		var bs []bots.Button
		for i := range 30 {
			bs = append(bs, bots.Button{Label: strings.Repeat("x", 100), Action: "pick:" + strings.Repeat("a", i+1)})
		}
		r := render(bots.Reply{Text: "scegli", Buttons: bs})
		p := post{Blocks: blocksJSON(t, r.Blocks...)}
		if len(r.Blocks) != 3 || len(p.buttons()) != 30 {
			t.Fatalf("blocks = %d, buttons = %d", len(r.Blocks), len(p.buttons()))
		}
		for _, b := range p.Blocks[1]["elements"].([]any) {
			l := b.(map[string]any)["text"].(map[string]any)["text"].(string)
			if utf8.RuneCountInString(l) > maxButtonText {
				t.Errorf("label of %d characters", utf8.RuneCountInString(l))
			}
		}
	})
	t.Run("relative link is shown as text", func(t *testing.T) {
		r := render(bots.Reply{Text: "vedi", Links: []bots.Link{{Label: "Traccia", URL: "/track/HD-1"}}})
		p := post{Blocks: blocksJSON(t, r.Blocks...)}
		if len(r.Blocks) != 2 || !strings.Contains(p.body(), "Traccia: /track/HD-1") {
			t.Fatalf("blocks = %+v", p.Blocks)
		}
	})
	t.Run("oversized button value is not offered", func(t *testing.T) {
		r := render(bots.Reply{Text: "x", Buttons: []bots.Button{{Label: "a", Action: strings.Repeat("v", maxButtonValue+1)}}})
		if len(r.Blocks) != 1 {
			t.Fatalf("blocks = %d", len(r.Blocks))
		}
	})
	t.Run("huge text keeps the buttons", func(t *testing.T) {
		r := render(bots.Reply{Text: strings.Repeat("parola ", 40000), Buttons: []bots.Button{{Label: "a", Action: "b"}}})
		if len(r.Blocks) != maxBlocks {
			t.Fatalf("blocks = %d", len(r.Blocks))
		}
		if p := (post{Blocks: blocksJSON(t, r.Blocks...)}); len(p.buttons()) != 1 {
			t.Fatal("buttons lost")
		}
		if utf8.RuneCountInString(r.Fallback) > maxFallbackText {
			t.Fatal("fallback too long")
		}
	})
}

func blocksJSON(t *testing.T, blocks ...slackgo.Block) []map[string]any {
	t.Helper()
	data, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
