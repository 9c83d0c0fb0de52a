// SPDX-License-Identifier: EUPL-1.2

package db_test

import (
	"context"
	"testing"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
)

// TestEveryColumnClassified reads every text, JSON, array, bytea and inet
// column of the migrated schema (River's tables included: they are in
// every dump too) from
// information_schema: each must be in db.Erasure (personal: erased) or in
// db.Kept (with why not), and neither list may name a column that does not
// exist. A migration adding such a column fails here until it is
// classified.
func TestEveryColumnClassified(t *testing.T) {
	pool := testdb.New(t)
	var cols []string
	if err := pool.SelectContext(context.Background(), &cols, `
		SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema()
		  AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea', 'inet', 'USER-DEFINED')
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if len(cols) < 100 {
		t.Fatalf("only %d columns read: the query no longer sees the schema", len(cols))
	}
	classified := map[string]string{}
	for c, why := range db.Kept {
		classified[c] = "kept: " + why
	}
	for _, p := range db.Erasure {
		for _, c := range p.Personal() {
			key := p.Table + "." + c
			if prev, ok := classified[key]; ok {
				t.Errorf("%s is both erased and %s", key, prev)
			}
			classified[key] = "erased"
		}
	}
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c] = true
		if _, ok := classified[c]; !ok {
			t.Errorf("column %s is not classified: add it to db.Erasure (it can hold a requester's personal data) or db.Kept (say why not), internal/db/personal.go", c)
		}
	}
	for c := range classified {
		if !seen[c] {
			t.Errorf("internal/db/personal.go names %s, which the schema does not have", c)
		}
	}
}
