// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Passage is one self-contained part of an entry's body, as the bot may
// show it in place of the whole article: a paragraph, or a whole table or
// list (a numbered list of steps) together with the paragraph that leads
// into it, under the heading of its section.
type Passage struct {
	// Heading is the text of the section heading the passage is under
	// ("" before the first one). A level-1 heading is the article's own
	// title, which the bot already shows, so it is never a Heading.
	Heading string
	// Markdown is the passage's source, unchanged.
	Markdown string
}

var passageParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// Passages splits a Markdown body into passages, in order. A table or a
// list is never split: the steps of a procedure or the rows of a table
// only make sense together, and so does the sentence announcing them.
func Passages(body string) []Passage {
	src := []byte(body)
	doc := passageParser.Parse(text.NewReader(src))
	var nodes []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		nodes = append(nodes, n)
	}
	// Each top-level block's source runs from the first non-blank line
	// after the previous block's last content to the same point after its
	// own: so a code fence's opening and closing lines, a table's
	// delimiter row and list markers stay with their block.
	ends := make([]int, len(nodes))
	for i, n := range nodes {
		prev := 0
		if i > 0 {
			prev = ends[i-1]
		}
		switch n.(type) {
		case *ast.ThematicBreak:
			// No text: its one line is the first non-blank one.
			ends[i] = lineStop(src, nextLine(src, lineEnd(src, prev), false))
		case *ast.FencedCodeBlock:
			// Its text is the lines between the fences: it ends with the
			// closing fence (or the body, when the fence is left open).
			open := nextLine(src, lineEnd(src, prev), false)
			ends[i] = lineStop(src, nextLine(src, lineEnd(src, max(lastOffset(n), lineStop(src, open))), true))
		default:
			ends[i] = max(lastOffset(n), prev)
		}
	}
	region := func(i int) string {
		from := 0
		if i > 0 {
			from = lineEnd(src, ends[i-1])
		}
		to := len(src)
		if i+1 < len(nodes) {
			to = lineEnd(src, ends[i])
		}
		if from > to {
			return ""
		}
		return strings.TrimSpace(string(src[from:to]))
	}
	var out []Passage
	heading := ""
	lead := "" // a paragraph that may lead into the next table or list
	flush := func() {
		if lead != "" {
			out = append(out, Passage{Heading: heading, Markdown: lead})
			lead = ""
		}
	}
	for i, n := range nodes {
		md := region(i)
		switch n := n.(type) {
		case *ast.Heading:
			flush()
			heading = ""
			if n.Level > 1 {
				heading = strings.TrimSpace(plainText(string(n.Lines().Value(src))))
			}
		case *ast.Paragraph:
			flush()
			lead = md
		case *ast.List, *east.Table:
			if lead != "" {
				md = lead + "\n\n" + md
				lead = ""
			}
			out = append(out, Passage{Heading: heading, Markdown: md})
		case *ast.ThematicBreak:
			flush()
		default:
			flush()
			if md != "" {
				out = append(out, Passage{Heading: heading, Markdown: md})
			}
		}
	}
	flush()
	return out
}

// lastOffset is the byte offset just after the last source text of n.
func lastOffset(n ast.Node) int {
	end := 0
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if c.Type() == ast.TypeBlock {
			if l := c.Lines(); l.Len() > 0 {
				end = max(end, l.At(l.Len()-1).Stop)
			}
		}
		if t, ok := c.(*ast.Text); ok {
			end = max(end, t.Segment.Stop)
		}
		return ast.WalkContinue, nil
	})
	return end
}

