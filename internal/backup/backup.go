// SPDX-License-Identifier: EUPL-1.2

// Package backup dumps the database with pg_dump into a folder, keeps the
// last N dumps, and restores a dump with pg_restore. The periodic backup
// of `serve` runs as a durable River job (see Worker).
package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/devdb"
)

// ErrNoTool is returned when pg_dump or pg_restore cannot be found.
var ErrNoTool = errors.New("PostgreSQL client tools not found")

// Options say where backups go and how many are kept.
type Options struct {
	DatabaseURL string
	Dir         string
	Keep        int              // dumps kept after a backup; older ones are removed
	Now         func() time.Time // nil: time.Now
}

const prefix, suffix = "helpdesk-", ".dump"

// Run dumps the database into Dir as helpdesk-YYYYMMDD-HHMMSS.dump (custom
// format, compressed) and removes dumps beyond Keep. The file appears only
// once complete: pg_dump writes to a temporary name that is then renamed.
func Run(ctx context.Context, opt Options) (string, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if err := os.MkdirAll(opt.Dir, 0o750); err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	pgDump, err := tool("pg_dump")
	if err != nil {
		return "", err
	}
	name := prefix + now().UTC().Format("20060102-150405") + suffix
	final := filepath.Join(opt.Dir, name)
	tmp := final + ".partial"
	if err := runTool(ctx, pgDump, "--format=custom", "--no-owner", "--file="+tmp, "--dbname="+opt.DatabaseURL); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("pg_dump: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	if err := prune(opt.Dir, opt.Keep); err != nil {
		return final, fmt.Errorf("remove old backups: %w", err)
	}
	return final, nil
}

// List returns the dumps in dir, oldest first.
func List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), suffix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out) // the timestamp in the name sorts by time
	return out, nil
}

func prune(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	files, err := List(dir)
	if err != nil {
		return err
	}
	for len(files) > keep {
		if err := os.Remove(files[0]); err != nil {
			return err
		}
		files = files[1:]
	}
	return nil
}

// Restore loads file into the database at databaseURL, creating the
// database first if it was dropped. Objects that exist are replaced.
func Restore(ctx context.Context, databaseURL, file string) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("backup file: %w", err)
	}
	if err := ensureDatabase(ctx, databaseURL); err != nil {
		return err
	}
	pgRestore, err := tool("pg_restore")
	if err != nil {
		return err
	}
	if err := runTool(ctx, pgRestore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
		"--exit-on-error", "--dbname="+databaseURL, file); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	return nil
}

// ensureDatabase creates the database named in the URL when it is missing,
// connecting to the server's `postgres` database to do so.
func ensureDatabase(ctx context.Context, databaseURL string) error {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return fmt.Errorf("database URL names no database")
	}
	admin := *u
	admin.Path = "/postgres"
	adb, err := sqlx.Open("postgres", admin.String())
	if err != nil {
		return err
	}
	defer adb.Close()
	var exists bool
	if err := adb.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return fmt.Errorf("check database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := adb.ExecContext(ctx, `CREATE DATABASE "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// tool finds a client program next to the server's, falling back to PATH,
// so that pg_dump is never older than the server it dumps.
func tool(name string) (string, error) {
	if dir, err := devdb.BinDir(); err == nil {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: %s (install Debian's postgresql-client)", ErrNoTool, name)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func runTool(ctx context.Context, name string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return fmt.Errorf("%w: %s", err, msg)
	}
	return nil
}
