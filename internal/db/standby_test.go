// SPDX-License-Identifier: EUPL-1.2

package db_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/internal/db"
	"helpdesk/internal/devdb"
	"helpdesk/internal/testwait"
	"helpdesk/web"
)

// TestStandbyIsRefusedUntilPromoted: what the pool does when the address
// it is given leads to a standby, as it may for a moment during a
// fail-over. Opening refuses the standby (target_session_attrs=read-write,
// set by default) with an error that says the database is unavailable; a
// pool forced onto it (target_session_attrs=any) sees writes fail as
// "unavailable", and /readyz answers 503; once promoted, all three succeed.
func TestStandbyIsRefusedUntilPromoted(t *testing.T) {
	ctx := testwait.Context(t)
	root, err := filepath.Abs(filepath.Join("..", "..", ".data"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(root, 0o755)
	dir, err := os.MkdirTemp(root, "standby-test-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // the server may run as another user
	primary := &devdb.Cluster{Dir: filepath.Join(dir, "primary")}
	var standby *devdb.Cluster
	t.Cleanup(func() {
		if standby != nil {
			standby.Stop(context.Background())
		}
		primary.Stop(context.Background())
		os.RemoveAll(dir)
	})
	purl, err := primary.Ensure(ctx)
	if err != nil {
		t.Fatalf("primary: %v", err)
	}
	p, err := db.Open(ctx, purl, db.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS t (n int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if standby, err = primary.NewStandby(ctx, filepath.Join(dir, "standby")); err != nil {
		t.Fatalf("standby: %v", err)
	}
	port, err := standby.Port()
	if err != nil {
		t.Fatal(err)
	}
	surl := fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", devdb.Role, port, devdb.DBName)

	// The default pool will not open on a standby.
	if _, err := db.Open(ctx, surl, db.Options{MaxOpenConns: 2}); err == nil || !db.IsUnavailable(err) {
		t.Fatalf("Open on a standby = %v, want an 'unavailable' error", err)
	}
	// A pool that was open before the address moved meets the same
	// refusal on its next new connection: also "unavailable", so callers
	// retry instead of failing the message.
	raw, err := sqlx.Open("postgres", surl+"&target_session_attrs=read-write")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `SELECT 1`); err == nil || !db.IsUnavailable(err) {
		t.Fatalf("new connection to a standby = %v, want an 'unavailable' error", err)
	}
	// Forced onto it: it reads what the primary wrote, and refuses writes.
	s, err := db.Open(ctx, surl+"&target_session_attrs=any", db.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testwait.For(t, "the standby to replay the primary's row", func() bool {
		var n int
		if err := s.GetContext(ctx, &n, `SELECT count(*) FROM t`); err != nil {
			var pqErr *pq.Error
			if errors.As(err, &pqErr) && pqErr.Code == "42P01" { // not replayed yet
				return false
			}
			t.Fatal(err)
		}
		return n == 1
	})
	_, err = s.ExecContext(ctx, `INSERT INTO t VALUES (2)`)
	if err == nil || !db.IsUnavailable(err) {
		t.Fatalf("write on a standby = %v, want an 'unavailable' error", err)
	}
	srv, err := web.New(web.Options{DB: s, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	ready := func() (int, string) {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := ready(); code != http.StatusServiceUnavailable || !strings.Contains(body, "standby") {
		t.Fatalf("/readyz on a standby = %d %q, want 503 naming the standby", code, body)
	}

	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExecContext(ctx, `INSERT INTO t VALUES (2)`); err != nil {
		t.Fatalf("write after the promotion: %v", err)
	}
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("/readyz after the promotion = %d %q", code, body)
	}
	d, err := db.Open(ctx, surl, db.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("Open after the promotion: %v", err)
	}
	d.Close()
}
