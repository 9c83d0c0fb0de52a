// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"context"
	"reflect"
	"testing"

	"helpdesk/internal/testdb"
)

// TestQueriesPrepare: every named query of queries.sql is loaded into its
// field and PostgreSQL accepts it against the migrated schema, also those
// only rare paths run (a typo shows here, not at a user's first click).
func TestQueriesPrepare(t *testing.T) {
	q, err := load()
	if err != nil {
		t.Fatal(err)
	}
	pool := testdb.New(t)
	ctx := context.Background()
	v := reflect.ValueOf(*q)
	for i := range v.NumField() {
		name := v.Type().Field(i).Tag.Get("query")
		text := v.Field(i).String()
		if text == "" {
			t.Errorf("query %s is empty", name)
			continue
		}
		stmt, err := pool.PrepareContext(ctx, text)
		if err != nil {
			t.Errorf("query %s: %v", name, err)
			continue
		}
		stmt.Close()
	}
	if v.NumField() < 30 {
		t.Fatalf("only %d queries loaded", v.NumField())
	}
}
