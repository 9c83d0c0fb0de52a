// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/internal/testdb"
)

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
