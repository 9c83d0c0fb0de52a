// SPDX-License-Identifier: EUPL-1.2

package problem

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"helpdesk/internal/i18n"
	"helpdesk/tickets"
)

func testPages(t *testing.T) (*Pages, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	ok := template.Must(template.New("ok").Parse(`{{define "layout"}}<p>{{.}}</p>{{end}}{{define "part"}}[{{.}}]{{end}}`))
	// broken fails half way: its first half must not reach the client.
	broken := template.Must(template.New("broken").Parse(`{{define "layout"}}<p>start {{.Missing}}</p>{{end}}`))
	return &Pages{Templates: map[string]*template.Template{"ok": ok, "broken": broken},
		Catalog: i18n.Catalog{"error.notfound": {"it": "Non trovato", "en": "Not found"}},
		Log:     slog.New(slog.NewTextHandler(&log, nil)), Failed: "test request failed"}, &log
}

func TestPagesRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, page, tmpl string
		code             int
		wantCode         int
		wantBody, logged string
	}{
		{"the layout", "ok", "layout", http.StatusCreated, http.StatusCreated, "<p>a &lt;b&gt;</p>", ""},
		{"a fragment", "ok", "part", http.StatusOK, http.StatusOK, "[a &lt;b&gt;]", ""},
		{"a template error is a clean 500", "broken", "layout", http.StatusOK, http.StatusInternalServerError, "internal error\n", "render page"},
		{"no such page", "nothing", "layout", http.StatusOK, http.StatusInternalServerError, "internal error\n", "no such template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, log := testPages(t)
			w := httptest.NewRecorder()
			p.Render(w, tt.code, tt.page, tt.tmpl, "a <b>")
			if w.Code != tt.wantCode || w.Body.String() != tt.wantBody {
				t.Errorf("%d %q, want %d %q", w.Code, w.Body.String(), tt.wantCode, tt.wantBody)
			}
			if tt.logged == "" && log.Len() > 0 || !strings.Contains(log.String(), tt.logged) {
				t.Errorf("log %q, want %q", log.String(), tt.logged)
			}
			if tt.wantCode < 500 && w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
			}
		})
	}
}

func TestPagesFail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err      error
		code     int
		key      string
		logLevel string // "" when nothing is logged
	}{
		{fmt.Errorf("loading: %w", tickets.ErrNotFound), http.StatusNotFound, "error.notfound", ""},
		// The catalogue has no error.conflict: the general key of 409 is
		// still what KeyIn gives (every page catalogue has those).
		{ErrConflict, http.StatusConflict, "error.conflict", ""},
		{errors.New("disk on fire"), http.StatusInternalServerError, "error.internal", "level=ERROR"},
		{ErrChatOff, http.StatusServiceUnavailable, "error.unavailable", "level=ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			p, log := testPages(t)
			r := httptest.NewRequest("GET", "/somewhere", nil)
			code, key := p.Fail(r, tt.err)
			if code != tt.code || key != tt.key {
				t.Errorf("Fail = %d %s, want %d %s", code, key, tt.code, tt.key)
			}
			if tt.logLevel == "" && log.Len() > 0 {
				t.Errorf("a %d was logged: %s", code, log.String())
			}
			if tt.logLevel != "" {
				for _, want := range []string{tt.logLevel, "test request failed", "path=/somewhere", tt.err.Error()} {
					if !strings.Contains(log.String(), want) {
						t.Errorf("log %q lacks %q", log.String(), want)
					}
				}
			}
		})
	}
}

// TestParsePages: one set per page file with the shared files and the
// functions given; the shared files are no pages; a page that does not
// parse, or a shared file that is missing, is an error naming it.
func TestParsePages(t *testing.T) {
	fsys := fstest.MapFS{
		"templates/layout.html":    {Data: []byte(`{{define "layout"}}<main>{{template "body" .}}</main>{{end}}`)},
		"templates/fragments.html": {Data: []byte(`{{define "badge"}}<b>{{up .}}</b>{{end}}`)},
		"templates/inbox.html":     {Data: []byte(`{{define "body"}}inbox {{template "badge" .}}{{end}}`)},
		"templates/ticket.html":    {Data: []byte(`{{define "body"}}ticket {{.}}{{end}}`)},
		"templates/notes.txt":      {Data: []byte(`not a template`)},
	}
	funcs := template.FuncMap{"up": strings.ToUpper}
	pages, err := ParsePages(fsys, funcs, "templates/layout.html", "templates/fragments.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages["inbox"] == nil || pages["ticket"] == nil {
		t.Fatalf("pages %v, want inbox and ticket", slices.Sorted(maps.Keys(pages)))
	}
	for page, want := range map[string]string{"inbox": "<main>inbox <b>X</b></main>", "ticket": "<main>ticket x</main>"} {
		var b strings.Builder
		if err := pages[page].ExecuteTemplate(&b, "layout", "x"); err != nil || b.String() != want {
			t.Errorf("%s: %q, %v; want %q", page, b.String(), err, want)
		}
	}
	fsys["templates/broken.html"] = &fstest.MapFile{Data: []byte(`{{define "body"}}{{.Oops}`)}
	if _, err := ParsePages(fsys, funcs, "templates/layout.html", "templates/fragments.html"); err == nil || !strings.Contains(err.Error(), "template broken") {
		t.Errorf("a page that does not parse: %v", err)
	}
	delete(fsys, "templates/broken.html")
	if _, err := ParsePages(fsys, funcs, "templates/layout.html", "templates/missing.html"); err == nil || !strings.Contains(err.Error(), "missing.html") {
		t.Errorf("a missing shared file: %v", err)
	}
}
