// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/devdb"
	"helpdesk/internal/testwait"
)

// TestFailoverToSynchronousStandby loses the database server for good in
// the middle of the load: two private clusters on loopback, a primary and
// a synchronous standby, behind one address (a TCP forwarder standing in
// for the fail-over manager's virtual address). The primary's postmaster
// is killed with SIGKILL, the standby promoted, the address moved to it.
// Nothing the platform saw acknowledged may be lost or answered twice, and
// the service must come back on its own.
func TestFailoverToSynchronousStandby(t *testing.T) {
	t.Parallel()
	// The chaos deadline, not testwait's: at full size (make chaos) the
	// load runs for many minutes, longer than testwait.Patience.
	ctx, cancel := context.WithDeadline(context.Background(), deadline(t))
	defer cancel()
	ha := newHAPair(t, ctx)
	primary, standby, v, url := ha.primary, ha.standby, ha.vip, ha.url

	api := newBotAPI(t)
	a, b := newInstance(t, "a", url, api.srv.URL), newInstance(t, "b", url, api.srv.URL)
	for _, in := range []*instance{a, b} {
		// With the default (marks committed without waiting), a mark the
		// standby had not received is lost with the primary and its reply
		// sent again: 1 duplicate in the first run of this test.
		in.set("HELPDESK_DATABASE_DURABLE_MARKS", "true")
	}
	a.start() // migrates
	b.start()
	// The test's own view goes straight to the standby-then-primary, not
	// through the address, so its counting survives the move.
	f := &fleet{all: []*instance{a, b}}
	users, per := size()
	total := int64(users * per)
	l := &load{t: t, targets: f.up, users: users, perUser: per, triple: 5}

	type outcome struct {
		killed, promoted, moved, ready time.Time
		sawUnready                     bool
		err                            error
	}
	done := make(chan outcome, 1)
	var once sync.Once
	// A fail-over that fails stops the load, which would otherwise wait
	// for a primary for ever, so the test reports why.
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	l.run(loadCtx, func(n int64) {
		if n < total*2/5 {
			return
		}
		once.Do(func() {
			go func() {
				var o outcome
				defer func() {
					if o.err != nil {
						stopLoad()
					}
					done <- o
				}()
				o.killed = time.Now()
				if o.err = primary.Kill(); o.err != nil {
					return
				}
				// What a fail-over manager watches: the service says it
				// cannot work while no primary answers.
				o.sawUnready = waitReady(a, http.StatusServiceUnavailable, 30*time.Second)
				if o.err = standby.Promote(ctx); o.err != nil {
					return
				}
				o.promoted = time.Now()
				l.since.Store(o.promoted.UnixNano())
				v.move(ha.standbyAddr)
				o.moved = time.Now()
				if waitReady(a, http.StatusOK, 60*time.Second) {
					o.ready = time.Now()
				}
			}()
		})
	})
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		t.Fatal("the fail-over did not finish before the test's deadline (the load ended before 40 %?)")
	}
	if o.err != nil {
		t.Fatalf("fail-over: %v", o.err)
	}
	pool := openDB(t, ha.standbyURL)
	drain(t, pool, api)
	c := tally(t, pool, api, l)
	back := time.Duration(0)
	if fa := l.firstAfter.Load(); fa != 0 {
		back = time.Unix(0, fa).Sub(o.promoted)
	}
	fmt.Printf("chaos fail-over: primary killed, standby promoted %s later; longest time without service %s; first message accepted %s after the promotion; /readyz 200 again %s after it\n",
		o.promoted.Sub(o.killed).Round(10*time.Millisecond), time.Duration(l.maxGap.Load()).Round(10*time.Millisecond),
		back.Round(10*time.Millisecond), o.ready.Sub(o.promoted).Round(10*time.Millisecond))
	judge(t, "fail-over", c, 0)
	if !o.sawUnready {
		t.Error("/readyz never answered 503 while no primary was reachable")
	}
	if o.ready.IsZero() {
		t.Error("/readyz did not answer 200 after the promotion")
	}
	if back == 0 {
		t.Error("no message was accepted after the promotion: the load ended before the fail-over")
	} else if back > 10*time.Second {
		t.Errorf("service back %s after the promotion, want within 10 s", back)
	}
	for _, in := range []*instance{a, b} {
		if _, err := l.probe(in); err != nil {
			t.Errorf("%s did not recover: %v", in.name, err)
		}
		if strings.Contains(in.logText(), "panic") {
			t.Errorf("%s panicked:\n%s", in.name, in.logText())
		}
	}
}

// haPair is a replicated pair behind one moving address.
type haPair struct {
	primary, standby        *devdb.Cluster
	vip                     *vip
	url                     string // through the address: what the service is given
	standbyAddr, standbyURL string // the standby itself
}

// newHAPair starts a primary with a synchronous standby and points a
// moving address at the primary.
func newHAPair(t *testing.T, ctx context.Context) *haPair {
	t.Helper()
	primary, standby := replicatedPair(t, ctx)
	pport, err := primary.Port()
	if err != nil {
		t.Fatal(err)
	}
	sport, err := standby.Port()
	if err != nil {
		t.Fatal(err)
	}
	v := newVIP(t, fmt.Sprintf("127.0.0.1:%d", pport))
	return &haPair{primary: primary, standby: standby, vip: v,
		url:         fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", devdb.Role, v.addr(), devdb.DBName),
		standbyAddr: fmt.Sprintf("127.0.0.1:%d", sport),
		standbyURL:  fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", devdb.Role, sport, devdb.DBName)}
}

// replicatedPair starts a private primary and a synchronous streaming
// standby of it: a commit returns only once the standby has it.
func replicatedPair(t *testing.T, ctx context.Context) (primary, standby *devdb.Cluster) {
	t.Helper()
	base := filepath.Join(projectRoot, ".data")
	os.MkdirAll(base, 0o755)
	dir, err := os.MkdirTemp(base, "chaos-ha-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // the server may run as another user
	primary = &devdb.Cluster{Dir: filepath.Join(dir, "primary")}
	t.Cleanup(func() {
		if standby != nil {
			standby.Stop(context.Background())
		}
		primary.Kill() // already dead after the test; a crash if the test failed early
		os.RemoveAll(dir)
	})
	url, err := primary.Ensure(ctx)
	if err != nil {
		t.Fatalf("primary: %v", err)
	}
	if standby, err = primary.NewStandby(ctx, filepath.Join(dir, "standby")); err != nil {
		t.Fatalf("standby: %v", err)
	}
	p := openDB(t, url)
	testwait.For(t, "the standby to stream from the primary", func() bool {
		var n int
		if err := p.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'`); err != nil {
			t.Fatal(err)
		}
		return n == 1
	})
	for _, q := range []string{`ALTER SYSTEM SET synchronous_standby_names = '*'`, `ALTER SYSTEM SET synchronous_commit = 'on'`, `SELECT pg_reload_conf()`} {
		if _, err := p.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	testwait.For(t, "the standby to be synchronous", func() bool {
		var n int
		if err := p.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'`); err != nil {
			t.Fatal(err)
		}
		return n == 1
	})
	return primary, standby
}

// waitReady polls an instance's /readyz until it answers code, for at most
// limit: the readiness probe a fail-over manager or load balancer runs.
func waitReady(in *instance, code int, limit time.Duration) bool {
	c := &http.Client{Timeout: 5 * time.Second}
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(100 * time.Millisecond) { // a probe's poll interval
		resp, err := c.Get("http://" + in.addr + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == code {
			return true
		}
	}
	return false
}
