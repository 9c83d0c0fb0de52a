// SPDX-License-Identifier: EUPL-1.2

package db

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestScanQueries(t *testing.T) {
	fsys := fstest.MapFS{
		"q.sql": {Data: []byte("-- name: one\n-- a comment: with a colon\nSELECT 1;\n\n-- name: two\nSELECT :x;\n")},
	}
	var q struct {
		One string `query:"one"`
		Two string `query:"two"`
	}
	if err := ScanQueries(&q, fsys, "q.sql"); err != nil {
		t.Fatal(err)
	}
	if q.One != "SELECT 1;" || q.Two != "SELECT :x;" {
		t.Fatalf("got %q / %q", q.One, q.Two)
	}
	var missing struct {
		Three string `query:"three"`
	}
	if err := ScanQueries(&missing, fsys, "q.sql"); err == nil || !strings.Contains(err.Error(), `"three"`) {
		t.Fatalf("missing query: err = %v", err)
	}
	var unused struct {
		One string `query:"one"`
	}
	if err := ScanQueries(&unused, fsys, "q.sql"); err == nil || !strings.Contains(err.Error(), `"two"`) {
		t.Fatalf("unused query: err = %v", err)
	}
}

// TestScanQueriesIncludes: a block written once is put in each block that
// names it with {{…}}; it needs no field; a missing, nested or
// semicolon-ended include is refused at load.
func TestScanQueriesIncludes(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.sql": {Data: []byte("-- name: part\n-- the shared part\nINSERT INTO t SELECT * FROM rows\n\n" +
			"-- name: a\nWITH rows AS (SELECT 1) {{part}};\n\n-- name: b\nWITH rows AS (SELECT :x), m AS ({{ part }} RETURNING 1) SELECT * FROM m;\n")},
		"missing.sql": {Data: []byte("-- name: a\nWITH rows AS (SELECT 1) {{nowhere}};\n")},
		"nested.sql":  {Data: []byte("-- name: part\nINSERT {{inner}}\n-- name: inner\nx\n-- name: a\n{{part}};\n")},
		"semi.sql":    {Data: []byte("-- name: part\nINSERT INTO t VALUES (1);\n-- name: a\n{{part}}\n")},
		"open.sql":    {Data: []byte("-- name: a\nSELECT '{{';\n")},
	}
	var q struct {
		A string `query:"a"`
		B string `query:"b"`
	}
	if err := ScanQueries(&q, fsys, "ok.sql"); err != nil {
		t.Fatal(err)
	}
	if want := "WITH rows AS (SELECT 1) INSERT INTO t SELECT * FROM rows;"; q.A != want {
		t.Errorf("a = %q, want %q", q.A, want)
	}
	if want := "WITH rows AS (SELECT :x), m AS (INSERT INTO t SELECT * FROM rows RETURNING 1) SELECT * FROM m;"; q.B != want {
		t.Errorf("b = %q, want %q", q.B, want)
	}
	var one struct {
		A string `query:"a"`
	}
	for file, want := range map[string]string{"missing.sql": `"nowhere"`, "nested.sql": `"part" is included`,
		"semi.sql": `"part" is included`, "open.sql": "without }}"} {
		if err := ScanQueries(&one, fsys, file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one naming %s", file, err, want)
		}
	}
}
