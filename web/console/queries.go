// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"embed"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	TicketsPage   string `query:"tickets-page"`
	Inbox         string `query:"inbox"`
	RequesterName string `query:"requester-name"`
	TicketLevel   string `query:"ticket-level"`
}

func loadQueries() (*queries, error) {
	var q queries
	if err := db.ScanQueries(&q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	return &q, nil
}
