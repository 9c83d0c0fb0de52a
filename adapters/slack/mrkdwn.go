// SPDX-License-Identifier: EUPL-1.2

package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// agentMarkdown turns what an agent wrote in a Slack triage thread (Slack's
// mrkdwn) into the Markdown the desk writes (bots/markup), so the user
// sees it as the agent did on any channel: Slack's *bold* is **bold**,
// _italic_ is *italic*, ~struck~ is ~~struck~~, a link <url|label> keeps
// its address as [label](url). Mentions, channels and entities are
// undone as for any other message (plainText). Code spans and blocks are
// left as they are: Slack and Markdown write them alike.
func agentMarkdown(s, botID string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
			return tok // plainText's business
		}
		if !hasLabel || label == target {
			return target // a bare address: Markdown links it too
		}
		return "[" + escapeLabel(label) + "](" + target + ")"
	})
	return convertEmphasis(plainText(s, botID))
}

// escapeLabel keeps a link label's brackets from ending the label early.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

// mrkdwnMarks maps each Slack emphasis marker to Markdown's.
var mrkdwnMarks = map[byte]string{'*': "**", '_': "*", '~': "~~"}

// convertEmphasis rewrites Slack's emphasis spans, line by line, outside
// code. A span is Slack's: the marker opens after a line start, a space or
// punctuation and before a non-space; it closes after a non-space, before
// a line end, a space or punctuation, on the same line. A doubled marker
// (**x**, already Markdown) and a lone one ("2 * 3") stay as written.
func convertEmphasis(s string) string {
	var b strings.Builder
	inBlock := false
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			if strings.Count(line, "```") >= 2 {
				inBlock = !inBlock // ```code``` on one line
			}
			b.WriteString(line)
			continue
		}
		if inBlock {
			b.WriteString(line)
			continue
		}
		b.WriteString(convertLine(line))
	}
	return b.String()
}

func convertLine(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		c := line[i]
		if c == '`' {
			// A code span: copied up to its closing backtick.
			if j := strings.IndexByte(line[i+1:], '`'); j >= 0 {
				b.WriteString(line[i : i+j+2])
				i += j + 2
				continue
			}
		}
		if end := addressEnd(line, i); end > i {
			// An address (bare, or a link's target) is copied as it is:
			// its underscores are not emphasis.
			b.WriteString(line[i:end])
			i = end
			continue
		}
		md, isMark := mrkdwnMarks[c]
		if isMark && opens(line, i) {
			if j := closing(line, i); j > 0 {
				b.WriteString(md)
				b.WriteString(convertLine(line[i+1 : j]))
				b.WriteString(md)
				i = j + 1
				continue
			}
		}
		if isMark && i+1 < len(line) && line[i+1] == c {
			// A doubled marker is copied whole, never taken as two.
			for i < len(line) && line[i] == c {
				b.WriteByte(c)
				i++
			}
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// opens tells whether the marker at i may open a span.
func opens(line string, i int) bool {
	if i+1 >= len(line) || line[i+1] == line[i] {
		return false
	}
	next, _ := utf8.DecodeRuneInString(line[i+1:])
	if unicode.IsSpace(next) {
		return false
	}
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(line[:i])
	return !unicode.IsLetter(prev) && !unicode.IsDigit(prev) && rune(line[i]) != prev
}

// closing is the index of the marker that closes the span opened at i, or
// -1.
func closing(line string, i int) int {
	c := line[i]
	for j := i + 2; j < len(line); j++ {
		if line[j] != c {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(line[:j])
		if unicode.IsSpace(prev) || (j+1 < len(line) && line[j+1] == c) {
			continue
		}
		if j+1 == len(line) {
			return j
		}
		next, _ := utf8.DecodeRuneInString(line[j+1:])
		if !unicode.IsLetter(next) && !unicode.IsDigit(next) {
			return j
		}
	}
	return -1
}

// addressEnd is the end of the web address starting at i (a bare one, or
// a Markdown link's "](target)"), or i when none starts there.
func addressEnd(line string, i int) int {
	rest := line[i:]
	if strings.HasPrefix(rest, "](") {
		if j := strings.IndexByte(rest, ')'); j > 0 {
			return i + j + 1
		}
		return i
	}
	if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
		return i
	}
	if i > 0 {
		if prev, _ := utf8.DecodeLastRuneInString(line[:i]); unicode.IsLetter(prev) || unicode.IsDigit(prev) {
			return i
		}
	}
	if j := strings.IndexFunc(rest, unicode.IsSpace); j > 0 {
		return i + j
	}
	return len(line)
}
