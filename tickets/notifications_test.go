// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"testing"
)

func TestMarkNotificationsRead(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	var luca, giulia int64
	for name, id := range map[string]*int64{"luca": &luca, "giulia": &giulia} {
		if err := f.db.Get(id, `INSERT INTO users (username, display_name, role) VALUES ($1, $1, 'agent_l1') RETURNING id`, name); err != nil {
			t.Fatal(err)
		}
	}
	add := func(user *int64, role string) int64 {
		var id int64
		if err := f.db.Get(&id, `INSERT INTO notifications (user_id, role, kind, body, created_at) VALUES ($1, $2, 'sla_warning', 'x', $3) RETURNING id`, user, role, f.now); err != nil {
			t.Fatal(err)
		}
		return id
	}
	mine, giulias, toRole, toOther := add(&luca, ""), add(&giulia, ""), add(nil, "agent_l1"), add(nil, "supervisor")
	unread := func() map[int64]bool {
		var ids []int64
		if err := f.db.Select(&ids, `SELECT id FROM notifications WHERE read_at IS NULL`); err != nil {
			t.Fatal(err)
		}
		out := map[int64]bool{}
		for _, id := range ids {
			out[id] = true
		}
		return out
	}
	roles := []string{"agent_l1"}
	// Someone else's notification is not luca's to mark.
	if err := f.store.MarkNotificationRead(ctx, f.db, luca, roles, giulias, f.now); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MarkNotificationRead(ctx, f.db, luca, roles, mine, f.now); err != nil {
		t.Fatal(err)
	}
	if u := unread(); u[mine] || !u[giulias] || !u[toRole] || !u[toOther] {
		t.Errorf("after marking one: unread %v", u)
	}
	if err := f.store.MarkAllNotificationsRead(ctx, f.db, luca, roles, f.now); err != nil {
		t.Fatal(err)
	}
	if u := unread(); u[toRole] || !u[giulias] || !u[toOther] {
		t.Errorf("after marking all: unread %v", u)
	}
}
