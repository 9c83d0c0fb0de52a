// SPDX-License-Identifier: EUPL-1.2

package agents_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/internal/testdb"
)

type fixture struct {
	db    *sqlx.DB
	users *agents.Users
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{db: testdb.New(t), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	u, err := agents.NewUsers(f.db, func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	f.users = u
	return f
}

func (f *fixture) add(t *testing.T, username string, role agents.Role) int64 {
	t.Helper()
	id, err := f.users.Add(t.Context(), agents.NewUser{Username: username, Role: role, Password: "pw-" + username + "-long-enough"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestUsersAdd(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.add(t, "anna", agents.RoleAgentL1)
	u, err := f.users.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "anna" || u.DisplayName != "anna" || u.Lang != "it" || u.Role != agents.RoleAgentL1 || !u.Active || u.PasswordHash != "" {
		t.Errorf("stored %+v", u)
	}
	var hash string
	if err := f.db.Get(&hash, `SELECT password_hash FROM users WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$2") || strings.Contains(hash, "long-enough") {
		t.Errorf("password stored as %q, want a bcrypt hash", hash)
	}
	for name, tc := range map[string]struct {
		n    agents.NewUser
		want error
	}{
		"duplicate":      {agents.NewUser{Username: "anna", Role: agents.RoleAdmin, Password: "long-enough-pw"}, agents.ErrUserExists},
		"two words":      {agents.NewUser{Username: "an na", Role: agents.RoleAdmin, Password: "long-enough-pw"}, agents.ErrInvalidUser},
		"empty":          {agents.NewUser{Username: " ", Role: agents.RoleAdmin, Password: "long-enough-pw"}, agents.ErrInvalidUser},
		"unknown role":   {agents.NewUser{Username: "bob", Role: "boss", Password: "long-enough-pw"}, agents.ErrInvalidUser},
		"short password": {agents.NewUser{Username: "bob", Role: agents.RoleAdmin, Password: "short"}, agents.ErrWeakPassword},
		"over 72 bytes":  {agents.NewUser{Username: "bob", Role: agents.RoleAdmin, Password: strings.Repeat("x", 73)}, agents.ErrInvalidUser},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.users.Add(ctx, tc.n); !errors.Is(err, tc.want) {
				t.Errorf("Add = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := f.users.Get(ctx, 9999); !errors.Is(err, agents.ErrUserNotFound) {
		t.Errorf("Get(unknown) = %v", err)
	}
}

func TestUsersChanges(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.add(t, "anna", agents.RoleAgentL1)
	if err := f.users.SetRole(ctx, "ANNA", agents.RoleAgentL2); err != nil {
		t.Fatal(err)
	}
	if err := f.users.SetRole(ctx, "anna", "boss"); !errors.Is(err, agents.ErrInvalidUser) {
		t.Errorf("unknown role: %v", err)
	}
	for _, err := range []error{
		f.users.SetRole(ctx, "nobody", agents.RoleAdmin),
		f.users.SetActive(ctx, "nobody", false),
		f.users.SetPassword(ctx, "nobody", "long-enough-pw"),
	} {
		if !errors.Is(err, agents.ErrUserNotFound) {
			t.Errorf("change of an unknown user: %v", err)
		}
	}
	if err := f.users.SetPassword(ctx, "anna", "short"); !errors.Is(err, agents.ErrWeakPassword) {
		t.Errorf("weak password: %v", err)
	}
	if err := f.users.SetActive(ctx, "anna", false); err != nil {
		t.Fatal(err)
	}
	us, err := f.users.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 || us[0].Role != agents.RoleAgentL2 || us[0].Active || us[0].PasswordHash != "" {
		t.Errorf("List = %+v", us)
	}
}

func TestAgentsAndAssignable(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ids := map[agents.Role]int64{}
	for _, r := range agents.Roles {
		ids[r] = f.add(t, strings.ReplaceAll(string(r), "_", ""), r)
	}
	gone := f.add(t, "gone", agents.RoleAgentL1)
	if err := f.users.SetActive(ctx, "gone", false); err != nil {
		t.Fatal(err)
	}
	as, err := f.users.Agents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []agents.Role
	for _, a := range as {
		got = append(got, a.Role)
	}
	if len(got) != 3 {
		t.Errorf("Agents = %v, want the two levels and the supervisor", got)
	}
	for id, want := range map[int64]bool{ids[agents.RoleAgentL1]: true, ids[agents.RoleAgentL2]: true, ids[agents.RoleSupervisor]: true,
		ids[agents.RoleEditor]: false, ids[agents.RoleAdmin]: false, gone: false, 9999: false} {
		if ok, err := f.users.Assignable(ctx, f.db, id); err != nil || ok != want {
			t.Errorf("Assignable(%d) = %v, %v; want %v", id, ok, err, want)
		}
	}
}

func TestLinkChat(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.add(t, "marco", agents.RoleAgentL1)
	if err := f.users.LinkChat(ctx, "marco", agents.PlatformSlack, " U0MARCO "); err != nil {
		t.Fatal(err)
	}
	if err := f.users.LinkChat(ctx, "marco", agents.PlatformMattermost, "mm-marco"); err != nil {
		t.Fatal(err)
	}
	var s, m *string
	if err := f.db.QueryRow(`SELECT slack_user_id, mattermost_user_id FROM users WHERE username = 'marco'`).Scan(&s, &m); err != nil {
		t.Fatal(err)
	}
	if s == nil || *s != "U0MARCO" || m == nil || *m != "mm-marco" {
		t.Fatalf("linked %v %v", s, m)
	}
	if err := f.users.LinkChat(ctx, "marco", agents.PlatformSlack, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.db.QueryRow(`SELECT slack_user_id FROM users WHERE username = 'marco'`).Scan(&s); err != nil || s != nil {
		t.Fatalf("cleared: %v %v", s, err)
	}
	if err := f.users.LinkChat(ctx, "nobody", agents.PlatformSlack, "U1"); !errors.Is(err, agents.ErrUserNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if err := f.users.LinkChat(ctx, "marco", "teams", "U1"); !errors.Is(err, agents.ErrBadPlatform) {
		t.Errorf("unknown platform: %v", err)
	}
}
