// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

// make run creates the demo logins on a fresh database: every one must be
// accepted (a password under the console's minimum once stopped make run
// on every new machine), a second start must find them, and the README
// must show the same logins.
func TestDemoUsersOnAFreshDatabase(t *testing.T) {
	pool := testdb.New(t)
	var out bytes.Buffer
	env := &environment{stdout: &out, stderr: &out}
	for run := 1; run <= 2; run++ {
		if err := ensureDemoUsers(context.Background(), env, pool); err != nil {
			t.Fatalf("start %d: %v", run, err)
		}
	}
	var n int
	if err := pool.Get(&n, `SELECT count(*) FROM users`); err != nil {
		t.Fatal(err)
	}
	if n != len(demoUsers) {
		t.Errorf("%d users, want %d", n, len(demoUsers))
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range demoUsers {
		if want := "`" + u.username + "`/`" + u.password + "`"; !strings.Contains(string(readme), want) {
			t.Errorf("README does not show the login %s", want)
		}
	}
}
