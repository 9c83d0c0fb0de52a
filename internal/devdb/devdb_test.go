// SPDX-License-Identifier: EUPL-1.2

package devdb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnsureIsIdempotentAndStopIsClean starts a second, private cluster
// (not the one the other tests share), checks that Ensure reuses it, and
// that Stop stops it and may be repeated.
func TestEnsureIsIdempotentAndStopIsClean(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	ctx := context.Background()
	var log strings.Builder
	c := &Cluster{Dir: filepath.Join(t.TempDir(), "pg"), Log: &log}
	t.Cleanup(func() {
		c.Stop(context.Background())
		if strings.HasPrefix(c.Dir, os.TempDir()) {
			os.RemoveAll(c.Dir)
		}
	})
	url1, err := c.Ensure(ctx)
	if err != nil {
		t.Fatalf("first Ensure: %v\n%s", err, log.String())
	}
	ping(t, url1)
	url2, err := c.Ensure(ctx)
	if err != nil || url2 != url1 {
		t.Fatalf("second Ensure = %q, %v; want the same URL %q", url2, err, url1)
	}
	if n := strings.Count(log.String(), "creating a private PostgreSQL cluster"); n != 1 {
		t.Fatalf("cluster created %d times, want once:\n%s", n, log.String())
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if db, _ := sql.Open("postgres", url1); db.Ping() == nil {
		t.Fatal("server still answers after Stop")
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	url3, err := c.Ensure(ctx)
	if err != nil || url3 != url1 {
		t.Fatalf("restart = %q, %v", url3, err)
	}
	ping(t, url3)
}

func ping(t *testing.T, url string) {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		t.Fatalf("ping %s: %v", url, err)
	}
}

func TestStopWithoutCluster(t *testing.T) {
	c := &Cluster{Dir: t.TempDir()}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatalf("Stop of a folder without cluster: %v", err)
	}
}
