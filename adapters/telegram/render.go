package telegram

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"helpdesk/bots"
)

// maxMessageUnits is Telegram's limit on a message's text: 4096
// characters after entity parsing, counted (as everywhere in the Bot API)
// in UTF-16 code units. Parts are measured on the Markdown source, which
// is never shorter than the text left after parsing.
const maxMessageUnits = 4096

// composeText is the reply's Markdown with its links and media as lines at
// the end (they read as the answer's "see also" and need no extra
// message, and unlike URL buttons Telegram accepts any address in them).
func composeText(r bots.Reply) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.Text))
	var lines []string
	for _, m := range r.Media {
		line := mediaIcon(m.Type) + " " + mdLink(m.Title, m.URL)
		if m.Duration != "" {
			line += " (" + m.Duration + ")"
		}
		lines = append(lines, line)
	}
	for _, l := range r.Links {
		lines = append(lines, "🔗 "+mdLink(l.Label, l.URL))
	}
	if len(lines) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Join(lines, "\n"))
	}
	return b.String()
}

func mediaIcon(typ string) string {
	switch typ {
	case "video":
		return "🎬"
	case "slides":
		return "📑"
	case "image":
		return "🖼"
	}
	return "📎"
}

// mdLink writes a link in the subset, keeping brackets in the label from
// ending it early.
func mdLink(label, url string) string {
	label = strings.NewReplacer("[", "(", "]", ")").Replace(label)
	if label == "" {
		label = url
	}
	if url == "" {
		return label
	}
	return "[" + label + "](" + url + ")"
}

// renderHTML turns the engine's Markdown subset — *bold* (also **bold**),
// _italic_, `code`, [label](url) — into Telegram's HTML, escaping
// everything else. Markup that does not close is left as literal text, so
// any input gives well-formed HTML.
func renderHTML(md string) string {
	var b strings.Builder
	renderInto(&b, md, 0)
	return b.String()
}

// Styles already open, so they are not nested in themselves.
const (
	inBold = 1 << iota
	inItalic
	inLink
)

