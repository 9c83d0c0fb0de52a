// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// TestMigrateCommand: status lists every migration as applied on a
// migrated database; down rolls the last back (status then shows it
// pending); up applies it again. Each is read back from the database.
func TestMigrateCommand(t *testing.T) {
	url := testdb.NewURL(t)
	environ := []string{"DATABASE_URL=" + url, "HELPDESK_DATA_DIR=" + t.TempDir()}
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	status := func() []db.Status {
		t.Helper()
		st, err := db.MigrationStatus(context.Background(), pool.DB)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := status()
	last := st[len(st)-1]
	code, out, errOut := runWith(t, environ, "migrate", "status")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != len(st) {
		t.Fatalf("status: exit %d, %d lines for %d migrations: %s", code, len(lines), len(st), errOut)
	}
	for i, s := range st {
		if want := fmt.Sprintf("%05d  %-40s applied ", s.Version, s.Name); !strings.HasPrefix(lines[i], want) {
			t.Fatalf("status line %q, want it to start %q", lines[i], want)
		}
	}
	if code, out, errOut := runWith(t, environ, "migrate", "down"); code != 0 || out != fmt.Sprintf("rolled back migration %d\n", last.Version) {
		t.Fatalf("down: exit %d, %q %s", code, out, errOut)
	}
	if st := status(); st[len(st)-1].Applied || !st[len(st)-2].Applied {
		t.Fatalf("after down: %+v", st[len(st)-2:])
	}
	_, out, _ = runWith(t, environ, "migrate", "status")
	if !strings.HasSuffix(out, fmt.Sprintf("%05d  %-40s pending\n", last.Version, last.Name)) {
		t.Fatalf("status after down ends %q", out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:])
	}
	if code, out, errOut := runWith(t, environ, "migrate", "up"); code != 0 || strings.Contains(out, "pending") || strings.Count(out, "\n") != len(st) {
		t.Fatalf("up: exit %d, %q %s", code, out, errOut)
	}
	if st := status(); !st[len(st)-1].Applied {
		t.Fatal("up did not apply the last migration")
	}
	for _, args := range [][]string{{"migrate"}, {"migrate", "sideways"}, {"migrate", "up", "down"}} {
		if code, _, errOut := runWith(t, environ, args...); code != 2 || !strings.Contains(errOut, "usage: helpdesk migrate up | down | status") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	// A database that does not answer is a failure, not a usage error.
	if code, _, errOut := runWith(t, []string{"DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=5"}, "migrate", "status"); code != 1 {
		t.Errorf("no database: exit %d, %q", code, errOut)
	}
}

// TestDBCommand: with DATABASE_URL there is nothing to start and url
// prints it; otherwise start and url give the private cluster under the
// data folder (the tests' own, never stopped here: every test uses it).
func TestDBCommand(t *testing.T) {
	set := []string{"DATABASE_URL=postgres://desk@db.example.org/helpdesk", "HELPDESK_DATA_DIR=" + t.TempDir()}
	if code, out, _ := runWith(t, set, "db", "url"); code != 0 || out != "postgres://desk@db.example.org/helpdesk\n" {
		t.Errorf("url with DATABASE_URL: exit %d, %q", code, out)
	}
	if code, out, errOut := runWith(t, set, "db", "start"); code != 0 || out != "" || !strings.Contains(errOut, "DATABASE_URL is set: nothing to start") {
		t.Errorf("start with DATABASE_URL: exit %d, %q, %q", code, out, errOut)
	}
	for _, args := range [][]string{{"db"}, {"db", "restart"}, {"db", "url", "start"}} {
		if code, out, errOut := runWith(t, set, args...); code != 2 || out != "" || !strings.Contains(errOut, "usage: helpdesk db start | stop | url") {
			t.Errorf("%v: exit %d, %q, %q", args, code, out, errOut)
		}
	}
	testdb.ServerURL(t) // the private cluster is running (or DATABASE_URL's server is used)
	private := []string{"HELPDESK_DATA_DIR=../../.data"}
	code, started, errOut := runWith(t, private, "db", "start")
	if code != 0 {
		t.Fatalf("start: exit %d, %s", code, errOut)
	}
	if code, url, _ := runWith(t, private, "db", "url"); code != 0 || url != started || !strings.HasPrefix(url, "postgres://") {
		t.Fatalf("url %q, start %q", url, started)
	}
	pool, err := sqlx.Open("postgres", strings.TrimSpace(started))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var one int
	if err := pool.Get(&one, `SELECT 1`); err != nil || one != 1 {
		t.Fatalf("the printed URL does not answer: %v", err)
	}
}
