// SPDX-License-Identifier: EUPL-1.2

package problem

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
