// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/internal/testdb"
)

func get(t *testing.T, h http.Handler, path, acceptLang string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	srv, err := New(Options{DB: testdb.New(t), Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if code, _ := get(t, h, "/healthz", ""); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	if code, body := get(t, h, "/readyz", ""); code != 200 || !strings.Contains(body, "ready") {
		t.Fatalf("/readyz = %d %q", code, body)
	}
	get(t, h, "/no-such-page", "")
	code, body := get(t, h, "/metrics", "")
	if code != 200 || !strings.Contains(body, `helpdesk_http_requests_total{code="200",route="GET /healthz"} 1`) {
		t.Fatalf("/metrics = %d, lacks the healthz counter:\n%s", code, body)
	}
	if !strings.Contains(body, `route="unmatched"`) {
		t.Fatal("unmatched paths are not counted under one label")
	}
}

func TestReadyzWhenDatabaseIsDown(t *testing.T) {
	t.Parallel()
	// A real driver pointed at a port where nothing listens.
	dead, err := sqlx.Open("postgres", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	srv, _ := New(Options{DB: dead, Registry: prometheus.NewRegistry()})
	code, body := get(t, srv.Handler(), "/readyz", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "database unavailable") {
		t.Fatalf("/readyz with the database down = %d %q, want 503", code, body)
	}
	if code, _ := get(t, srv.Handler(), "/healthz", ""); code != 200 {
		t.Fatalf("/healthz must not depend on the database, got %d", code)
	}
}

func TestHomeInBothLanguages(t *testing.T) {
	t.Parallel()
	srv, _ := New(Options{DB: testdb.New(t), Registry: prometheus.NewRegistry()})
	_, it := get(t, srv.Handler(), "/", "it-IT")
	_, en := get(t, srv.Handler(), "/", "en-GB,en")
	// The root leads requesters to the help centre and says where the
	// console is, in the reader's language.
	for _, c := range []struct{ page, lang string }{{it, "it"}, {en, "en"}} {
		for _, want := range []string{`href="/help/?lang=` + c.lang + `"`, html.EscapeString(homeText.T(c.lang, "home.help")),
			html.EscapeString(homeText.T(c.lang, "home.console", "/console/")), `href="/console/"`, `<html lang="` + c.lang + `"`} {
			if !strings.Contains(c.page, want) {
				t.Errorf("home page (%s) lacks %q:\n%s", c.lang, want, c.page)
			}
		}
	}
	if !strings.Contains(it, "Vai al centro assistenza") || !strings.Contains(en, "Go to the help centre") {
		t.Fatalf("home pages:\n%s\n%s", it, en)
	}
	if problems := homeText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	t.Parallel()
	srv, _ := New(Options{DB: testdb.New(t), Registry: prometheus.NewRegistry(), MaxBodyBytes: 10})
	var got error
	called := false
	h := srv.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		_, got = io.ReadAll(r.Body)
	}))
	// A declared length over the limit: 413 before any handler runs.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/x", strings.NewReader(strings.Repeat("a", 100))))
	if rec.Code != http.StatusRequestEntityTooLarge || called {
		t.Fatalf("declared oversized body: %d, handler called %v; want 413 from the middleware", rec.Code, called)
	}
	// No declared length (chunked): the handler's read fails.
	req := httptest.NewRequest("POST", "/x", strings.NewReader(strings.Repeat("a", 100)))
	req.ContentLength = -1
	h.ServeHTTP(httptest.NewRecorder(), req)
	var mbe *http.MaxBytesError
	if got == nil || !errors.As(got, &mbe) {
		t.Fatalf("reading an oversized body: err = %v, want *http.MaxBytesError", got)
	}
}
