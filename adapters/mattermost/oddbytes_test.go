// SPDX-License-Identifier: EUPL-1.2

package mattermost

import (
	"strings"
	"testing"
)

// TestOddBytesAnswered: a direct message carrying U+0000 (and a character
// the server replaced with U+FFFD) is recorded cleaned and answered by the
// real engine instead of being refused by the store.
func TestOddBytesAnswered(t *testing.T) {
	d := newDesk(t, true)
	d.write("il lettore\x00 non riconosce la smart card \xff")
	p := d.next()
	if !strings.Contains(strings.ToLower(p.Message), "smart card") && !strings.Contains(strings.ToLower(p.Message), "lettore") {
		t.Fatalf("answer = %q", p.Message)
	}
	var body string
	if err := d.db.QueryRow(`SELECT body FROM messages WHERE channel = 'mattermost' AND direction = 'in'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if body != "il lettore non riconosce la smart card \uFFFD" {
		t.Fatalf("recorded %q", body)
	}
}
