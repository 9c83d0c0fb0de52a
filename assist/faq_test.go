// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helpdesk/internal/llm"
	"helpdesk/internal/testdb"
	"helpdesk/kb"
)

func TestFAQDraft(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	f.set(answers["faq"], 0, 0)
	d := NewFAQDrafter(f.client(t, nil))
	tk := ResolvedTicket{Number: "HD-2026-000007", Lang: "it", Subject: "firma digitale",
		Description: "Dopo l'aggiornamento la firma non parte. Sono Anna, 333 1234567, anna@example.org",
		Resolution:  "Reinstallato il componente di firma; nota interna: PC inventario 4411"}
	e, err := d.Draft(ctx, tk)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != kb.StatusDraft || e.Kind != kb.KindFAQ || e.Lang != "it" || !strings.HasPrefix(e.ID, "draft-la-firma-digitale") {
		t.Errorf("draft %+v", e)
	}
	for _, q := range e.Questions {
		if strings.Contains(q, "mario.rossi@example.org") {
			t.Errorf("personal data from the model kept in the draft: %q", q)
		}
	}
	sent := f.lastChat().User
	if strings.Contains(sent, "anna@example.org") || strings.Contains(sent, "333 1234567") {
		t.Errorf("personal data sent to the model:\n%s", sent)
	}

	store, err := kb.NewStore(testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := SaveDraft(ctx, store, e, "llm", tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	e.Status = kb.StatusPublished // a caller's mistake: SaveDraft still saves a draft
	second, err := SaveDraft(ctx, store, e, "llm", tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == second.ID || second.ID != first.ID+"-2" {
		t.Errorf("ids %q and %q: the second must get -2", first.ID, second.ID)
	}
	for _, id := range []string{first.ID, second.ID} {
		got, err := store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != kb.StatusDraft {
			t.Errorf("%s saved as %s: drafts are never published", id, got.Status)
		}
	}

	f.set(answers["severity_garbage"], 0, 0)
	if _, err := d.Draft(ctx, tk); !errors.Is(err, llm.ErrBadResponse) {
		t.Errorf("no JSON: %v, want llm.ErrBadResponse", err)
	}
}
