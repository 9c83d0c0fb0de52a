// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"helpdesk/tickets"
)

func TestTrackingTokens(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	tk, other := f.create(t), f.create(t)
	tr, err := tickets.NewTrackingTokens(nil)
	if err != nil {
		t.Fatal(err)
	}
	link, err := tr.Link(ctx, f.db, "https://hd.example/", tk.ID, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	text, ok := strings.CutPrefix(link, "https://hd.example/track/"+tk.Number+"?t=")
	if !ok {
		t.Fatalf("link %s", link)
	}
	tok, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(tok) != tickets.TrackingTokenBytes {
		t.Fatalf("token %q: %v", text, err)
	}
	second, err := tr.Issue(ctx, f.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok2, _ := base64.RawURLEncoding.DecodeString(second)
	wrong := append([]byte(nil), tok...)
	wrong[0] ^= 1
	for name, c := range map[string]struct {
		ticket int64
		token  []byte
		want   bool
	}{
		"first":        {tk.ID, tok, true},
		"second":       {tk.ID, tok2, true},
		"one bit off":  {tk.ID, wrong, false},
		"other ticket": {other.ID, tok, false},
		"empty":        {tk.ID, nil, false},
	} {
		if got, err := tr.Valid(ctx, f.db, c.ticket, c.token); err != nil || got != c.want {
			t.Errorf("%s: Valid = %v, %v; want %v", name, got, err, c.want)
		}
	}
	var hashes int
	if err := f.db.Get(&hashes, `SELECT count(*) FROM tracking_tokens WHERE ticket_id = $1 AND token_hash <> $2`, tk.ID, tok); err != nil {
		t.Fatal(err)
	}
	if hashes != 2 {
		t.Errorf("%d hashed tokens stored, want 2 (none in clear)", hashes)
	}
}
