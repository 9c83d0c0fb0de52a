// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/config"
	"helpdesk/internal/db"
	"helpdesk/internal/devdb"
)

// loadConfig builds the configuration from the file and the environment.
func (e *environment) loadConfig() (config.Config, error) {
	return config.Load(e.configPath, e.environ)
}

// databaseURL returns the configured URL, or starts the private cluster
// under the data folder and returns its URL.
func (e *environment) databaseURL(ctx context.Context, cfg config.Config) (string, error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, nil
	}
	c := &devdb.Cluster{Dir: filepath.Join(cfg.DataDir, "pg"), Log: e.stderr}
	return c.Ensure(ctx)
}

// openDB opens the pool, migrating first when migrate is true.
func (e *environment) openDB(ctx context.Context, cfg config.Config, migrate bool) (*sqlx.DB, error) {
	url, err := e.databaseURL(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pool, err := db.Open(ctx, url, db.Options{MaxOpenConns: cfg.Database.MaxOpenConns, StatementTimeout: cfg.Database.StatementTimeout})
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := db.MigrateUp(ctx, pool.DB); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return pool, nil
}

// newLogger builds the slog logger the configuration asks for.
func (e *environment) newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

func (e *environment) printf(format string, args ...any) {
	fmt.Fprintf(e.stdout, format, args...)
}

// openAsync opens a small pool on url for bookkeeping writes that need not
// wait for the disk (db.Options.Async), unless durable says they must
// (database.durable_marks).
func openAsync(ctx context.Context, url string, durable bool) (*sqlx.DB, error) {
	return db.Open(ctx, url, db.Options{MaxOpenConns: 8, Async: !durable})
}
