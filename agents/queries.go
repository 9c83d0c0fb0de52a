// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"embed"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	UserByUsername        string `query:"user-by-username"`
	UserByID              string `query:"user-by-id"`
	InsertUser            string `query:"insert-user"`
	SetPassword           string `query:"set-password"`
	SetRole               string `query:"set-role"`
	SetActive             string `query:"set-active"`
	ListUsers             string `query:"list-users"`
	Agents                string `query:"agents"`
	AssignableAgent       string `query:"assignable-agent"`
	TouchLogin            string `query:"touch-login"`
	LinkSlack             string `query:"link-slack"`
	LinkMattermost        string `query:"link-mattermost"`
	Presence              string `query:"presence"`
	SetPresence           string `query:"set-presence"`
	MarkAssigned          string `query:"mark-assigned"`
	InsertSession         string `query:"insert-session"`
	Session               string `query:"session"`
	TouchSession          string `query:"touch-session"`
	DeleteSession         string `query:"delete-session"`
	DeleteUserSessions    string `query:"delete-user-sessions"`
	DeleteExpiredSessions string `query:"delete-expired-sessions"`
	InsertAttempt         string `query:"insert-attempt"`
	NthFailureUser        string `query:"nth-failure-user"`
	NthFailureAddr        string `query:"nth-failure-addr"`
	InsertToken           string `query:"insert-token"`
	TokenByHash           string `query:"token-by-hash"`
	TouchToken            string `query:"touch-token"`
	ListTokens            string `query:"list-tokens"`
	RevokeToken           string `query:"revoke-token"`
	Canned                string `query:"canned"`
	InsertCanned          string `query:"insert-canned"`
	DeleteCanned          string `query:"delete-canned"`
}

func load() (*queries, error) {
	var q queries
	if err := db.ScanQueries(&q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	return &q, nil
}
