// SPDX-License-Identifier: EUPL-1.2

package testdb

import (
	"context"
	"net/url"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/internal/testwait"
)

func currentDatabase(t *testing.T, pool *sqlx.DB) string {
	t.Helper()
	var name string
	if err := pool.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return name
}

// databaseExists asks the server whether a database of that name exists.
func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	admin, err := sqlx.Open("postgres", ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.Get(&exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		t.Fatal(err)
	}
	return exists
}

// New gives each caller its own database, with every migration applied,
// and drops it when the test ends.
func TestNewIsFreshMigratedAndDropped(t *testing.T) {
	var first string
	t.Run("one", func(t *testing.T) {
		a, b := New(t), New(t)
		first = currentDatabase(t, a)
		if second := currentDatabase(t, b); first == second {
			t.Fatalf("two calls share the database %s", first)
		}
		st, err := db.MigrationStatus(context.Background(), a.DB)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) == 0 {
			t.Fatal("no migrations listed")
		}
		for _, s := range st {
			if !s.Applied {
				t.Fatalf("migration %d (%s) not applied in a fresh test database", s.Version, s.Name)
			}
		}
		// A write in one is not seen in the other.
		if _, err := a.Exec(`CREATE TABLE only_here (x int)`); err != nil {
			t.Fatal(err)
		}
		var there *string
		if err := b.Get(&there, `SELECT to_regclass('only_here')::text`); err != nil {
			t.Fatal(err)
		}
		if there != nil {
			t.Fatalf("a table made in %s is visible in the other database", first)
		}
		if !databaseExists(t, first) {
			t.Fatalf("%s not in pg_database while its test runs", first)
		}
	})
	if databaseExists(t, first) {
		t.Fatalf("%s still exists after its test ended", first)
	}
}

// Listen subscribes before it returns: a NOTIFY sent on the pool right
// after arrives, on that channel only, and from the same database.
func TestListen(t *testing.T) {
	pool, l := Listen(t, "testdb_listen")
	ctx := testwait.Context(t)
	if _, err := pool.ExecContext(ctx, `SELECT pg_notify('testdb_other', 'not this one')`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.ExecContext(ctx, `SELECT pg_notify('testdb_listen', 'hello')`); err != nil {
		t.Fatal(err)
	}
	n := testwait.Recv(t, "the notification", l.Notify)
	if n == nil || n.Channel != "testdb_listen" || n.Extra != "hello" {
		t.Fatalf("got %+v, want hello on testdb_listen (and nothing of testdb_other)", n)
	}
	// A second Listen is on a database of its own: a notification sent
	// there does not reach the first listener.
	other, _ := Listen(t, "testdb_listen")
	if _, err := other.ExecContext(ctx, `SELECT pg_notify('testdb_listen', 'elsewhere')`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.ExecContext(ctx, `SELECT pg_notify('testdb_listen', 'here')`); err != nil {
		t.Fatal(err)
	}
	if n := testwait.Recv(t, "the second notification", l.Notify); n == nil || n.Extra != "here" {
		t.Fatalf("got %+v, want here (elsewhere was sent on another database)", n)
	}
}

// withParam adds a parameter the URL lacks and keeps one it sets.
func TestWithParam(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u@h/d", "60"},
		{"postgres://u@h/d?sslmode=disable", "60"},
		{"postgres://u@h/d?connect_timeout=5", "5"},
		{"postgres://u@h/d?connect_timeout=", "60"},
	} {
		u, err := url.Parse(withParam(c.in, "connect_timeout", "60"))
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Query().Get("connect_timeout"); got != c.want {
			t.Errorf("withParam(%q) connect_timeout = %q, want %q", c.in, got, c.want)
		}
		if u.Host != "h" || u.Path != "/d" {
			t.Errorf("withParam(%q) changed the server or database: %s", c.in, u)
		}
	}
	if got := withParam("postgres://u@h:bad/d", "k", "v"); got != "postgres://u@h:bad/d" {
		t.Errorf("an unparsable URL came back as %q", got)
	}
}

// withDatabase replaces the database and keeps the rest of the URL.
func TestWithDatabase(t *testing.T) {
	got := withDatabase("postgres://u:p@h:5433/helpdesk?sslmode=disable", "test_ab")
	if got != "postgres://u:p@h:5433/test_ab?sslmode=disable" {
		t.Errorf("withDatabase = %q", got)
	}
}
