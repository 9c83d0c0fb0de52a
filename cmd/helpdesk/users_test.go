// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"helpdesk/internal/testdb"
)

func TestUsersCommand(t *testing.T) {
	url := testdb.NewURL(t)
	environ := []string{"DATABASE_URL=" + url, "HELPDESK_DATA_DIR=" + t.TempDir()}
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	runUsersCmd := func(stdin string, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"users"}, args...), strings.NewReader(stdin), &out, &errb, environ)
		return out.String(), errb.String(), code
	}
	hashOf := func(u string) string {
		var h string
		if err := pool.Get(&h, `SELECT password_hash FROM users WHERE username = $1`, u); err != nil {
			t.Fatal(err)
		}
		return h
	}
	cases := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"add", "una password lunga\n", []string{"add", "marco", "--role", "agent_l1", "--name", "Marco Rossi"}, 0, "user marco added"},
		{"flags first", "altra password lunga\n", []string{"add", "--role", "editor", "elena"}, 0, "user elena added"},
		{"duplicate", "una password lunga\n", []string{"add", "marco", "--role", "agent_l1"}, 1, ""},
		{"weak", "corta\n", []string{"add", "bea", "--role", "agent_l1"}, 1, ""},
		{"bad role", "una password lunga\n", []string{"add", "bea", "--role", "boss"}, 1, ""},
		{"no role", "una password lunga\n", []string{"add", "bea"}, 2, ""},
		{"passwd", "nuova password lunga\n", []string{"passwd", "marco"}, 0, "password of marco changed"},
		{"role", "", []string{"role", "marco", "agent_l2"}, 0, "marco is now agent_l2"},
		{"role unknown user", "", []string{"role", "nessuno", "agent_l2"}, 1, ""},
		{"generate", "", []string{"add", "gino", "--role", "admin", "--generate"}, 0, "password: "},
		{"disable", "", []string{"disable", "gino"}, 0, "gino disabled"},
		{"link", "", []string{"link", "marco", "-slack", "U0MARCO", "-mattermost", "mm1"}, 0, `slack account set to "U0MARCO"`},
		{"link nothing", "", []string{"link", "marco"}, 2, ""},
		{"link unknown user", "", []string{"link", "nessuno", "-slack", "U1"}, 1, ""},
		{"list", "", []string{"list"}, 0, "marco"},
		{"no verb", "", nil, 2, ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runUsersCmd(tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) {
				t.Fatalf("exit %d (want %d), out %q, err %q", code, tt.code, out, errOut)
			}
		})
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hashOf("marco")), []byte("nuova password lunga")); err != nil {
		t.Errorf("marco's hash does not match the new password: %v", err)
	}
	out, _, _ := runUsersCmd("", "list")
	if !strings.Contains(out, "agent_l2") || !strings.Contains(out, "Marco Rossi") || !strings.Contains(out, "false") {
		t.Errorf("list:\n%s", out)
	}
}
