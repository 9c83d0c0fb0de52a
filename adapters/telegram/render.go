// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"strings"

	"helpdesk/bots"
	"helpdesk/bots/markup"
)

// maxMessageUnits is Telegram's limit on a message's text: 4096
// characters after entity parsing, counted (as everywhere in the Bot API)
// in UTF-16 code units. Texts are measured as HTML, which is never
// shorter than the text left after parsing.
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

// renderHTML is md in Telegram's HTML subset (bots/markup, the one
// renderer of every channel): <b>, <i>, <s>, <code>, <pre>, <a>,
// <blockquote>, everything else escaped, tables as "Label: value" lines.
func renderHTML(md string) string { return markup.Render(md, markup.Telegram) }

// fitText is a reply as Telegram messages, each within maxMessageUnits,
// cut between blocks: with links or media (the full article among them)
// one message, cut where it must, ending in "…" and the links; without,
// as many messages as the text needs, so nothing is lost. html is what is
// sent; plain the same without markup, for when Telegram refuses the
// HTML.
func fitText(r bots.Reply) (html, plain []string) {
	tailMD := composeText(bots.Reply{Links: r.Links, Media: r.Media})
	body := strings.TrimSpace(r.Text)
	for i, f := range []markup.Format{markup.Telegram, markup.Plain} {
		var parts []string
		if tail := markup.Render(tailMD, f); tail == "" {
			parts = markup.Split(markup.Blocks(body, f), f, maxMessageUnits)
		} else {
			text, _ := markup.Fit(markup.Blocks(body, f), f, maxMessageUnits-units(tail)-2, "…")
			if text != "" {
				text += "\n\n"
			}
			parts = []string{text + tail}
		}
		if i == 0 {
			html = parts
		} else {
			plain = parts
		}
	}
	if len(plain) != len(html) { // the plain text splits elsewhere: keep the parts paired
		plain = html
	}
	return html, plain
}

// units is the length of s as Telegram counts it (UTF-16 code units).
func units(s string) int { return markup.UTF16(s) }
