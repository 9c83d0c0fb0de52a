// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/devdb"
)

// TestPostgresRestartMidLoad stops PostgreSQL for a few seconds in the
// middle of the load. It runs on a private cluster of its own: the shared
// test cluster serves other packages' tests at the same time.
func TestPostgresRestartMidLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := filepath.Join(projectRoot, ".data")
	os.MkdirAll(base, 0o755)
	dir, err := os.MkdirTemp(base, "chaos-pg-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // the server may run as another user
	cluster := &devdb.Cluster{Dir: dir}
	t.Cleanup(func() { cluster.Stop(context.Background()); os.RemoveAll(dir) })
	url, err := cluster.Ensure(ctx)
	if err != nil {
		t.Fatalf("private cluster: %v", err)
	}
	api := newBotAPI(t)
	a, b := newInstance(t, "a", url, api.srv.URL), newInstance(t, "b", url, api.srv.URL)
	a.start() // migrates
	b.start()
	pool := openDB(t, url)
	f := &fleet{all: []*instance{a, b}}
	users, per := size()
	total := int64(users * per)
	l := &load{t: t, targets: f.up, users: users, perUser: per}
	var once sync.Once
	back := make(chan error, 1)
	stopped := make(chan struct{}) // closed once PostgreSQL is down (or failed to stop)
	var down time.Duration
	l.run(ctx, func(n int64) {
		if n >= total*3/10 {
			once.Do(func() {
				go func() {
					start := time.Now()
					if err := cluster.Stop(ctx); err != nil {
						close(stopped)
						back <- err
						return
					}
					close(stopped)
					time.Sleep(3 * time.Second) // PostgreSQL stays down this long: an outage, not a wait
					_, err := cluster.Ensure(ctx)
					down = time.Since(start)
					back <- err
				}()
			})
			// Each user's next message waits for the outage to begin, so
			// the rest of the load meets it: a fast engine used to finish
			// the short load while PostgreSQL was still stopping.
			<-stopped
		}
	})
	if err := <-back; err != nil {
		t.Fatalf("restart PostgreSQL: %v", err)
	}
	drain(t, pool, api)
	c := tally(t, pool, api, l)
	fmt.Printf("chaos postgres down for %s; longest refused delivery %d ms\n", down.Round(100*time.Millisecond), l.slowFail.Load())
	// A reply delivered just before PostgreSQL went away cannot be marked
	// sent at once; the engine retries the mark until the database is
	// back, so the sweep must not send it again: no duplicate allowed.
	judge(t, "PostgreSQL restart", c, 0)
	if c.Retried == 0 {
		t.Error("no delivery was refused during the outage: the restart missed the load")
	}
	// Failing fast or waiting are both accepted; hanging is not. At full
	// size (200 users at once) some requests waited ~30 s for the pool
	// during the outage before failing.
	if l.slowFail.Load() > 60_000 {
		t.Errorf("a request hung %d ms before failing", l.slowFail.Load())
	}
	for _, in := range []*instance{a, b} {
		if _, err := (&load{}).probe(in); err != nil {
			t.Errorf("%s did not recover: %v", in.name, err)
		}
	}
}
