// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"helpdesk/bots"
	"regexp"
	"strings"
	"testing"
)

func TestChatHTML(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"plain":                                "<p>plain</p>",
		"**bold** and _it_":                    "<p><strong>bold</strong> and <em>it</em></p>",
		"**Stato**: *Aperta*":                  "<p><strong>Stato</strong>: <em>Aperta</em></p>",
		"<script>alert(1)</script>":            "<p>alert(1)</p>",
		"a <reader> b":                         "<p>a &lt;reader&gt; b</p>",
		"[guida](https://hd.example/help/a/x)": `<p><a href="https://hd.example/help/a/x" target="_blank" rel="noopener noreferrer">guida</a></p>`,
		"[traccia](/track/HD-1)":               `<p><a href="/track/HD-1" target="_blank" rel="noopener noreferrer">traccia</a></p>`,
		"[x](javascript:alert(1))":             "<p>x</p>",
		// The quote stays an entity inside the attribute: it cannot close it.
		"[x](https://a.example/\"onmouseover=1)": `<p><a href="https://a.example/%22onmouseover=1" target="_blank" rel="noopener noreferrer">x</a></p>`,
		"two\nlines":                             "<p>two<br>lines</p>",
		"file_name_here":                         "<p>file_name_here</p>",
		"| Stato | Azione |\n|---|---|\n| Aperta | Attendere |": "<p><strong>Stato:</strong> Aperta<br><strong>Azione:</strong> Attendere</p>",
		"1. Apri\n2. Premi": "<ol><li>Apri</li><li>Premi</li></ol>",
		`Visita\: il sito`:  "<p>Visita: il sito</p>",
	}
	for in, want := range tests {
		if got := chatHTML(in); got != want {
			t.Errorf("chatHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzChatInput: a posted message is decoded or refused, never a panic;
// whatever text is shown back holds no markup but the subset's own tags.
func FuzzChatInput(f *testing.F) {
	f.Add([]byte(`{"id":"a1","text":"ciao *mondo*"}`))
	f.Add([]byte(`{"id":"a1","action":"answer:1"}`))
	f.Add([]byte(`{"id":"a1","text":"[a](https://x.example/<b>)"}`))
	f.Add([]byte(`{"id":"","text":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeChatInput(body)
		if err != nil {
			return
		}
		if !clientMsgID.MatchString(in.ID) || len(in.Text) > bots.MaxTextBytes {
			t.Fatalf("accepted %+v", in)
		}
		out := allowedTag.ReplaceAllString(chatHTML(in.Text), "")
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("markup leaked from %q: %q", in.Text, chatHTML(in.Text))
		}
		if strings.ContainsAny(strings.ReplaceAll(userHTML(in.Text), "<br>", ""), "<>") {
			t.Fatalf("markup leaked from %q: %q", in.Text, userHTML(in.Text))
		}
	})
}

var allowedTag = regexp.MustCompile(`<(/?(strong|em|del|code|pre|p|ol|ul|li|blockquote)|br|hr|ol start="[0-9]+"|a href="(https?://|mailto:|tel:|/)[^"<>]*" target="_blank" rel="noopener noreferrer"|/a)>`)
