// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/internal/testdb"
)

// The console's own tests call its handlers directly, with a session in
// the request's context: who may use which route is web/routes.go's
// table, checked end to end by package web's tests (the access matrix),
// not here.

// testDesk is a console on a fresh database, at a fixed time in UTC.
type testDesk struct {
	t     *testing.T
	pool  *sqlx.DB
	c     *Console
	users *agents.Users
	now   time.Time
}

// newTestDesk builds the console; opt may adjust its options.
func newTestDesk(t *testing.T, opt func(*Options)) *testDesk {
	t.Helper()
	d := &testDesk{t: t, pool: testdb.New(t), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	o := Options{Pool: d.pool, Now: func() time.Time { return d.now }, Location: time.UTC,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Allowed: func(string, agents.Role) bool { return true }}
	if opt != nil {
		opt(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	d.c = c
	if d.users, err = agents.NewUsers(d.pool, o.Now); err != nil {
		t.Fatal(err)
	}
	return d
}

// session adds a user with role and returns a session of theirs, as Guard
// would put it in the request's context.
func (d *testDesk) session(username string, role agents.Role) *agents.Session {
	d.t.Helper()
	id, err := d.users.Add(context.Background(), agents.NewUser{Username: username, DisplayName: strings.ToUpper(username),
		Role: role, Password: "pw-" + username + "-long-enough"})
	if err != nil {
		d.t.Fatal(err)
	}
	return &agents.Session{CSRF: "token-" + username, User: agents.User{ID: id, Username: username,
		DisplayName: strings.ToUpper(username), Role: role, Active: true}}
}

// serve sends one request to handler h, routed by pattern (so that its
// path values are set), as the session s.
func (d *testDesk) serve(s *agents.Session, pattern string, h http.HandlerFunc, method, target string, form url.Values) *httptest.ResponseRecorder {
	d.t.Helper()
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	if s != nil {
		r = r.WithContext(d.c.withSession(r.Context(), s))
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}
