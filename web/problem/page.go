// SPDX-License-Identifier: EUPL-1.2

package problem

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"

	"helpdesk/internal/i18n"
)

// Pages is how a web audience with pages (the console, the requesters'
// pages) answers: its templates, one set per page; its catalogue, whose
// error messages it shows; and the words its log says a failed request
// with. The audiences differ in those and in the view they render, not in
// how a page is written or an error chosen.
type Pages struct {
	Templates map[string]*template.Template
	Catalog   i18n.Catalog
	Log       *slog.Logger
	Failed    string // the log's message for a failed request ("console request failed")
}

// Render writes page with data and code, executing the page's template
// named name ("layout", or a fragment's). The page is rendered into a
// buffer first, so a template error becomes a clean 500, never half a
// page.
func (p *Pages) Render(w http.ResponseWriter, code int, page, name string, data any) {
	t, ok := p.Templates[page]
	if !ok {
		p.Log.Error("no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		p.Log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	buf.WriteTo(w)
}

// Fail is where every error page starts: the status of err (Of) and the
// key of its message in the catalogue (KeyIn). A server error (5xx) is
// logged with the request's path; the page shows only the message.
func (p *Pages) Fail(r *http.Request, err error) (code int, key string) {
	pr := Of(err)
	if pr.Status >= 500 {
		p.Log.Error(p.Failed, "path", r.URL.Path, "err", err)
	}
	return pr.Status, pr.KeyIn(p.Catalog)
}

// ParsePages builds an audience's Templates: one set per page, for each
// templates/*.html of fsys that is not one of shared (the layout, shared
// fragments), made of the shared files and the page's own, with funcs.
// A set is named after its page's file ("inbox" for templates/inbox.html).
func ParsePages(fsys fs.FS, funcs template.FuncMap, shared ...string) (map[string]*template.Template, error) {
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		if slices.Contains(shared, f) {
			continue
		}
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(slices.Clone(shared), f)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}
