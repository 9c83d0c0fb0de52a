// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/config"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// emptyDatabase creates a database with no migration applied, dropped
// when t ends, and returns its URL.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	server := testdb.ServerURL(t)
	admin, err := sqlx.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("cmd_empty_%d", time.Now().UnixNano())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestOpenDB: the pool is on the configured database with its statement
// timeout; migrate applies every migration first, and without it none is.
func TestOpenDB(t *testing.T) {
	ctx := context.Background()
	env := &environment{stderr: &strings.Builder{}}
	for _, migrate := range []bool{false, true} {
		cfg := config.Config{DatabaseURL: emptyDatabase(t), Database: config.Database{MaxOpenConns: 3, StatementTimeout: 1500 * time.Millisecond}}
		pool, err := env.openDB(ctx, cfg, migrate)
		if err != nil {
			t.Fatal(err)
		}
		var timeout string
		if err := pool.Get(&timeout, `SHOW statement_timeout`); err != nil {
			t.Fatal(err)
		}
		if timeout != "1500ms" {
			t.Errorf("statement_timeout %s, want 1500ms", timeout)
		}
		var tickets *string
		if err := pool.Get(&tickets, `SELECT to_regclass('tickets')::text`); err != nil {
			t.Fatal(err)
		}
		if (tickets != nil) != migrate {
			t.Errorf("migrate %v: the tickets table exists: %v", migrate, tickets != nil)
		}
		if migrate {
			st, err := db.MigrationStatus(ctx, pool.DB)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				if !s.Applied {
					t.Fatalf("migration %d not applied", s.Version)
				}
			}
		}
		pool.Close()
	}
	if _, err := env.openDB(ctx, config.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none?connect_timeout=5"}, false); err == nil {
		t.Fatal("a database that does not answer opened")
	}
}

// databaseURL gives DATABASE_URL as it is, starting nothing.
func TestDatabaseURLGiven(t *testing.T) {
	var log strings.Builder
	env := &environment{stderr: &log}
	dir := t.TempDir()
	got, err := env.databaseURL(context.Background(), config.Config{DatabaseURL: "postgres://desk@db.example.org/helpdesk", DataDir: dir})
	if err != nil || got != "postgres://desk@db.example.org/helpdesk" || log.Len() != 0 {
		t.Fatalf("%q, %v, log %q", got, err, log.String())
	}
}

// openAsync's pool commits without waiting for the disk, unless durable.
func TestOpenAsync(t *testing.T) {
	u := testdb.NewURL(t)
	for durable, want := range map[bool]string{false: "off", true: "on"} {
		pool, err := openAsync(context.Background(), u, durable)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = pool.Get(&got, `SHOW synchronous_commit`)
		pool.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("durable %v: synchronous_commit %s, want %s", durable, got, want)
		}
	}
}

// newLogger writes to stderr at the configured level, as text or JSON;
// an unknown level is info.
func TestNewLogger(t *testing.T) {
	for _, c := range []struct {
		level, format string
		debug, info   bool
	}{
		{"debug", "text", true, true},
		{"info", "json", false, true},
		{"warn", "text", false, false},
		{"loud", "text", false, true},
		{"", "json", false, true},
	} {
		var out, errOut strings.Builder
		env := &environment{stdout: &out, stderr: &errOut}
		log := env.newLogger(config.Config{Log: config.Log{Level: c.level, Format: c.format}})
		log.Debug("debug line")
		log.Info("info line")
		log.Warn("warn line")
		got := errOut.String()
		if strings.Contains(got, "debug line") != c.debug || strings.Contains(got, "info line") != c.info || !strings.Contains(got, "warn line") {
			t.Errorf("%s: logged %q", c.level, got)
		}
		if isJSON := strings.HasPrefix(got, "{"); isJSON != (c.format == "json") {
			t.Errorf("%s: format %s, logged %q", c.level, c.format, got)
		}
		if out.Len() != 0 {
			t.Errorf("%s: the log went to stdout", c.level)
		}
	}
}

// loadConfig reads the -config file and the environment, the
// environment winning; printf writes to stdout.
func TestLoadConfigAndPrintf(t *testing.T) {
	var out strings.Builder
	env := &environment{stdout: &out, stderr: &strings.Builder{}, configPath: "testdata/tender-calendars.yaml",
		environ: []string{"HELPDESK_LOG_LEVEL=debug"}}
	cfg, err := env.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Log.Level != "debug" || len(cfg.Calendars) == 0 {
		t.Fatalf("config %+v", cfg.Log)
	}
	env.configPath = "testdata/none.yaml"
	if _, err := env.loadConfig(); err == nil {
		t.Fatal("a missing file loaded")
	}
	env.printf("%d tickets\n", 3)
	if out.String() != "3 tickets\n" {
		t.Fatalf("printf wrote %q", out.String())
	}
}
