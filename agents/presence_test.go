// SPDX-License-Identifier: EUPL-1.2

package agents_test

import (
	"testing"
	"time"

	"helpdesk/agents"
)

func TestPresenceAndTurn(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	id := f.add(t, "anna", agents.RoleAgentL1)
	for _, online := range []bool{true, false, true} {
		if err := f.users.SetPresence(ctx, f.db, id, online); err != nil {
			t.Fatal(err)
		}
		p, err := f.users.Presence(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if (p == agents.PresenceOnline) != online {
			t.Errorf("after SetPresence(%v): %q", online, p)
		}
	}
	if _, err := f.users.Presence(ctx, 9999); err == nil {
		t.Error("presence of an unknown user")
	}
	if err := f.users.MarkAssigned(ctx, f.db, id, f.now); err != nil {
		t.Fatal(err)
	}
	var at time.Time
	if err := f.db.Get(&at, `SELECT last_assigned_at FROM users WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if !at.Equal(f.now) {
		t.Errorf("last_assigned_at = %v, want %v", at, f.now)
	}
}
