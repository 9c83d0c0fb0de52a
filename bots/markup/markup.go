// SPDX-License-Identifier: EUPL-1.2

// Package markup is the one renderer from the Markdown the desk writes
// (the engine's replies, knowledge-base passages, agents' answers) to what
// each channel shows: Telegram's HTML subset, Slack mrkdwn, Mattermost
// Markdown, sanitised HTML (web chat, e-mail) and plain text (terminal,
// e-mail's text part). It reads goldmark's syntax tree, never the text
// with patterns, so tables, numbered steps, emphasis, links, code and
// backslash escapes ("Visita\:") come out right on every channel.
//
// It lives under bots so that adapters, which import bots only, may use
// it; it imports nothing of ours.
//
// Emphasis is CommonMark's: **double** is bold, a single *star* or
// _underscore_ is italic (knowledge-base articles are written that way;
// the engine's catalogue writes **bold**). Italic stays italic where the
// channel has it and is plain text in the terminal. One convention of the
// desk: a soft line break is a line break (chat texts are written line by
// line).
// Tables become "Label: value" lines, one block per row, since no chat
// shows a table well on a phone.
package markup

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Format is a channel's dialect.
type Format int

// The dialects.
const (
	Plain      Format = iota // terminal, e-mail text part, notifications
	Telegram                 // Telegram Bot API parse_mode=HTML
	Slack                    // Slack mrkdwn
	Mattermost               // Mattermost Markdown
	HTML                     // web chat and e-mail HTML, sanitised
)

var parser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)).Parser()

// Blocks renders md as the format's blocks, in order: paragraphs,
// headings, lists, code, and one block per table row. Joined with
// Separator they are the whole text; Fit cuts between them.
func Blocks(md string, f Format) []string {
	src := []byte(strings.ToValidUTF8(md, "\uFFFD")) // platforms refuse text that is not UTF-8
	doc := parser.Parse(text.NewReader(src))
	r := &renderer{src: src, f: f}
	var out []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		out = append(out, r.block(n, "")...)
	}
	if f == HTML {
		for i, b := range out {
			out[i] = sanitize(b)
		}
	}
	return out
}

// Render is the whole text in the format.
func Render(md string, f Format) string {
	return strings.Join(Blocks(md, f), Separator(f))
}

// Separator goes between two blocks.
func Separator(f Format) string {
	if f == HTML {
		return "\n"
	}
	return "\n\n"
}

type renderer struct {
	src []byte
	f   Format
}

// block renders one block node; indent prefixes continuation lines (in
// list items).
func (r *renderer) block(n ast.Node, indent string) []string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		s := r.inlines(n)
		if strings.TrimSpace(s) == "" {
			return nil
		}
		if _, tight := n.(*ast.TextBlock); r.f == HTML && !tight {
			return []string{"<p>" + s + "</p>"}
		}
		return []string{s}
	case *ast.Heading:
		s := r.inlines(n)
		switch r.f {
		case HTML:
			return []string{"<p><strong>" + s + "</strong></p>"}
		case Plain:
			return []string{s}
		}
		return []string{r.strong(s)}
	case *ast.List:
		return []string{r.list(n, indent)}
	case *ast.Blockquote:
		var parts []string
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			parts = append(parts, r.block(c, indent)...)
		}
		inner := strings.Join(parts, "\n")
		switch r.f {
		case HTML:
			return []string{"<blockquote>" + inner + "</blockquote>"}
		case Telegram:
			return []string{"<blockquote>" + inner + "</blockquote>"}
		}
		return []string{"> " + strings.ReplaceAll(inner, "\n", "\n> ")}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return []string{r.code(n)}
	case *ast.ThematicBreak:
		if r.f == HTML {
			return []string{"<hr>"}
		}
		return []string{"———"}
	case *east.Table:
		return r.table(n)
	case *ast.HTMLBlock:
		// Raw HTML in an entry (<details>, <kbd>): its text, not its tags.
		var b strings.Builder
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			b.Write(seg.Value(r.src))
		}
		s := strings.TrimSpace(stripTags(b.String()))
		if s == "" {
			return nil
		}
		if r.f == HTML {
			return []string{"<p>" + r.escape(s) + "</p>"}
		}
		return []string{r.escape(s)}
	}
	if n.HasChildren() {
		var out []string
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			out = append(out, r.block(c, indent)...)
		}
		return out
	}
	return nil
}

