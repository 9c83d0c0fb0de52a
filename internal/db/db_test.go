// SPDX-License-Identifier: EUPL-1.2

package db_test

import (
	"context"
	"testing"

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
