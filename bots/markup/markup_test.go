// SPDX-License-Identifier: EUPL-1.2

package markup

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var formats = []struct {
	name  string
	f     Format
	limit int
}{
	{"telegram", Telegram, 4096},
	{"slack", Slack, 3000},
	{"mattermost", Mattermost, 16000},
	{"html", HTML, 0},
	{"plain", Plain, 0},
}

// TestGolden renders each testdata/*.md for every channel and compares
// with testdata/<name>.<channel>.golden (go test ./bots/markup -update
// rewrites them; a reviewer reads the diff). Channels with a length limit
// fit the text to it, cut at a block boundary, with a link to the whole
// article.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.md")
	if err != nil || len(inputs) < 6 {
		t.Fatalf("inputs %v, %v", inputs, err)
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(in), ".md")
		for _, fm := range formats {
			t.Run(name+"/"+fm.name, func(t *testing.T) {
				got := Render(string(src), fm.f)
				if fm.limit > 0 {
					tail := Render("[Leggi tutto l'articolo](https://help.example.org/kb/"+name+")", fm.f)
					got, _ = Fit(Blocks(string(src), fm.f), fm.f, fm.limit, tail)
					if n := Size(fm.f)(got); n > fm.limit {
						t.Fatalf("%d over the limit %d", n, fm.limit)
					}
				}
				golden := filepath.Join("testdata", name+"."+fm.name+".golden")
				if *update {
					if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./bots/markup -update)", err)
				}
				if got+"\n" != string(want) {
					t.Errorf("%s differs; got:\n%s", golden, got)
				}
			})
		}
	}
}

// TestWhatTheIssueSaw: the garbling issue 16 reported is gone on every
// channel — tables flattened into one line, raw stars, stray backslashes,
// lost step numbers.
func TestWhatTheIssueSaw(t *testing.T) {
	table, _ := os.ReadFile("testdata/table.md")
	steps, _ := os.ReadFile("testdata/steps.md")
	for _, fm := range formats {
		out := Render(string(table), fm.f)
		if strings.Contains(out, "---") || strings.Contains(out, "Stato Significato") || !strings.Contains(out, "Aperta") {
			t.Errorf("%s: table flattened:\n%s", fm.name, out)
		}
		if !regexp.MustCompile(`Stato:(\*|\*\*|</b>|</strong>)? Aperta`).MatchString(out) {
			t.Errorf("%s: no Label: value line:\n%s", fm.name, out)
		}
		out = Render(string(steps), fm.f)
		if fm.f != HTML && (!strings.Contains(out, "1. ") || !strings.Contains(out, "3. ")) {
			t.Errorf("%s: steps lost their numbers:\n%s", fm.name, out)
		}
		if fm.f == HTML && !strings.Contains(out, "<ol>") {
			t.Errorf("html: steps are not a numbered list:\n%s", out)
		}
		if out := Render(`Visita\: il sito`, fm.f); strings.Contains(out, `\`) {
			t.Errorf("%s: stray backslash: %q", fm.name, out)
		}
		if fm.f != Mattermost && fm.f != Slack {
			if out := Render("**grassetto** e *stella*", fm.f); strings.Contains(out, "*") {
				t.Errorf("%s: raw stars: %q", fm.name, out)
			}
		}
	}
}

var telegramTag = regexp.MustCompile(`</?([a-z]+)[^>]*>`)

// FuzzTelegram: whatever the Markdown, Telegram's HTML has only the tags
// it accepts, balanced, and fitting keeps it within the limit and
// balanced.
func FuzzTelegram(f *testing.F) {
	for _, s := range []string{"*a*", "**b** _c_", "| a | b |\n|---|---|\n| 1 | 2 |", "```\n<x>\n```", "[a](https://x)", "1. a\n2. b", "> q\n> r", "a\\:b &amp; <b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		blocks := Blocks(md, Telegram)
		for _, out := range []string{strings.Join(blocks, "\n\n"), func() string { s, _ := Fit(blocks, Telegram, 200, "<a href=\"https://x\">more</a>"); return s }()} {
			var stack []string
			for _, m := range telegramTag.FindAllStringSubmatch(out, -1) {
				switch m[1] {
				case "b", "i", "s", "code", "pre", "a", "blockquote":
				default:
					t.Fatalf("tag %q in %q", m[0], out)
				}
				if strings.HasPrefix(m[0], "</") {
					if len(stack) == 0 || stack[len(stack)-1] != m[1] {
						t.Fatalf("unbalanced %q in %q", m[0], out)
					}
					stack = stack[:len(stack)-1]
				} else {
					stack = append(stack, m[1])
				}
			}
			if len(stack) > 0 {
				t.Fatalf("unclosed %v in %q", stack, out)
			}
		}
		if s, _ := Fit(blocks, Telegram, 200, "more"); UTF16(s) > 200 {
			t.Fatalf("Fit gave %d units", UTF16(s))
		}
	})
}
