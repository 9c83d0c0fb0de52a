// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
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
