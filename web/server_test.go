// SPDX-License-Identifier: EUPL-1.2

package web

import (
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
