// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"helpdesk/internal/testdb"
	"reflect"
	"strings"
	"testing"
)

// TestLoadQueries: every query the console names is in queries.sql, and
// each runs against the migrated schema (PostgreSQL parses and plans it).
func TestLoadQueries(t *testing.T) {
	t.Parallel()
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	pool := testdb.New(t)
	v := reflect.ValueOf(*q)
	for i := range v.NumField() {
		name, sql := v.Type().Field(i).Name, v.Field(i).String()
		if strings.TrimSpace(sql) == "" {
			t.Errorf("%s is empty", name)
			continue
		}
		if _, err := pool.Preparex(sql); err != nil {
			t.Errorf("%s does not prepare: %v", name, err)
		}
	}
}
