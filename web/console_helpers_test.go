// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/agents"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// clock is a settable time source for session and lockout tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type testConsole struct {
	t     *testing.T
	pool  *sqlx.DB
	srv   *Server
	ts    *httptest.Server
	clock *clock
	users *agents.Users
	// tickets is a ticket store on the server's clock, as the console's
	// own: tests set up and read tickets through it.
	tickets *tickets.Store
}

// newTestConsole serves the console on a fresh database. opt may adjust
// the options before the server is built.
func newTestConsole(t *testing.T, opt func(*Options)) *testConsole {
	t.Helper()
	url := testdb.NewURL(t)
	pool := openPool(t, url)
	ck := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	o := Options{DB: pool, Pool: pool, DatabaseURL: url, Registry: prometheus.NewRegistry(), Now: ck.Now, Location: time.UTC}
	if opt != nil {
		opt(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	users, err := agents.NewUsers(pool, ck.Now)
	if err != nil {
		t.Fatal(err)
	}
	ts2, err := tickets.NewStore(tickets.Options{Now: ck.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &testConsole{t: t, pool: pool, srv: srv, ts: ts, clock: ck, users: users, tickets: ts2}
}

// openPool opens the pool as the service does (db.Open: binary
// parameters), so the console's queries are tested as they run.
func openPool(t testing.TB, u string) *sqlx.DB {
	t.Helper()
	pool, err := db.Open(context.Background(), u, db.Options{MaxOpenConns: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

func passwordOf(username string) string { return "pw-" + username + "-long-enough" }

// addUser creates a user whose password is passwordOf(username).
func (tc *testConsole) addUser(username string, role agents.Role) int64 {
	tc.t.Helper()
	id, err := tc.users.Add(context.Background(), agents.NewUser{Username: username, DisplayName: strings.ToUpper(username), Role: role, Password: passwordOf(username)})
	if err != nil {
		tc.t.Fatal(err)
	}
	return id
}

// client is a browser-like HTTP client that does not follow redirects.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

func (tc *testConsole) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: tc.t, base: tc.ts.URL, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfAttr = regexp.MustCompile(`data-csrf="([^"]*)"`)

// login logs in and keeps the session's CSRF token; it fails the test
// unless the login succeeds.
func (tc *testConsole) login(username string) *client {
	tc.t.Helper()
	c := tc.client()
	code, _, _ := c.post("/console/login", url.Values{"username": {username}, "password": {passwordOf(username)}})
	if code != http.StatusSeeOther {
		tc.t.Fatalf("login %s: status %d", username, code)
	}
	c.refreshCSRF()
	return c
}

func (c *client) refreshCSRF() {
	c.t.Helper()
	_, body, _ := c.get("/console/tickets") // every role may read it
	if m := csrfAttr.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
}

func (c *client) do(req *http.Request) (int, string, http.Header) {
	c.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		c.t.Fatal(err)
	}
	return res.StatusCode, string(b), res.Header
}

func (c *client) get(path string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

// post sends a form with the session's CSRF token (when it has one and
// the form does not set "csrf" itself).
func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}
