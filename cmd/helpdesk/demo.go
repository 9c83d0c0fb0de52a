// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
)

// demoUsers are the console logins `make run` creates on a fresh database,
// one per role, so a newcomer can try every part of the console. Their
// passwords are public: never use -demo on a desk that real people use.
var demoUsers = []struct {
	username, name, role, password string
}{
	{"marco", "Marco Rossi", "agent_l1", "demo-marco"},
	{"sara", "Sara Bianchi", "agent_l2", "demo-sara-l2"},
	{"elena", "Elena Verdi", "editor", "demo-elena"},
	{"paolo", "Paolo Neri", "supervisor", "demo-paolo"},
	{"admin", "Amministratore", "admin", "demo-admin"},
}

func ensureDemoUsers(ctx context.Context, env *environment, pool *sqlx.DB) error {
	users, err := agents.NewUsers(pool, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "\nDemo console logins (console: /console/login) — user / password / role:")
	for _, u := range demoUsers {
		_, err := users.Add(ctx, agents.NewUser{Username: u.username, DisplayName: u.name, Role: agents.Role(u.role), Password: u.password})
		if err != nil && !errors.Is(err, agents.ErrUserExists) {
			return fmt.Errorf("demo user %s: %w", u.username, err)
		}
		fmt.Fprintf(env.stdout, "  %-6s %-12s %s\n", u.username, u.password, u.role)
	}
	return nil
}
