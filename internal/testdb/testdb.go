// SPDX-License-Identifier: EUPL-1.2

// Package testdb gives each test its own fresh, migrated PostgreSQL
// database: a real server, never a mock. It uses DATABASE_URL when set
// (the role must be allowed to create databases); otherwise it starts the
// project's private cluster itself, so `go test ./...` needs nothing
// started by hand.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/internal/devdb"
)

var (
	baseOnce sync.Once
	baseURL  string
	baseErr  error
)

// ServerURL returns the URL of a database on the test server (the private
// cluster's `helpdesk` database, or DATABASE_URL).
func ServerURL(t testing.TB) string {
	t.Helper()
	baseOnce.Do(func() {
		if u := os.Getenv("DATABASE_URL"); u != "" {
			baseURL = u
			return
		}
		root, err := projectRoot()
		if err != nil {
			baseErr = err
			return
		}
		c := &devdb.Cluster{Dir: filepath.Join(root, ".data", "pg"), Log: os.Stderr}
		baseURL, baseErr = c.Ensure(context.Background())
	})
	if baseErr != nil {
		t.Fatalf("test PostgreSQL: %v", baseErr)
	}
	return baseURL
}

// New creates a fresh migrated database for t, dropped when t ends, and
// returns a pool on it.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	return open(t, NewURL(t))
}

// Listen creates a fresh migrated database for t, like New, and returns a
// pool on it with a listener already subscribed to channel: the server has
// acknowledged the LISTEN when it returns, so a NOTIFY sent afterwards
// (after its transaction commits) arrives on l.Notify. Both are closed when
// t ends.
func Listen(t testing.TB, channel string) (pool *sqlx.DB, l *pq.Listener) {
	t.Helper()
	u := withParam(NewURL(t), "connect_timeout", connectTimeout)
	pool = open(t, u)
	l = pq.NewListener(u, time.Second, time.Minute, nil)
	t.Cleanup(func() { l.Close() })
	if err := l.Listen(channel); err != nil { // returns once the server acknowledged it
		t.Fatalf("listen on %s: %v", channel, err)
	}
	return pool, l
}

// connectTimeout is generous: the production default (5 s) bounds a
// desk's wait for a dead server, but a test's own server, busy with the
// whole suite on two cores, can take longer to start a backend.
const connectTimeout = "60"

// open returns a pool on the test database at u, closed when t ends.
func open(t testing.TB, u string) *sqlx.DB {
	t.Helper()
	pool, err := db.Open(context.Background(), withParam(u, "connect_timeout", connectTimeout), db.Options{MaxOpenConns: 20})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// NewURL creates a fresh migrated database for t and returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	server := ServerURL(t)
	admin, err := sqlx.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tmpl, err := template(ctx, admin, server)
	if err != nil {
		t.Fatalf("prepare template database: %v", err)
	}
	name := "test_" + randomHex(8)
	// The template's migration connections end asynchronously after their
	// pool is closed; until the last backend has exited PostgreSQL refuses
	// to copy it. On a busy machine that can take seconds, so the retry is
	// bounded by a generous deadline, not by a count: the refusal decides.
	for end := time.Now().Add(2 * time.Minute); ; {
		_, err = admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY`, name, tmpl))
		if err == nil || time.Now().After(end) || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond) // a poll interval, not a wait for readiness
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sqlx.Open("postgres", server)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(server, name)
}

// template returns the name of a migrated template database, creating it
// once per migration set (its name carries a hash of the migrations).
func template(ctx context.Context, admin *sqlx.DB, server string) (string, error) {
	name := "helpdesk_tmpl_" + migrationsHash()
	conn, err := admin.Connx(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727001)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(727001)`)
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	pool, err := db.Open(ctx, withDatabase(server, name), db.Options{MaxOpenConns: 2})
	if err != nil {
		return "", err
	}
	err = db.MigrateUp(ctx, pool.DB)
	pool.Close()
	if err != nil {
		return "", err
	}
	// Marked as template only once complete, so a crash halfway is redone.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s IS_TEMPLATE true`, name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() string {
	h := sha256.New()
	fs.WalkDir(db.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(db.Migrations(), path)
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

// withParam sets the query parameter key of a postgres:// URL when the URL
// does not set it already.
func withParam(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func projectRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}
