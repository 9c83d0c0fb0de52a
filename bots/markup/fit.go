// SPDX-License-Identifier: EUPL-1.2

package markup

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Size is how the format's platform counts a text's length.
func Size(f Format) func(string) int {
	if f == Telegram {
		return UTF16
	}
	return Runes
}

// Runes measures text in characters (Slack's and Mattermost's limits).
func Runes(s string) int { return utf8.RuneCountInString(s) }

// UTF16 measures text as the Telegram Bot API does (UTF-16 code units).
// Measured on the HTML source it is never less than what Telegram counts
// after parsing the entities, so a text within the limit is accepted.
func UTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Fit joins blocks with sep while the text stays within limit (as size
// measures it). When blocks are left out it cuts at a block boundary and
// ends with tail — a line linking the full article — which counts toward
// the limit; cut is true then. A first block too long on its own is cut
// between its lines, and a line too long on its own becomes plain text
// cut at a space: a cut never falls inside a tag, entity or link.
func Fit(blocks []string, f Format, limit int, tail string) (text string, cut bool) {
	kept, cut := FitBlocks(blocks, f, limit, tail)
	return strings.Join(kept, Separator(f)), cut
}

// FitBlocks is Fit before the join: the blocks kept, then the tail.
func FitBlocks(blocks []string, f Format, limit int, tail string) (kept []string, cut bool) {
	sep, size := Separator(f), Size(f)
	if size(strings.Join(blocks, sep)) <= limit {
		return blocks, false
	}
	room := limit
	if tail != "" {
		room -= size(sep) + size(tail)
	}
	used := 0
	for _, blk := range blocks {
		add := size(blk)
		if len(kept) > 0 {
			add += size(sep)
		}
		if used+add <= room {
			kept = append(kept, blk)
			used += add
			continue
		}
		if len(kept) == 0 {
			if c := cutBlock(blk, room, size, (&renderer{f: f}).escape); c != "" {
				kept = append(kept, c)
			}
		}
		break
	}
	if tail != "" {
		kept = append(kept, tail)
	}
	return kept, true
}

// cutBlock keeps the lines of one block that fit in room; when not even
// the first line fits, its text without markup, cut at a space, ending in
// "…".
func cutBlock(blk string, room int, size func(string) int, escape func(string) string) string {
	var kept []string
	for _, line := range strings.Split(blk, "\n") {
		if size(strings.Join(append(kept, line), "\n")) > room {
			break
		}
		kept = append(kept, line)
	}
	if len(kept) > 0 && !unbalanced(strings.Join(kept, "\n")) {
		return strings.Join(kept, "\n")
	}
	first, _, _ := strings.Cut(blk, "\n")
	plain := []rune(stripTags(first))
	end := 0
	for i := range plain {
		if size(escape(string(plain[:i+1])))+1 > room {
			break
		}
		end = i + 1
	}
	s := string(plain[:end])
	if sp := strings.LastIndexByte(s, ' '); sp > len(s)/2 {
		s = s[:sp]
	}
	s = escape(s)
	return strings.TrimSpace(s) + "…"
}

// unbalanced: the lines kept open a <pre>, <blockquote> or ``` they do not
// close.
func unbalanced(s string) bool {
	return strings.Count(s, "<pre>") != strings.Count(s, "</pre>") ||
		strings.Count(s, "<blockquote>") != strings.Count(s, "</blockquote>") ||
		strings.Count(s, "```")%2 == 1
}

// Split packs blocks into texts of at most limit each, whole blocks in
// order: for a reply with no article to link to, which must then arrive
// whole in several messages. A block too long on its own is split between
// its lines, and a line too long on its own goes as plain text split
// between words, so no piece opens a tag or a link it does not close.
func Split(blocks []string, f Format, limit int) []string {
	sep, size := Separator(f), Size(f)
	var parts []string
	var cur []string
	var pieces []string
	for _, blk := range blocks {
		if size(blk) <= limit {
			pieces = append(pieces, blk)
			continue
		}
		pieces = append(pieces, splitBlock(blk, f, limit)...)
	}
	for _, blk := range pieces {
		if len(cur) > 0 && size(strings.Join(append(cur, blk), sep)) > limit {
			parts = append(parts, strings.Join(cur, sep))
			cur = nil
		}
		cur = append(cur, blk)
	}
	if len(cur) > 0 {
		parts = append(parts, strings.Join(cur, sep))
	}
	return parts
}

// splitBlock cuts one oversize block into pieces within limit.
func splitBlock(blk string, f Format, limit int) []string {
	size := Size(f)
	esc := (&renderer{f: f}).escape
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, line := range strings.Split(blk, "\n") {
		if size(line) > limit || unbalanced(line) {
			flush()
			var words []string
			for _, w := range strings.Fields(stripTags(line)) {
				if size(esc(w)) > limit && len(words) > 0 {
					out = append(out, esc(strings.Join(words, " ")))
					words = nil
				}
				for size(esc(w)) > limit { // one word longer than a message
					r := []rune(w)
					n := 1
					for n < len(r) && size(esc(string(r[:n+1]))) <= limit {
						n++
					}
					out = append(out, esc(string(r[:n])))
					w = string(r[n:])
				}
				if len(words) > 0 && size(esc(strings.Join(append(words, w), " "))) > limit {
					out = append(out, esc(strings.Join(words, " ")))
					words = nil
				}
				words = append(words, w)
			}
			if len(words) > 0 {
				out = append(out, esc(strings.Join(words, " ")))
			}
			continue
		}
		if len(cur) > 0 && size(strings.Join(append(cur, line), "\n")) > limit {
			flush()
		}
		cur = append(cur, line)
	}
	flush()
	return out
}
