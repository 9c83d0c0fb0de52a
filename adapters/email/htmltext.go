// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText renders an HTML mail body as plain text for a ticket: block
// elements end lines, list items get a dash, links keep their address
// when it differs from their text, and what is never shown (head, style,
// script, hidden Outlook conditionals) is dropped. Quoted history is
// marked the way plain-text clients mark it, so the quote stripper cuts
// it alike: "> " inside blockquote and Gmail's gmail_quote, a rule of
// underscores before Outlook's divRplyFwdMsg header.
func htmlToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0  // depth inside elements whose text is not shown
	quote := 0 // depth inside quoted history
	var hrefs []string
	var linkText strings.Builder
	inLink := 0
	var skipTags []atom.Atom // elements hidden by their style, innermost last
	skipNest := 0            // nesting of the innermost hidden element's own tag inside it
	var quoteTags []depthMark
	newline := func() {
		s := b.String()
		if s == "" || strings.HasSuffix(s, "\n") {
			return
		}
		b.WriteByte('\n')
	}
	startLine := func() {
		if quote > 0 {
			s := b.String()
			if s == "" || strings.HasSuffix(s, "\n") {
				b.WriteString(strings.Repeat("> ", min(quote, 5)))
			}
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := collapseSpace(string(z.Text()))
			if text == "" || text == " " && (b.Len() == 0 || strings.HasSuffix(b.String(), "\n") || strings.HasSuffix(b.String(), " ")) {
				continue
			}
			startLine()
			b.WriteString(text)
			if inLink > 0 {
				linkText.WriteString(text)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch a {
			case atom.Head, atom.Style, atom.Script, atom.Title, atom.Template, atom.Noscript:
				if tt == html.StartTagToken {
					skip++
				}
				continue
			case atom.Br:
				b.WriteByte('\n')
				continue
			case atom.Hr:
				newline()
				continue
			case atom.Img:
				if alt := strings.TrimSpace(attrs["alt"]); alt != "" && skip == 0 {
					startLine()
					b.WriteString("[" + collapseSpace(alt) + "]")
				}
				continue
			case atom.A:
				if tt == html.StartTagToken {
					inLink++
					hrefs = append(hrefs, attrs["href"])
					linkText.Reset()
				}
				continue
			case atom.Blockquote:
				newline()
				quote++
				continue
			case atom.Li:
				newline()
				startLine()
				b.WriteString("- ")
				continue
			}
			if strings.Contains(attrs["style"], "display:none") || strings.Contains(attrs["style"], "display: none") {
				if tt == html.StartTagToken && !isVoid(a) {
					skip++
					skipTags = append(skipTags, a)
				}
				continue
			}
			if a == atom.Div && attrs["id"] == "divRplyFwdMsg" {
				// Outlook's header of the quoted mail: what follows it is
				// the old mail, not inside it. The rule Outlook writes in
				// plain text marks it, and the quote stripper cuts there.
				newline()
				b.WriteString(strings.Repeat("_", 32) + "\n")
			}
			if class := attrs["class"]; a == atom.Div && (strings.Contains(class, "gmail_quote") || strings.Contains(class, "moz-cite-prefix")) {
				newline()
				quote++
				quoteTags = append(quoteTags, depthMark{atom: a, depth: 1})
				continue
			}
			if len(quoteTags) > 0 && a == quoteTags[len(quoteTags)-1].atom && tt == html.StartTagToken {
				quoteTags[len(quoteTags)-1].depth++
			}
			if len(skipTags) > 0 && a == skipTags[len(skipTags)-1] && tt == html.StartTagToken {
				skipNest++
			}
			if isBlock(a) {
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Head, atom.Style, atom.Script, atom.Title, atom.Template, atom.Noscript:
				if skip > 0 {
					skip--
				}
				continue
			case atom.A:
				if inLink > 0 {
					inLink--
					href := hrefs[len(hrefs)-1]
					hrefs = hrefs[:len(hrefs)-1]
					if (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) && skip == 0 &&
						strings.TrimSpace(linkText.String()) != href && !strings.Contains(linkText.String(), strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://")) {
						b.WriteString(" (" + href + ")")
					}
				}
				continue
			case atom.Blockquote:
				if quote > 0 {
					quote--
				}
				newline()
				continue
			}
			if len(skipTags) > 0 && a == skipTags[len(skipTags)-1] {
				if skipNest > 0 {
					skipNest--
				} else {
					skipTags = skipTags[:len(skipTags)-1]
					skip--
				}
				continue
			}
			if len(quoteTags) > 0 && a == quoteTags[len(quoteTags)-1].atom {
				quoteTags[len(quoteTags)-1].depth--
				if quoteTags[len(quoteTags)-1].depth == 0 {
					quoteTags = quoteTags[:len(quoteTags)-1]
					quote--
					newline()
					continue
				}
			}
			if isBlock(a) {
				newline()
			}
		}
	}
}

type depthMark struct {
	atom  atom.Atom
	depth int
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Table, atom.Tr, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Pre, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Dl, atom.Dt, atom.Dd, atom.Body, atom.Center, atom.Address:
		return true
	}
	return false
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.Img, atom.Input, atom.Meta, atom.Link, atom.Col, atom.Area, atom.Base, atom.Wbr, atom.Source:
		return true
	}
	return false
}
