// SPDX-License-Identifier: EUPL-1.2

package leader

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// openPool opens a pool of its own, as a separate instance would have.
func openPool(t *testing.T, url string) *sqlx.DB {
	t.Helper()
	p, err := db.Open(context.Background(), url, db.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
