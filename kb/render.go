// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"bytes"
	"fmt"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// Renderer turns entry bodies into HTML that is safe to put in a page:
// goldmark renders (GitHub-flavoured tables, lists, autolinks) and
// bluemonday removes scripts, event handlers and javascript: links,
// whether they came as raw HTML or as Markdown links.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewRenderer builds a Renderer. It is safe for concurrent use.
func NewRenderer() *Renderer {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &Renderer{
		// Raw HTML is let through goldmark on purpose (editors use <kbd>,
		// <details>): bluemonday is the one place that decides what is safe.
		md:     goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe())),
		policy: p,
	}
}

// HTML renders markdown into sanitised HTML.
func (r *Renderer) HTML(markdown string) (string, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(markdown), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return r.policy.Sanitize(buf.String()), nil
}
