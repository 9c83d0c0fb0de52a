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

func TestRequesterIdentityAndEmail(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	rid, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "phone", ExternalID: "+390612345678", Name: "Gina"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "email", ExternalID: "taken@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ channel, id string }{{"email", "gina@example.org"}, {"email", "gina@example.org"}, {"email", "taken@example.org"}} {
		if err := f.store.LinkIdentity(ctx, f.db, step.channel, step.id, rid); err != nil {
			t.Fatalf("link %s: %v", step.id, err)
		}
	}
	for id, want := range map[string]int64{"gina@example.org": rid, "taken@example.org": other} {
		got, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "email", ExternalID: id})
		if err != nil || got != want {
			t.Errorf("%s belongs to %d (%v), want %d", id, got, err, want)
		}
	}
	for _, e := range []string{"gina@example.org", "later@example.org"} {
		if err := f.store.FillEmail(ctx, f.db, rid, e); err != nil {
			t.Fatal(err)
		}
	}
	r, err := f.store.GetRequester(ctx, f.db, rid)
	if err != nil {
		t.Fatal(err)
	}
	if r.Email != "gina@example.org" {
		t.Errorf("e-mail %q: the first one should stay", r.Email)
	}
}
