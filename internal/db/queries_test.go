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
