// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"helpdesk/bots"
)

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"plain", "hello", "hello"},
		{"escapes", "a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"},
		{"bold", "I opened **HD-2026-000001**.", "I opened <b>HD-2026-000001</b>."},
		{"single star is italic", "*Stato* of the ticket", "<i>Stato</i> of the ticket"},
		{"bold and italic side by side", "**Stato**: *Aperta*", "<b>Stato</b>: <i>Aperta</i>"},
		{"double star bold", "Check the **reader driver** first", "Check the <b>reader driver</b> first"},
		{"italic", "_really_ sure", "<i>really</i> sure"},
		{"snake case stays", "run set_up_printer now", "run set_up_printer now"},
		{"unclosed star is literal", "2 * 3 = 6", "2 * 3 = 6"},
		{"star with spaces is literal", "a * b * c", "a * b * c"},
		{"link", "see [the guide](https://x.test/kb/a?b=1&c=2)", `see <a href="https://x.test/kb/a?b=1&amp;c=2">the guide</a>`},
		{"bold in link", "[**Full** guide](https://x.test)", `<a href="https://x.test"><b>Full</b> guide</a>`},
		{"unsafe scheme not a link", "[click](javascript:alert(1))", "click"},
		{"relative link as text", "[guide](/kb/a)", "guide"},
		{"html in label dropped", "[<b>x</b>](https://x.test)", `<a href="https://x.test">x</a>`},
		{"quote in address escaped", `[x](https://x.test/"a)`, `<a href="https://x.test/&quot;a">x</a>`},
		{"table as label: value", "| Stato | Azione |\n|---|---|\n| Aperta | Attendere |", "<b>Stato:</b> Aperta\n<b>Azione:</b> Attendere"},
		{"steps keep numbers", "1. Apri\n2. Premi **Invia**", "1. Apri\n2. Premi <b>Invia</b>"},
		{"no stray backslash", `Visita\: il sito`, "Visita: il sito"},
		{"code", "type `<enter>`", "type <code>&lt;enter&gt;</code>"},
		{"bold across paragraphs is literal", "*a\n\nb*", "*a\n\nb*"},
		{"invalid utf8 replaced", "a\xffb", "a\uFFFDb"},
		{"accents", "Perché è così?", "Perché è così?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderHTML(tt.md); got != tt.want {
				t.Errorf("renderHTML(%q) = %q, want %q", tt.md, got, tt.want)
			}
		})
	}
}

var tagRE = regexp.MustCompile(`<(/?)(b|i|s|code|pre|blockquote|a)(?: href="[^"<>]*")?>`)

// wellFormed checks what Telegram's HTML parser needs: only our tags,
// balanced and properly nested, every other < > & escaped.
func wellFormed(h string) error {
	var stack []string
	rest := h
	for {
		i := strings.IndexAny(rest, "<&>")
		if i < 0 {
			break
		}
		switch rest[i] {
		case '>':
			return fmt.Errorf("bare > at %q", rest[i:])
		case '&':
			ok := false
			for _, e := range []string{"&amp;", "&lt;", "&gt;", "&quot;"} {
				if strings.HasPrefix(rest[i:], e) {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("bare & at %q", rest[i:])
			}
			rest = rest[i+1:]
			continue
		}
		m := tagRE.FindStringSubmatchIndex(rest[i:])
		if m == nil || m[0] != 0 {
			return fmt.Errorf("bare < at %q", rest[i:])
		}
		closing, name := rest[i+m[2]:i+m[3]] == "/", rest[i+m[4]:i+m[5]]
		if closing {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("unbalanced </%s>", name)
			}
			stack = stack[:len(stack)-1]
		} else {
			stack = append(stack, name)
		}
		rest = rest[i+m[1]:]
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %v", stack)
	}
	return nil
}

// visible is the text Telegram shows (and counts) for our HTML.
func visible(h string) string {
	s := tagRE.ReplaceAllString(h, "")
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(s)
}

func FuzzRenderHTML(f *testing.F) {
	for _, s := range []string{"*a* _b_ [c](https://d)", "**x** `y` <z> & _", "[*_a_*](http://x)", "*_`", "a_b_c *d*e", "\xff*x*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		h := renderHTML(md)
		if err := wellFormed(h); err != nil {
			t.Fatalf("renderHTML(%q) = %q: %v", md, h, err)
		}
		if !utf8.ValidString(h) {
			t.Fatalf("renderHTML(%q) is not UTF-8", md)
		}
	})
}

// TestFitText: a long answer is one message within Telegram's limit, cut
// at a block boundary, ending with "…" and the links (the full article);
// every step of what is kept is whole.
func TestFitText(t *testing.T) {
	var md strings.Builder
	for i := 1; i <= 80; i++ {
		fmt.Fprintf(&md, "## Passo %d\n\n1. Apri la schermata %d.\n2. Premi **Salva**.\n\n", i, i)
	}
	r := bots.Reply{Text: md.String(), Links: []bots.Link{{Label: "Guida completa", URL: "https://x.test/kb/guida"}}}
	htmls, plains := fitText(r)
	if len(htmls) != 1 || len(plains) != 1 {
		t.Fatalf("%d messages, want one cut with the link", len(htmls))
	}
	html, plain := htmls[0], plains[0]
	if units(html) > maxMessageUnits || units(plain) > maxMessageUnits {
		t.Fatalf("%d / %d units", units(html), units(plain))
	}
	if !strings.HasSuffix(html, "…\n\n🔗 <a href=\"https://x.test/kb/guida\">Guida completa</a>") {
		t.Fatalf("does not end with the link:\n%s", html[len(html)-200:])
	}
	if err := wellFormed(html); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "2. Premi <b>Salva</b>.\n\n<b>Passo") {
		t.Fatalf("steps not whole:\n%s", html[:300])
	}
	short, _ := fitText(bots.Reply{Text: "Ciao **Anna**"})
	if len(short) != 1 || short[0] != "Ciao <b>Anna</b>" {
		t.Fatalf("short reply: %q", short)
	}
}

func TestComposeText(t *testing.T) {
	r := bots.Reply{Text: "Answer", Links: []bots.Link{{Label: "Full [guide]", URL: "https://x.test/kb/a"}},
		Media: []bots.Media{{Type: "video", Title: "How to", URL: "https://x.test/v.mp4", Duration: "2:10"}}}
	want := "Answer\n\n🎬 [How to](https://x.test/v.mp4) (2:10)\n🔗 [Full (guide)](https://x.test/kb/a)"
	if got := composeText(r); got != want {
		t.Errorf("composeText = %q, want %q", got, want)
	}
}
