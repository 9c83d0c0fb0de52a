// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"embed"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

// queries are the adapter's SQL, from queries.sql.
type queries struct {
	ReplyContext   string `query:"reply-context"`
	OfferedChoices string `query:"offered-choices"`
}

func loadQueries() (queries, error) {
	var q queries
	err := db.ScanQueries(&q, queryFS, "queries.sql")
	return q, err
}