// lineEnd is the offset after the line holding offset off-1 (the start
// of the next line), or len(src).
func lineEnd(src []byte, off int) int {
	if off <= 0 {
		return 0
	}
	if i := strings.IndexByte(string(src[off-1:]), '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}

// nextLine is the offset of the first line at or after off that is not
// blank (fence: that starts a code fence); len(src) when there is none.
func nextLine(src []byte, off int, fence bool) int {
	for off < len(src) {
		stop := lineStop(src, off)
		l := strings.TrimSpace(string(src[off:stop]))
		if fence && (strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~")) || !fence && l != "" {
			return off
		}
		off = stop + 1
	}
	return len(src)
}

// lineStop is the offset of the end of the line starting at off (its
// newline, or len(src)).
func lineStop(src []byte, off int) int {
	if off >= len(src) {
		return len(src)
	}
	if i := strings.IndexByte(string(src[off:]), '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}

// BestPassage returns the index of the passage of an entry in lang that
// best matches query, scored with the search's own analysis (stems,
// synonyms, typo fixes, and each word weighted by its rarity in the
// knowledge base): the sum of the weights of the query's words the
// passage (with its heading) contains. When no passage contains any —
// the query matched the title, a phrasing or a tag — or on a tie, the
// earlier passage wins, so the opening passage is the fallback.
func (s *Searcher) BestPassage(lang, query string, ps []Passage) int {
	ix := s.ix.Load().byLang[lang]
	if ix == nil || len(ps) == 0 {
		return 0
	}
	cs := ix.buildQuery(lang, query)
	best, bestW := 0, float32(0)
	for i, p := range ps {
		stems := s.passages.of(lang, p)
		if w := ix.coverage(cs, func(st string) bool { return stems[st] }); w > bestW {
			best, bestW = i, w
		}
	}
	return best
}

// passageStems keeps the stems of the passages analysed: the bot shows
// the same few entries again and again, and analysing their passages anew
// for each answer was a third of the engine's CPU per message (issue 21's
// profile). A passage's stems depend on its text and language only, so
// they stay right across index refreshes; an edited entry's passage is
// another text. At most passageStemsMax are kept: past that the cache
// starts afresh (entries in use come back at once).
type passageStems struct {
	mu sync.Mutex
	m  map[passageKey]map[string]bool
}

// passageKey is a passage's text in a language (a struct, so looking one
// up on every answer builds no string).
type passageKey struct{ lang, heading, markdown string }

const passageStemsMax = 4096

// of returns the stems of p's heading and text in lang; the map returned
// is shared, read-only.
func (c *passageStems) of(lang string, p Passage) map[string]bool {
	key := passageKey{lang, p.Heading, p.Markdown}
	c.mu.Lock()
	stems, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return stems
	}
	stems = map[string]bool{}
	for _, st := range analyzeText(lang, p.Heading+"\n"+plainText(p.Markdown)) {
		stems[st] = true
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= passageStemsMax {
		c.m = make(map[passageKey]map[string]bool)
	}
	c.m[key] = stems
	c.mu.Unlock()
	return stems
}

// coverage is the weight of the clauses of cs that a text matches; has
// says whether the text contains a stem.
func (ix *index) coverage(cs []clause, has func(stem string) bool) float32 {
	var w float32
	for _, c := range cs {
	alts:
		for _, a := range c.alts {
			for _, t := range a.terms {
				if !has(ix.termStr[t]) {
					continue alts
				}
			}
			w += c.weight * a.factor
			break
		}
	}
	return w
}

// BestPassage is the lexical searcher's BestPassage.
func (h *HybridSearcher) BestPassage(lang, query string, ps []Passage) int {
	return h.lex.BestPassage(lang, query, ps)
}

// tableDelimiter is a table's delimiter row ("|---|:--:|").
var tableDelimiter = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)

// Snippet is the passage as the bot shows it: its heading, then its
// Markdown cut to at most limit characters between two rows of a table,
// two items of a list or two paragraphs — never inside one, unless the
// first alone is too long — ending in "…" when cut (the reply links the
// full article).
func (p Passage) Snippet(limit int) string {
	head := ""
	if p.Heading != "" {
		head = "## " + p.Heading + "\n\n"
	}
	limit -= utf8.RuneCountInString(head)
	// Units are where a cut may fall: each begins at a paragraph, a
	// top-level list item or a table row below the delimiter.
	var units []string
	inTable, prevBlank := false, true
	for _, line := range strings.Split(p.Markdown, "\n") {
		blank := strings.TrimSpace(line) == ""
		start := false
		switch {
		case blank:
			inTable = false
		case tableDelimiter.MatchString(line) && strings.Contains(line, "-") && len(units) > 0:
			inTable = true
		case inTable, prevBlank, listMarker.MatchString(line) && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t"):
			start = true
		}
		if start || len(units) == 0 {
			units = append(units, line)
		} else {
			units[len(units)-1] += "\n" + line
		}
		prevBlank = blank
	}
	const more = "\n\n…"
	total := utf8.RuneCountInString(p.Markdown)
	if total <= limit {
		return head + strings.TrimSpace(p.Markdown)
	}
	room := limit - utf8.RuneCountInString(more)
	var b strings.Builder
	for _, u := range units {
		n := utf8.RuneCountInString(u)
		if b.Len() > 0 {
			n++ // the newline before it
		}
		if utf8.RuneCountInString(b.String())+n > room {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(u)
	}
	kept := strings.TrimSpace(b.String())
	if kept == "" {
		// The first paragraph alone is too long: its words up to the room.
		kept = cutWords(strings.TrimSpace(p.Markdown), room)
	}
	return head + kept + more
}

// cutWords keeps the words of s that fit in n characters.
func cutWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	r = r[:max(n, 0)]
	if i := strings.LastIndexAny(string(r), " \n"); i > 0 {
		return strings.TrimSpace(string(r)[:i])
	}
	return string(r)
}
