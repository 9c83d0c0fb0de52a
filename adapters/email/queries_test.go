// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"reflect"
	"strings"
	"testing"
)

// Every query the adapter names is found in queries.sql, not empty.
func TestLoadQueries(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(q)
	for i := range v.NumField() {
		if strings.TrimSpace(v.Field(i).String()) == "" {
			t.Errorf("query %s is empty", v.Type().Field(i).Tag.Get("query"))
		}
	}
}
