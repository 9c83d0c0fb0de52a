// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"helpdesk/bots"
)

// consoleUser is the console account behind a chat account.
type consoleUser struct {
	ID     int64  `db:"id"`
	Name   string `db:"display_name"`
	Role   string `db:"role"`
	Lang   string `db:"lang"`
	Active bool   `db:"active"`
}

// levelOf is the support level a console role works at, as in the web
// console: agent_l1 1, agent_l2 and supervisor 2, others none.
func levelOf(role string) int {
	switch role {
	case "agent_l1":
		return 1
	case "agent_l2", "supervisor":
		return 2
	}
	return 0
}

// agentFor maps the chat account of an event to a console user: by the
// linked chat id, else by the profile's e-mail. When it cannot, or the
// user may not handle conversations, refusal says why (in both languages
// for a stranger, in the user's language otherwise).
func (r *Relay) agentFor(ctx context.Context, ev Event) (agent bots.Agent, lang, refusal string, err error) {
	query := r.q.AgentBySlack
	if r.cfg.Platform == PlatformMattermost {
		query = r.q.AgentByMattermost
	}
	var u consoleUser
	err = r.db.GetContext(ctx, &u, query, ev.User)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
		if email := strings.TrimSpace(r.chat.Profile(ctx, ev.User).Email); email != "" {
			err = r.db.GetContext(ctx, &u, r.q.AgentByEmail, email)
			if errors.Is(err, sql.ErrNoRows) {
				err = nil
			}
		}
	}
	if err != nil {
		return bots.Agent{}, "", "", fmt.Errorf("find the console user: %w", err)
	}
	if u.ID == 0 || !u.Active {
		flag := "slack"
		if r.cfg.Platform == PlatformMattermost {
			flag = "mattermost"
		}
		return bots.Agent{}, "", say("", "err.unmapped", flag, ev.User), nil
	}
	level := levelOf(u.Role)
	if level == 0 {
		return bots.Agent{}, u.Lang, triageText.T(u.Lang, "err.role", u.Role), nil
	}
	return bots.Agent{ID: u.ID, Name: u.Name, Level: level}, u.Lang, "", nil
}
