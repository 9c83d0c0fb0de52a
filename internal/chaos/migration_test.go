// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// The rule for zero-downtime upgrades (docs/operations.md): the newest
// migration must leave the previous release's schema usable — it may add
// tables, indexes, functions and nullable or defaulted columns, and must
// not drop, rename or retype what the previous release reads or writes.

// migrationFiles returns the migration file names, oldest first.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(db.Migrations(), "*.sql")
	if err != nil || len(names) < 2 {
		t.Fatalf("migrations: %v (%d files)", err, len(names))
	}
	sort.Strings(names)
	return names
}

func version(t *testing.T, name string) int64 {
	v, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("migration %s: no version: %v", name, err)
	}
	return v
}

// contracted are the drops the rule lets the last migration make: each
// the contract step of an earlier expand, whose release neither reads nor
// writes what it drops (a test shows it), so that release keeps working
// on the new schema. It reaches a deployment only once no instance runs
// an older release (docs/operations.md, "Expand, then contract").
var contracted = map[string][]string{
	// 00192–00193 moved the marks to message_deliveries;
	// TestDeliveriesWithoutSentAt (bots) runs that release's code on it.
	"00194_message_deliveries_contract.sql": {"messages.sent_at"},
}

var forbidden = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\bDROP\s+(TABLE|COLUMN|VIEW|TYPE|SCHEMA)\b`),
	regexp.MustCompile(`(?i)\bRENAME\b`),
	regexp.MustCompile(`(?i)\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b`),
	regexp.MustCompile(`(?i)\bSET\s+NOT\s+NULL\b`),
}

// upSection is the text between "-- +goose Up" and "-- +goose Down",
// without comments.
func upSection(sql string) string {
	up := sql
	if i := strings.Index(up, "-- +goose Up"); i >= 0 {
		up = up[i:]
	}
	if i := strings.Index(up, "-- +goose Down"); i >= 0 {
		up = up[:i]
	}
	var b strings.Builder
	for _, line := range strings.Split(up, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func TestLastMigrationIsAdditive(t *testing.T) {
	names := migrationFiles(t)
	last := names[len(names)-1]
	b, err := fs.ReadFile(db.Migrations(), last)
	if err != nil {
		t.Fatal(err)
	}
	up := upSection(string(b))
	for _, col := range contracted[last] {
		table, column, _ := strings.Cut(col, ".")
		drop := regexp.MustCompile(`(?i)ALTER\s+TABLE\s+` + table + `\s+DROP\s+COLUMN\s+` + column + `\s*;`)
		if !drop.MatchString(up) {
			t.Errorf("%s: contracted lists %s, which it does not drop", last, col)
		}
		up = drop.ReplaceAllString(up, "")
	}
	for _, re := range forbidden {
		if m := re.FindString(up); m != "" {
			t.Errorf("%s: %q breaks the previous release during a rolling upgrade (docs/operations.md)", last, m)
		}
	}
}

type column struct {
	Table    string  `db:"table_name"`
	Column   string  `db:"column_name"`
	Type     string  `db:"data_type"`
	Nullable string  `db:"is_nullable"`
	Default  *string `db:"column_default"`
}

func columns(t *testing.T, pool *sqlx.DB) map[string]column {
	t.Helper()
	var cols []column
	if err := pool.Select(&cols, `SELECT table_name, column_name, data_type, is_nullable, column_default
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'goose%'`); err != nil {
		t.Fatal(err)
	}
	out := map[string]column{}
	for _, c := range cols {
		out[c.Table+"."+c.Column] = c
	}
	return out
}

// TestPreviousReleaseSchemaSurvivesLastMigration migrates a fresh database
// to the migration before the last, records its columns, applies the last
// one, and checks that every column the previous release knows is still
// there with its type, and that every column added to an existing table
// can be left out of the previous release's INSERTs.
func TestPreviousReleaseSchemaSurvivesLastMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	names := migrationFiles(t)
	prev, last := version(t, names[len(names)-2]), version(t, names[len(names)-1])

	server := testdb.ServerURL(t)
	admin, err := sqlx.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("chaos_mig_%d", prev)
	admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	u, _ := url.Parse(server)
	u.Path = "/" + name
	pool := openDB(t, u.String())
	p, err := goose.NewProvider(goose.DialectPostgres, pool.DB, db.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, prev); err != nil {
		t.Fatalf("migrate to %d: %v", prev, err)
	}
	before := columns(t, pool)
	if _, err := p.UpTo(ctx, last); err != nil {
		t.Fatalf("migrate to %d: %v", last, err)
	}
	after := columns(t, pool)
	tables := map[string]bool{}
	for _, c := range before {
		tables[c.Table] = true
	}
	for key, c := range before {
		n, ok := after[key]
		switch {
		case !ok && slices.Contains(contracted[names[len(names)-1]], key):
			// a contract step: release prev no longer uses it
		case !ok:
			t.Errorf("migration %d removes %s, which release %d uses", last, key, prev)
		case n.Type != c.Type:
			t.Errorf("migration %d changes %s from %s to %s", last, key, c.Type, n.Type)
		case n.Nullable == "NO" && c.Nullable == "YES":
			t.Errorf("migration %d makes %s NOT NULL: release %d may still write NULL", last, key, prev)
		}
	}
	for key, n := range after {
		if _, old := before[key]; old || !tables[n.Table] {
			continue
		}
		if n.Nullable == "NO" && n.Default == nil {
			t.Errorf("migration %d adds %s NOT NULL without a default: release %d's INSERTs into %s fail", last, key, prev, n.Table)
		}
	}
	t.Logf("migration %d checked against release schema at %d: %d columns before, %d after", last, prev, len(before), len(after))
}

func TestAdditiveRuleCatchesBreakingStatements(t *testing.T) {
	tests := []struct {
		sql  string
		want bool // forbidden
	}{
		{"-- +goose Up\nALTER TABLE tickets ADD COLUMN note text;\n-- +goose Down\nALTER TABLE tickets DROP COLUMN note;", false},
		{"-- +goose Up\nCREATE INDEX x ON tickets (id);", false},
		{"-- +goose Up\nALTER TABLE tickets DROP COLUMN subject;", true},
		{"-- +goose Up\nALTER TABLE tickets RENAME COLUMN subject TO title;", true},
		{"-- +goose Up\nALTER TABLE tickets ALTER COLUMN number TYPE bigint;", true},
		{"-- +goose Up\nALTER TABLE tickets ALTER COLUMN note SET NOT NULL;", true},
		{"-- +goose Up\n-- we never DROP TABLE here\nSELECT 1;", false},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			got := false
			for _, re := range forbidden {
				got = got || re.MatchString(upSection(tc.sql))
			}
			if got != tc.want {
				t.Fatalf("forbidden = %v, want %v", got, tc.want)
			}
		})
	}
}
