// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"helpdesk/tickets"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"06 1234 5678": "0612345678", "+39 (06) 1234-5678": "+390612345678", "333.123.4567": "3331234567",
		"12345": "", "06 12ab": "", "+": "", "1234567890123456": "", "0039 06 12": "00390612", "06+123456": "",
	} {
		if got := tickets.NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"06 1234 5678", "+39 333 1234567", "", "+", "(06)/12.34-56", "٠٦١٢٣٤٥٦٧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := tickets.NormalizePhone(s)
		if n == "" {
			return
		}
		digits := strings.TrimPrefix(n, "+")
		if len(digits) < 6 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q) = %q", s, n)
		}
		if tickets.NormalizePhone(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, tickets.NormalizePhone(n))
		}
	})
}

func TestEnsureRequesterConcurrentFirstContact(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make([]int64, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "telegram", ExternalID: "4242", Name: "Anna"})
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("one identity gave requesters %v", ids)
		}
	}
	id, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "telegram", ExternalID: "4242", Email: "anna@example.org"})
	if err != nil || id != ids[0] {
		t.Fatalf("known identity: %d, %v", id, err)
	}
	r, err := f.store.GetRequester(ctx, f.db, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Anna" || r.Email != "anna@example.org" {
		t.Fatalf("requester = %+v", r)
	}
}

func TestRequesterLookups(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	byMail, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "email", ExternalID: "gina@example.org", Email: "Gina@Example.org"})
	if err != nil {
		t.Fatal(err)
	}
	byChat, err := f.store.EnsureRequester(ctx, f.db, tickets.Identity{Channel: "telegram", ExternalID: "12345", Email: "gina@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := f.store.RequestersByEmail(ctx, f.db, "GINA@example.org"); err != nil || !slices.Equal(ids, []int64{byMail, byChat}) {
		t.Errorf("RequestersByEmail = %v, %v; want %v", ids, err, []int64{byMail, byChat})
	}
	if ids, err := f.store.RequestersByEmail(ctx, f.db, "nobody@example.org"); err != nil || len(ids) != 0 {
		t.Errorf("RequestersByEmail(unknown) = %v, %v", ids, err)
	}
	if id, err := f.store.RequesterOf(ctx, f.db, "telegram", "12345"); err != nil || id != byChat {
		t.Errorf("RequesterOf = %d, %v; want %d", id, err, byChat)
	}
	if _, err := f.store.RequesterOf(ctx, f.db, "telegram", "999"); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("RequesterOf(unknown) = %v", err)
	}
}

// TestOpenStatesOneList: the SQL that counts open tickets (state =
// ANY(OpenStates)) and State.Open agree on a ticket in every state.
func TestOpenStatesOneList(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	want := 0
	for _, s := range tickets.States {
		tk := f.create(t)
		f.moveTo(t, tk.ID, s)
		if s.Open() {
			want++
		}
	}
	if want != len(tickets.OpenStates) {
		t.Errorf("%d states open, want the %d of OpenStates", want, len(tickets.OpenStates))
	}
	if n, err := f.store.CountOpen(ctx, f.db); err != nil || n != want {
		t.Errorf("CountOpen = %d, %v; want %d", n, err, want)
	}
	if n, err := f.store.CountSLAEvents(ctx, f.db, "breach"); err != nil || n != 0 {
		t.Errorf("CountSLAEvents = %d, %v; want 0", n, err)
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
