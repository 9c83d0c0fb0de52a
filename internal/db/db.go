// SPDX-License-Identifier: EUPL-1.2

// Package db opens the PostgreSQL pool and owns the schema: the SQL
// migrations embedded in the binary, applied by goose, and River's job
// tables applied by River's own migrator.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrUnavailable wraps errors that mean the database cannot be reached
// right now (connection refused, shutting down): callers may retry later.
var ErrUnavailable = errors.New("database unavailable")

// Options tune the pool.
type Options struct {
	MaxOpenConns     int
	StatementTimeout time.Duration
	// Async opens a pool for bookkeeping writes that may be lost in a
	// database crash (search logs, delivery marks): its commits do not
	// wait for the disk (synchronous_commit = off), so they do not queue
	// behind the ones that must.
	Async bool
}

// Querier is what a store runs its SQL on: the pool, or a transaction the
// caller owns (*sqlx.DB and *sqlx.Tx both are one). The stores' own
// Querier types (bots, tickets) are this one.
type Querier interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// Open connects to url and checks the connection.
func Open(ctx context.Context, url string, opt Options) (*sqlx.DB, error) {
	if opt.StatementTimeout > 0 {
		url = withParam(url, "statement_timeout", fmt.Sprint(opt.StatementTimeout.Milliseconds()))
	}
	if opt.Async {
		url = withParam(url, "synchronous_commit", "off")
	}
	if !strings.Contains(url, "binary_parameters") {
		// Parse, bind and execute in one round trip instead of two. []byte
		// arguments then travel in binary: pass JSON for jsonb columns as
		// a string (see JSON), not as []byte.
		url = withParam(url, "binary_parameters", "yes")
	}
	if !strings.Contains(url, "target_session_attrs") {
		// Only a writable primary is good enough: an address that a
		// fail-over left pointing at a standby (or at an old primary that
		// came back read-only) is refused at connect time, instead of
		// pooling connections whose every write fails.
		url = withParam(url, "target_session_attrs", "read-write")
	}
	if !strings.Contains(url, "connect_timeout") {
		url = withParam(url, "connect_timeout", fmt.Sprint(int(defaultConnectTimeout.Seconds())))
	}
	conn, err := pq.NewConnector(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	conn.Dialer(dialer{})
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	if opt.MaxOpenConns > 0 {
		db.SetMaxOpenConns(opt.MaxOpenConns)
		db.SetMaxIdleConns(opt.MaxOpenConns)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w: %w", ErrUnavailable, err)
	}
	return db, nil
}

// withParam adds a run-time parameter, which lib/pq accepts in the URL's
// query string.
func withParam(url, key, value string) string {
	if strings.Contains(url, "?") {
		return url + "&" + key + "=" + value
	}
	return url + "?" + key + "=" + value
}

// Migrations returns the embedded migration files (for tests and tools).
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

func provider(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	// Out of order: a database that already has a higher version (a
	// development branch that landed first) still gets a lower one that
	// arrived later. Migrations are written to be independent of each
	// other's order within a release.
	return goose.NewProvider(goose.DialectPostgres, db, Migrations(), goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
}

// MigrateUp applies River's tables, then every pending migration of ours.
// Several instances starting together are serialised by an advisory lock.
func MigrateUp(ctx context.Context, db *sql.DB) error {
	rm, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	p, err := provider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// MigrateDown rolls back our most recent migration (River's tables stay).
func MigrateDown(ctx context.Context, db *sql.DB) (int64, error) {
	p, err := provider(db)
	if err != nil {
		return 0, err
	}
	res, err := p.Down(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate down: %w", err)
	}
	return res.Source.Version, nil
}

// Status describes one migration.
type Status struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatus lists our migrations and whether each is applied.
func MigrationStatus(ctx context.Context, db *sql.DB) ([]Status, error) {
	p, err := provider(db)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(st))
	for _, s := range st {
		out = append(out, Status{Version: s.Source.Version, Name: s.Source.Path,
			Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt})
	}
	return out, nil
}

// IsUnavailable reports whether err means the database could not be
// reached (as opposed to a query that PostgreSQL rejected).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		// Class 08: connection exception; 57P01–03: admin shutdown, crash,
		// cannot connect now; 25006: a write reached a server that is (or
		// became) read-only, e.g. an address still pointing at a standby
		// during a fail-over: the write succeeds once a primary answers.
		// 55000 with this message: the database refuses connections for
		// now (ALTER DATABASE … ALLOW_CONNECTIONS false, maintenance).
		return pqErr.Code.Class() == "08" || pqErr.Code == "57P01" || pqErr.Code == "57P02" || pqErr.Code == "57P03" ||
			pqErr.Code == "25006" || (pqErr.Code == "55000" && strings.Contains(pqErr.Message, "not currently accepting connections"))
	}
	// lib/pq's refusals under target_session_attrs=read-write (see Open)
	// are plain errors: the address leads to a standby for now.
	if msg := err.Error(); strings.Contains(msg, "server is in hot standby mode") || strings.Contains(msg, "session is read-only") {
		return true
	}
	var netErr interface{ Timeout() bool }
	return errors.As(err, &netErr)
}

// Tx runs fn in a transaction, committing when it returns nil.
func Tx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
