// SPDX-License-Identifier: EUPL-1.2

package db_test

import (
	"encoding/json"
	"testing"

	"helpdesk/internal/db"
)

// A JSON document goes to PostgreSQL as text ("{}" when empty), comes
// back from either column form, and embeds as itself in other JSON
// ("null" when empty); the scanned value is a copy, not the driver's
// buffer.
func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		doc  db.JSON
		want any
	}{
		{nil, "{}"},
		{db.JSON{}, "{}"},
		{db.JSON(`{"a":1}`), `{"a":1}`},
	} {
		if got, err := tc.doc.Value(); err != nil || got != tc.want {
			t.Errorf("Value(%q) = %v, %v; want %v", tc.doc, got, err, tc.want)
		}
	}

	buf := []byte(`{"b":2}`)
	var j db.JSON
	if err := j.Scan(buf); err != nil || string(j) != `{"b":2}` {
		t.Fatalf("Scan([]byte) = %q, %v", j, err)
	}
	buf[2] = 'X'
	if string(j) != `{"b":2}` {
		t.Error("Scan kept the driver's buffer")
	}
	if err := j.Scan(`[1]`); err != nil || string(j) != `[1]` {
		t.Errorf("Scan(string) = %q, %v", j, err)
	}
	if err := j.Scan(nil); err != nil || j != nil {
		t.Errorf("Scan(nil) = %q, %v", j, err)
	}
	if err := j.Scan(42); err == nil {
		t.Error("Scan(int) accepted")
	}

	out, err := json.Marshal(struct {
		A db.JSON `json:"a"`
		B db.JSON `json:"b"`
	}{A: db.JSON(`{"x":[1,2]}`)})
	if err != nil || string(out) != `{"a":{"x":[1,2]},"b":null}` {
		t.Errorf("Marshal = %s, %v", out, err)
	}
	var back struct {
		A db.JSON `json:"a"`
	}
	if err := json.Unmarshal(out, &back); err != nil || string(back.A) != `{"x":[1,2]}` {
		t.Errorf("Unmarshal = %q, %v", back.A, err)
	}
}
