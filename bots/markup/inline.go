// SPDX-License-Identifier: EUPL-1.2

package markup

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// inlines renders the inline children of n.
func (r *renderer) inlines(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b.WriteString(r.inline(c))
	}
	return strings.TrimRight(b.String(), " \n")
}

func (r *renderer) inline(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Text:
		s := r.escape(literal(n.Segment.Value(r.src)))
		switch {
		case n.HardLineBreak() || n.SoftLineBreak():
			if r.f == HTML {
				return s + "<br>"
			}
			return s + "\n"
		}
		return s
	case *ast.String:
		return r.escape(string(n.Value))
	case *ast.CodeSpan:
		var b strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				b.Write(t.Segment.Value(r.src))
			} else if s, ok := c.(*ast.String); ok {
				b.Write(s.Value)
			}
		}
		code := b.String()
		switch r.f {
		case Telegram, HTML:
			return "<code>" + escapeHTML(code) + "</code>"
		case Slack:
			return "`" + escapeSlack(code) + "`"
		case Mattermost:
			return "`" + code + "`"
		}
		return code
	case *ast.Emphasis:
		inner := r.inlines(n)
		if strings.TrimSpace(inner) == "" {
			return inner
		}
		if n.Level >= 2 {
			return r.strong(inner)
		}
		return r.em(inner) // *x* and _x_ alike: CommonMark italic
	case *east.Strikethrough:
		inner := r.inlines(n)
		switch r.f {
		case Telegram:
			return "<s>" + inner + "</s>"
		case Slack:
			return "~" + inner + "~"
		case Mattermost:
			return "~~" + inner + "~~"
		case HTML:
			return "<del>" + inner + "</del>"
		}
		return inner
	case *ast.Link:
		return r.link(r.inlines(n), string(n.Destination))
	case *ast.AutoLink:
		u := string(n.URL(r.src))
		if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(u, "mailto:") {
			return r.link(r.escape(u), "mailto:"+u)
		}
		return r.link(r.escape(u), u)
	case *ast.Image:
		alt := r.inlines(n)
		if alt == "" {
			alt = r.escape(string(n.Destination))
		}
		return r.link(alt, string(n.Destination))
	case *ast.RawHTML:
		var b strings.Builder
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			b.Write(seg.Value(r.src))
		}
		if strings.EqualFold(b.String(), "<br>") || strings.EqualFold(b.String(), "<br/>") || strings.EqualFold(b.String(), "<br />") {
			if r.f == HTML {
				return "<br>"
			}
			return "\n"
		}
		if formattingTag.MatchString(b.String()) {
			return "" // <kbd>Ctrl</kbd> and the like: the text between stays
		}
		return r.escape(b.String()) // "<reader>" in a sentence is text
	}
	return r.inlines(n)
}

func (r *renderer) em(s string) string {
	switch r.f {
	case Telegram:
		return "<i>" + s + "</i>"
	case Slack, Mattermost:
		return "_" + s + "_"
	case HTML:
		return "<em>" + s + "</em>"
	}
	return s
}

// link writes label (already rendered) pointing to u; an address that is
// not http(s), mailto or tel stays text.
func (r *renderer) link(label, u string) string {
	if !safeURL(u) && (r.f != HTML || !sitePath(u)) {
		return label
	}
	same := label == r.escape(u) || label == r.escape(strings.TrimPrefix(u, "mailto:"))
	switch r.f {
	case Telegram:
		return `<a href="` + escapeHTML(u) + `">` + label + "</a>"
	case HTML:
		return `<a href="` + escapeHTML(u) + `" target="_blank" rel="noopener noreferrer">` + label + "</a>"
	case Slack:
		su := strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C").Replace(u)
		if same {
			return "<" + su + ">"
		}
		return "<" + su + "|" + strings.ReplaceAll(label, "|", "/") + ">"
	case Mattermost:
		mu := strings.NewReplacer(" ", "%20", ")", "%29").Replace(u)
		if same && !strings.HasPrefix(u, "mailto:") {
			return mu // Mattermost links a bare address itself
		}
		return "[" + label + "](" + mu + ")"
	}
	if same {
		return label
	}
	return label + " (" + u + ")"
}

// literal is a text segment as the reader sees it: backslash escapes
// ("Visita\:") and character references (&egrave;) resolved.
func literal(b []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(b))))
}

// sitePath is a link within the desk's own site (/help/…), kept in HTML:
// the page it is shown on resolves it.
func sitePath(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.ContainsAny(u, "\\ ")
}

func safeURL(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	for _, p := range []string{"https://", "http://", "mailto:", "tel:", "tg://"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// escape makes literal text safe in the format: HTML entities, Slack's
// three control characters, Mattermost's emphasis and link characters.
func (r *renderer) escape(s string) string {
	switch r.f {
	case Telegram, HTML:
		return escapeHTML(s)
	case Slack:
		return escapeSlack(s)
	case Mattermost:
		return mmEscaper.Replace(s)
	}
	return s
}

var mmEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "~", `\~`, "<", `\<`, ">", `\>`)

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func escapeSlack(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

var tag = regexp.MustCompile(`<[^>]*>`)

// formattingTag is inline HTML an editor may use for looks only.
var formattingTag = regexp.MustCompile(`(?i)^</?(kbd|b|i|u|em|strong|code|sub|sup|span|small|mark|abbr|br)\b[^>]*>$`)

func stripTags(s string) string { return html.UnescapeString(tag.ReplaceAllString(s, "")) }

// policy keeps what the HTML format writes and nothing a page must fear.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "em", "del", "code", "pre", "ol", "ul", "li", "blockquote", "hr")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,6}$`)).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^noopener noreferrer$`)).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowRelativeURLs(true) // only /paths of the desk's own site are written as links
	p.RequireNoReferrerOnLinks(true)
	return p
}()

func sanitize(s string) string { return policy.Sanitize(s) }
