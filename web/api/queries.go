// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"embed"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

// apiQueries are the REST API's own reads (queries.sql).
type apiQueries struct {
	TicketsPage string `query:"tickets-page"`
}

func loadAPIQueries() (*apiQueries, error) {
	var q apiQueries
	if err := db.ScanQueries(&q, queryFS, "queries.sql"); err != nil {
		return nil, err
	}
	return &q, nil
}