func renderInto(b *strings.Builder, s string, open int) {
	for i := 0; i < len(s); {
		switch s[i] {
		case '[':
			if open&inLink == 0 {
				if label, url, n, ok := parseLink(s[i:]); ok {
					if safeURL(url) {
						b.WriteString(`<a href="`)
						b.WriteString(escapeHTML(url, true))
						b.WriteString(`">`)
						renderInto(b, label, open|inLink)
						b.WriteString("</a>")
					} else {
						renderInto(b, label, open|inLink)
						b.WriteString(" (")
						b.WriteString(escapeHTML(url, false))
						b.WriteString(")")
					}
					i += n
					continue
				}
			}
		case '*':
			if open&inBold == 0 {
				d := "*"
				if strings.HasPrefix(s[i:], "**") {
					d = "**"
				}
				if inner, n, ok := delimited(s[i:], d, false); ok {
					b.WriteString("<b>")
					renderInto(b, inner, open|inBold)
					b.WriteString("</b>")
					i += n
					continue
				}
			}
		case '_':
			if open&inItalic == 0 && (i == 0 || !isWordByteBefore(s[:i])) {
				if inner, n, ok := delimited(s[i:], "_", true); ok {
					b.WriteString("<i>")
					renderInto(b, inner, open|inItalic)
					b.WriteString("</i>")
					i += n
					continue
				}
			}
		case '`':
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 && !strings.Contains(s[i+1:i+1+j], "\n") {
				b.WriteString("<code>")
				b.WriteString(escapeHTML(s[i+1:i+1+j], false))
				b.WriteString("</code>")
				i += j + 2
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteString("\uFFFD") // Telegram rejects text that is not UTF-8
			i++
			continue
		}
		b.WriteString(escapeHTML(s[i:i+size], false))
		i += size
	}
}

// delimited finds the span opened by d at the start of s: the opening must
// be followed, and the closing preceded, by a non-space; the span stays in
// one paragraph. wordEnd requires the closing not to be followed by a
// letter or digit (so snake_case_words stay as they are).
func delimited(s, d string, wordEnd bool) (inner string, n int, ok bool) {
	rest := s[len(d):]
	if rest == "" || isSpaceByte(rest[0]) || strings.HasPrefix(rest, d) {
		return "", 0, false
	}
	for j := 0; j < len(rest); j++ {
		if rest[j] == '\n' && j+1 < len(rest) && rest[j+1] == '\n' {
			return "", 0, false
		}
		if !strings.HasPrefix(rest[j:], d) || j == 0 || isSpaceByte(rest[j-1]) {
			continue
		}
		after := rest[j+len(d):]
		if d == "*" && strings.HasPrefix(after, "*") {
			continue // part of a "**"
		}
		if wordEnd && after != "" {
			if r, _ := utf8.DecodeRuneInString(after); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		return rest[:j], len(d) + j + len(d), true
	}
	return "", 0, false
}

// parseLink reads "[label](url)" at the start of s.
func parseLink(s string) (label, url string, n int, ok bool) {
	end := strings.Index(s, "](")
	if end < 1 || strings.ContainsAny(s[1:end], "[]\n") {
		return "", "", 0, false
	}
	close := strings.IndexByte(s[end+2:], ')')
	if close < 1 {
		return "", "", 0, false
	}
	url = s[end+2 : end+2+close]
	if strings.ContainsAny(url, " \n\t<>\"") {
		return "", "", 0, false
	}
	return s[1:end], url, end + 2 + close + 1, true
}

// safeURL: only these schemes become links (never javascript: and such).
func safeURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") ||
		strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "tg://")
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func isWordByteBefore(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// escapeHTML escapes what Telegram's HTML parser needs escaped (&, <, >),
// and the double quote inside attributes; bytes that are not UTF-8 become
// U+FFFD, since Telegram refuses such text.
func escapeHTML(s string, attr bool) string {
	if !strings.ContainsAny(s, `&<>"`) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// units is the length of s as Telegram counts it (UTF-16 code units).
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // an invalid byte is U+FFFD: one unit, as rendered
	}
	return n
}

// splitText cuts md into parts of at most limit units, each cut at the
// best boundary in the second half of the window: a paragraph, else a
// line, else the end of a sentence, else a space, else anywhere between
// two characters. Cuts never fall inside a [label](url) link.
func splitText(md string, limit int) []string {
	md = strings.TrimSpace(md)
	var parts []string
	for md != "" {
		if units(md) <= limit {
			parts = append(parts, md)
			break
		}
		cut := cutPoint(md, limit)
		part := strings.TrimRightFunc(md[:cut], unicode.IsSpace)
		if part != "" {
			parts = append(parts, part)
		}
		md = strings.TrimLeftFunc(md[cut:], unicode.IsSpace)
	}
	return parts
}

// cutPoint returns the byte offset where the first part of s ends.
func cutPoint(s string, limit int) int {
	// window: the longest prefix within limit units, on a rune boundary.
	window, n := 0, 0
	for window < len(s) {
		r, size := utf8.DecodeRuneInString(s[window:])
		if n+utf16.RuneLen(r) > limit {
			break
		}
		n += utf16.RuneLen(r)
		window += size
	}
	links := linkSpans(s[:min(len(s), window+2048)])
	inLink := func(p int) bool {
		for _, l := range links {
			if p > l[0] && p < l[1] {
				return true
			}
		}
		return false
	}
	// Each boundary is taken only far enough into the window that parts do
	// not come out tiny; a second pass takes any boundary at all, so a
	// link is not cut when there is a space before it.
	seps := []struct {
		sep  string
		from int
	}{{"\n\n", window / 4}, {"\n", window / 3}, {". ", window / 2}, {"! ", window / 2}, {"? ", window / 2}, {"; ", window / 2}, {" ", window / 2}}
	for _, floor := range []bool{true, false} {
		for _, sp := range seps {
			from := 0
			if floor {
				from = sp.from
			}
			for p := strings.LastIndex(s[:window], sp.sep); p > from; p = strings.LastIndex(s[:p], sp.sep) {
				at := p + len(sp.sep)
				if strings.TrimSpace(sp.sep) == "" {
					at = p
				}
				if !inLink(at) {
					return at
				}
			}
		}
	}
	if window == 0 {
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	return window
}

// linkSpans are the byte ranges of the [label](url) links in s.
func linkSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		if _, _, n, ok := parseLink(s[i:]); ok {
			spans = append(spans, [2]int{i, i + n})
			i += n - 1
		}
	}
	return spans
}