// list renders a list: numbered steps keep their numbers (from the list's
// start), bullets become "•"; nested lists are indented.
func (r *renderer) list(l *ast.List, indent string) string {
	if r.f == HTML {
		tag := "ul"
		if l.IsOrdered() {
			tag = "ol"
		}
		var b strings.Builder
		b.WriteString("<" + tag)
		if l.IsOrdered() && l.Start > 1 {
			b.WriteString(` start="` + itoa(l.Start) + `"`)
		}
		b.WriteString(">")
		for it := l.FirstChild(); it != nil; it = it.NextSibling() {
			var parts []string
			for c := it.FirstChild(); c != nil; c = c.NextSibling() {
				parts = append(parts, r.block(c, "")...)
			}
			b.WriteString("<li>" + strings.Join(parts, "") + "</li>")
		}
		b.WriteString("</" + tag + ">")
		return b.String()
	}
	var lines []string
	num := l.Start
	if num == 0 {
		num = 1
	}
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		marker := "• "
		if l.IsOrdered() {
			marker = itoa(num) + ". "
			num++
		}
		if r.f == Mattermost && !l.IsOrdered() {
			marker = "- "
		}
		pad := indent + strings.Repeat(" ", len([]rune(marker)))
		var parts []string
		for c := it.FirstChild(); c != nil; c = c.NextSibling() {
			parts = append(parts, r.block(c, "")...)
		}
		body := strings.Join(parts, "\n")
		body = strings.ReplaceAll(body, "\n", "\n"+pad)
		lines = append(lines, indent+r.escape(marker)+body)
	}
	return strings.Join(lines, "\n")
}

// table turns each row into "Label: value" lines under its header's
// labels; a row is one block.
func (r *renderer) table(t *east.Table) []string {
	var labels []string
	var out []string
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []string
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, strings.TrimSpace(r.inlines(c)))
		}
		if _, header := row.(*east.TableHeader); header {
			labels = cells
			continue
		}
		var lines []string
		for i, v := range cells {
			if v == "" {
				continue
			}
			label := ""
			if i < len(labels) {
				label = labels[i]
			}
			switch {
			case label == "":
				lines = append(lines, v)
			case r.f == HTML:
				lines = append(lines, "<strong>"+label+":</strong> "+v)
			case r.f == Plain:
				lines = append(lines, label+": "+v)
			default:
				lines = append(lines, r.strong(label+":")+" "+v)
			}
		}
		if len(lines) == 0 {
			continue
		}
		if r.f == HTML {
			out = append(out, "<p>"+strings.Join(lines, "<br>")+"</p>")
		} else {
			out = append(out, strings.Join(lines, "\n"))
		}
	}
	return out
}

func (r *renderer) code(n ast.Node) string {
	var b strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(r.src))
	}
	code := strings.TrimRight(b.String(), "\n")
	lang := ""
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Info != nil {
		lang = strings.Fields(string(f.Info.Segment.Value(r.src)) + " ")[0]
	}
	switch r.f {
	case Telegram, HTML:
		return "<pre>" + escapeHTML(code) + "</pre>"
	case Slack:
		return "```\n" + escapeSlack(code) + "\n```"
	case Mattermost:
		return "```" + lang + "\n" + code + "\n```"
	}
	return code
}

func (r *renderer) strong(s string) string {
	switch r.f {
	case Telegram:
		return "<b>" + s + "</b>"
	case Slack:
		return "*" + s + "*"
	case Mattermost:
		return "**" + s + "**"
	case HTML:
		return "<strong>" + s + "</strong>"
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}
