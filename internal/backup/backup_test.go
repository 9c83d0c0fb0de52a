// SPDX-License-Identifier: EUPL-1.2

package backup_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/backup"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// snapshot returns a fingerprint of every row of every table of ours.
func snapshot(t *testing.T, pool *sqlx.DB) map[string]string {
	t.Helper()
	var tables []string
	if err := pool.Select(&tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'river_%' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tb := range tables {
		var n int
		var sum string
		q := fmt.Sprintf(`SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM %q x`, tb)
		if err := pool.QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		out[tb] = fmt.Sprintf("%d rows %s", n, sum)
	}
	return out
}

func TestBackupDropRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.NewURL(t)
	pool, err := db.Open(ctx, dbURL, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store, _ := tickets.NewStore(tickets.Options{})
	for i := 0; i < 25; i++ {
		rid, err := store.EnsureRequester(ctx, pool, tickets.Identity{Channel: "email", ExternalID: fmt.Sprintf("u%d@example.org", i), Name: "Utente àèìòù"})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := store.Create(ctx, pool, "bot", tickets.NewTicket{RequesterID: &rid, OriginChannel: "email", Subject: fmt.Sprintf("Richiesta %d", i), Description: "La CNS non è riconosciuta\nda stamattina"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddComment(ctx, pool, tk.ID, "agent:1", i%2 == 0, "risposta"); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, pool)
	if !strings.HasPrefix(before["tickets"], "25 rows") {
		t.Fatalf("fixture: %v", before["tickets"])
	}
	pool.Close()

	dir := t.TempDir()
	file, err := backup.Run(ctx, backup.Options{DatabaseURL: dbURL, Dir: dir, Keep: 3})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}

	// Drop the database entirely.
	u, _ := url.Parse(dbURL)
	name := strings.TrimPrefix(u.Path, "/")
	admin, _ := sqlx.Open("postgres", testdb.ServerURL(t))
	if _, err := admin.Exec(fmt.Sprintf(`DROP DATABASE %s WITH (FORCE)`, name)); err != nil {
		t.Fatal(err)
	}
	admin.Close()

	if err := backup.Restore(ctx, dbURL, file); err != nil {
		t.Fatal(err)
	}
	pool, err = db.Open(ctx, dbURL, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	after := snapshot(t, pool)
	for tb, want := range before {
		if after[tb] != want {
			t.Errorf("table %s after restore: %s, want %s", tb, after[tb], want)
		}
	}
	// The restored database keeps working: numbering continues.
	tk, err := store.Create(ctx, pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "dopo il ripristino"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(tk.Number, "-000026") {
		t.Fatalf("number after restore = %s, want …-000026", tk.Number)
	}
}

func TestKeepsTheLastN(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.NewURL(t)
	dir := t.TempDir()
	clock := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		clock = clock.Add(24 * time.Hour)
		if _, err := backup.Run(ctx, backup.Options{DatabaseURL: dbURL, Dir: dir, Keep: 3, Now: func() time.Time { return clock }}); err != nil {
			t.Fatal(err)
		}
	}
	files, err := backup.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{"helpdesk-20260104-020000.dump", "helpdesk-20260105-020000.dump", "helpdesk-20260106-020000.dump"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("kept %v, want %v", names, want)
	}
}

func TestRestoreMissingFile(t *testing.T) {
	err := backup.Restore(context.Background(), "postgres://x@127.0.0.1:1/x", "/nonexistent.dump")
	if err == nil || !strings.Contains(err.Error(), "backup file") {
		t.Fatalf("err = %v", err)
	}
}
