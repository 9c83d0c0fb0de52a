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
		{"bold", "I opened *HD-2026-000001*.", "I opened <b>HD-2026-000001</b>."},
		{"double star bold", "Check the **reader driver** first", "Check the <b>reader driver</b> first"},
		{"italic", "_really_ sure", "<i>really</i> sure"},
		{"snake case stays", "run set_up_printer now", "run set_up_printer now"},
		{"unclosed star is literal", "2 * 3 = 6", "2 * 3 = 6"},
		{"star with spaces is literal", "a * b * c", "a * b * c"},
		{"link", "see [the guide](https://x.test/kb/a?b=1&c=2)", `see <a href="https://x.test/kb/a?b=1&amp;c=2">the guide</a>`},
		{"bold in link", "[*Full* guide](https://x.test)", `<a href="https://x.test"><b>Full</b> guide</a>`},
		{"unsafe scheme not a link", "[click](javascript:alert(1))", "click (javascript:alert(1))"},
		{"relative link as text", "[guide](/kb/a)", "guide (/kb/a)"},
		{"html in label escaped", "[<b>x</b>](https://x.test)", `<a href="https://x.test">&lt;b&gt;x&lt;/b&gt;</a>`},
		{"quote ends no link", `[x](https://x.test/"a)`, `[x](https://x.test/"a)`},
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

var tagRE = regexp.MustCompile(`<(/?)(b|i|code|a)(?: href="[^"<>]*")?>`)

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
		if v := units(visible(h)); v > units(md) {
			t.Fatalf("visible text of %q is %d units, longer than the source's %d", md, v, units(md))
		}
	})
}

func TestSplitText(t *testing.T) {
	para := strings.Repeat("word ", 30) // 150 bytes
	tests := []struct {
		name  string
		md    string
		limit int
		want  []string
	}{
		{"fits", "short text", 100, []string{"short text"}},
		{"at a paragraph", "aaaa aaaa aaaa.\n\nbbbb bbbb", 20, []string{"aaaa aaaa aaaa.", "bbbb bbbb"}},
		{"at a line", "aaaa aaaa aaaa\nbbbb bbbb", 20, []string{"aaaa aaaa aaaa", "bbbb bbbb"}},
		{"at a sentence", "First one here. Second one", 20, []string{"First one here.", "Second one"}},
		{"at a space", "aaaaaaaaa bbbbbbbbbbb", 15, []string{"aaaaaaaaa", "bbbbbbbbbbb"}},
		{"hard cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"paragraph before sentence", "Aa. Bb cc dd\n\nEe ff. Gg hh ii jj", 30, []string{"Aa. Bb cc dd", "Ee ff. Gg hh ii jj"}},
		{"not inside a link", "aa bb cc [guide](https://x.test/ab) dd", 30, []string{"aa bb cc", "[guide](https://x.test/ab) dd"}},
		{"not inside a link label", "aa [a guide](https://x.test/) dd", 30, []string{"aa", "[a guide](https://x.test/) dd"}},
		{"emoji are two units", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"empty", "  ", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.md, tt.limit)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(got) != len(tt.want) {
				t.Errorf("splitText(%q, %d) = %q, want %q", tt.md, tt.limit, got, tt.want)
			}
		})
	}
	t.Run("long reply keeps every word", func(t *testing.T) {
		md := strings.Repeat(para+"\n\n", 60) // ~9 KB
		parts := splitText(md, maxMessageUnits)
		if len(parts) < 3 {
			t.Fatalf("%d parts, want at least 3", len(parts))
		}
		for i, p := range parts {
			if units(p) > maxMessageUnits {
				t.Errorf("part %d has %d units", i, units(p))
			}
			if i < len(parts)-1 && !strings.HasSuffix(p, "word") {
				t.Errorf("part %d ends mid-paragraph: %q", i, p[len(p)-20:])
			}
		}
		if got, want := strings.Count(strings.Join(parts, " "), "word"), 30*60; got != want {
			t.Errorf("%d words after splitting, want %d", got, want)
		}
	})
}

func FuzzSplitText(f *testing.F) {
	f.Add("a b. c\n\nd [e](https://f) g", 5)
	f.Add("😀x😀", 1)
	f.Fuzz(func(t *testing.T, md string, limit int) {
		if limit < 2 || limit > 5000 || len(md) > 20000 {
			return
		}
		parts := splitText(md, limit)
		var total int
		for _, p := range parts {
			if units(p) > limit {
				t.Fatalf("part %q has %d units > %d", p, units(p), limit)
			}
			if p == "" {
				t.Fatal("empty part")
			}
			total += len(strings.Join(strings.Fields(p), ""))
		}
		if want := len(strings.Join(strings.Fields(md), "")); total != want {
			t.Fatalf("non-space bytes %d after splitting, %d before", total, want)
		}
	})
}

func TestComposeText(t *testing.T) {
	r := bots.Reply{Text: "Answer", Links: []bots.Link{{Label: "Full [guide]", URL: "https://x.test/kb/a"}},
		Media: []bots.Media{{Type: "video", Title: "How to", URL: "https://x.test/v.mp4", Duration: "2:10"}}}
	want := "Answer\n\n🎬 [How to](https://x.test/v.mp4) (2:10)\n🔗 [Full (guide)](https://x.test/kb/a)"
	if got := composeText(r); got != want {
		t.Errorf("composeText = %q, want %q", got, want)
	}
}
