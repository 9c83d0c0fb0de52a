// SPDX-License-Identifier: EUPL-1.2

package db_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// TestMigrateUpDownUp checks that every migration can be rolled back and
// applied again, leaving the same set of tables.
func TestMigrateUpDownUp(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	tables := func() []string {
		var names []string
		if err := pool.SelectContext(ctx, &names, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'river%' AND tablename <> 'goose_db_version' ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return names
	}
	before := tables()
	if len(before) == 0 {
		t.Fatal("no tables after migrate up")
	}
	st, err := db.MigrationStatus(ctx, pool.DB)
	if err != nil {
		t.Fatal(err)
	}
	for range st {
		if _, err := db.MigrateDown(ctx, pool.DB); err != nil {
			t.Fatalf("down: %v", err)
		}
	}
	if got := tables(); len(got) != 0 {
		t.Fatalf("tables left after all downs: %v", got)
	}
	st, err = db.MigrationStatus(ctx, pool.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Applied {
			t.Fatalf("migration %d still applied", s.Version)
		}
	}
	if err := db.MigrateUp(ctx, pool.DB); err != nil {
		t.Fatal(err)
	}
	after := tables()
	if len(after) != len(before) {
		t.Fatalf("tables after up-down-up = %v, want %v", after, before)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("tables after up-down-up = %v, want %v", after, before)
		}
	}
}

// TestIsUnavailable: what means "the database cannot be reached now" (and
// is worth waiting for) against what PostgreSQL refused for good.
func TestIsUnavailable(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", syscall.ECONNREFUSED, true},
		{"connection exception", &pq.Error{Code: "08006"}, true},
		{"admin shutdown", &pq.Error{Code: "57P01"}, true},
		{"starting up", &pq.Error{Code: "57P03"}, true},
		{"read-only standby", &pq.Error{Code: "25006"}, true},
		{"connections not allowed now", &pq.Error{Code: "55000", Message: `database "x" is not currently accepting connections`}, true},
		{"another prerequisite", &pq.Error{Code: "55000", Message: "cannot do this now"}, false},
		{"unique violation", &pq.Error{Code: "23505"}, false},
		{"syntax", &pq.Error{Code: "42601"}, false},
		{"nil", nil, false},
	} {
		if got := db.IsUnavailable(tt.err); got != tt.want {
			t.Errorf("%s: IsUnavailable = %v, want %v", tt.name, got, tt.want)
		}
	}
}
