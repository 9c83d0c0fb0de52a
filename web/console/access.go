// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"database/sql"
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"net/http"
	"strings"

	"helpdesk/agents"
	"helpdesk/tickets"
)

// The console's access rules beyond the route table (web/routes.go): who may
// see which support level, and what an admin may grant editors.

// mayServeLevel is the one rule for tickets and conversations alike: a
// level-1 agent works on level-1 ones and on those they hold; the other
// roles that reach the route work on every level.
func mayServeLevel(s *agents.Session, level int, holder *int64) bool {
	return s.Role != agents.RoleAgentL1 || level <= 1 || (holder != nil && *holder == s.ID)
}

// ticketRoute says whether a console route shows or changes one ticket
// (or, for the list, tickets at all); the contact page's answer shows the
// ticket it opened, with the requester's details.
func ticketRoute(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return path == "/console/tickets" || strings.HasPrefix(path, "/console/tickets/") || path == "/console/contacts/{id}"
}

// mayUse is the route table's answer (Options.Allowed) with the console's grants: editors reach the
// ticket pages only when an admin granted it (Options.EditorsReadTickets).
func (c *Console) mayUse(pattern string, role agents.Role) bool {
	if !c.roleAllowed(pattern, role) {
		return false
	}
	return role != agents.RoleEditor || !ticketRoute(pattern) || c.editorsReadTickets
}

// ticketAccess applies mayServeLevel to the ticket of the path's {id}
// (the list has no id: its rows are filtered by the same rule).
func (c *Console) ticketAccess(r *http.Request, s *agents.Session) error {
	if r.PathValue("id") == "" {
		return nil
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var t struct {
		Level   int    `db:"level"`
		AgentID *int64 `db:"agent_id"`
	}
	if err := c.db.GetContext(r.Context(), &t, c.q.TicketLevel, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: ticket %d", tickets.ErrNotFound, id)
		}
		return fmt.Errorf("ticket access: %w", err)
	}
	if !mayServeLevel(s, t.Level, t.AgentID) {
		return problem.ErrTicketLevel
	}
	return nil
}
