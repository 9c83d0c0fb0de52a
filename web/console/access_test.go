// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"helpdesk/agents"
	"helpdesk/tickets"
	"helpdesk/web/problem"
)

// TestMayServeLevel: a level-1 agent works on level-1 tickets and
// conversations and on those they hold; every other role on every level.
func TestMayServeLevel(t *testing.T) {
	t.Parallel()
	l1 := &agents.Session{User: agents.User{ID: 7, Role: agents.RoleAgentL1}}
	l2 := &agents.Session{User: agents.User{ID: 8, Role: agents.RoleAgentL2}}
	sup := &agents.Session{User: agents.User{ID: 9, Role: agents.RoleSupervisor}}
	mine, other := int64(7), int64(8)
	tests := []struct {
		s      *agents.Session
		level  int
		holder *int64
		want   bool
	}{
		{l1, 1, nil, true}, {l1, 2, nil, false}, {l1, 2, &mine, true}, {l1, 2, &other, false},
		{l2, 2, nil, true}, {l2, 1, &other, true}, {sup, 2, nil, true},
	}
	for _, tt := range tests {
		if got := mayServeLevel(tt.s, tt.level, tt.holder); got != tt.want {
			t.Errorf("%s, level %d, holder %v: %v, want %v", tt.s.Role, tt.level, tt.holder, got, tt.want)
		}
	}
}

// TestMayUse: the route table's answer, narrowed for editors on the
// ticket pages unless an admin granted them.
func TestMayUse(t *testing.T) {
	t.Parallel()
	table := map[string]bool{"GET /console/tickets": true, "GET /console/tickets/{id}": true, "GET /console/contacts/{id}": true,
		"GET /console/kb": true}
	allowed := func(p string, _ agents.Role) bool { return table[p] }
	for _, granted := range []bool{false, true} {
		c := &Console{roleAllowed: allowed, editorsReadTickets: granted}
		for p := range table {
			if got, want := c.mayUse(p, agents.RoleEditor), granted || !ticketRoute(p); got != want {
				t.Errorf("granted=%v: editor on %s = %v, want %v", granted, p, got, want)
			}
			if !c.mayUse(p, agents.RoleAgentL1) {
				t.Errorf("granted=%v: agent refused %s", granted, p)
			}
		}
		if c.mayUse("GET /console/admin/users", agents.RoleAdmin) {
			t.Error("a route the table does not allow was allowed")
		}
	}
	for p, want := range map[string]bool{"GET /console/tickets": true, "POST /console/tickets/{id}/note": true,
		"GET /console/contacts/{id}": true, "GET /console/contacts/new": false, "GET /console/ticketsx": false, "GET /console/kb": false} {
		if got := ticketRoute(p); got != want {
			t.Errorf("ticketRoute(%s) = %v, want %v", p, got, want)
		}
	}
}

// TestTicketAccess: the level rule applied to the ticket of the path's
// {id}; no id (the list) passes, a bad id is a 400, an unknown one a 404.
func TestTicketAccess(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	ctx := context.Background()
	l2, err := d.c.tickets.Create(ctx, d.pool, "bot", tickets.NewTicket{OriginChannel: "web", Subject: "rete", Urgency: tickets.Low, Impact: tickets.Low, Level: 2})
	if err != nil {
		t.Fatal(err)
	}
	luca := d.session("luca", agents.RoleAgentL1)
	giulia := d.session("giulia", agents.RoleAgentL2)
	check := func(s *agents.Session, id string) error {
		r := httptest.NewRequest("GET", "/console/tickets/"+id, nil)
		if id != "" {
			r.SetPathValue("id", id)
		}
		return d.c.ticketAccess(r, s)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	if err := check(luca, ""); err != nil {
		t.Errorf("the list: %v", err)
	}
	if err := check(luca, id(l2.ID)); !errors.Is(err, problem.ErrTicketLevel) {
		t.Errorf("level-1 agent on a level-2 ticket: %v", err)
	}
	if err := check(giulia, id(l2.ID)); err != nil {
		t.Errorf("level-2 agent: %v", err)
	}
	if _, err := d.c.tickets.Assign(ctx, d.pool, l2.ID, "agent:luca", &luca.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := check(luca, id(l2.ID)); err != nil {
		t.Errorf("level-1 agent holding the ticket: %v", err)
	}
	if err := check(luca, "999999"); problem.Of(err).Status != http.StatusNotFound {
		t.Errorf("unknown ticket: %v", err)
	}
	if err := check(luca, "x"); problem.Of(err).Status != http.StatusBadRequest {
		t.Errorf("bad id: %v", err)
	}
}
