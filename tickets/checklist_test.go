// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"testing"

	"helpdesk/tickets"
)

func TestChecklistBlocksResolution(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tk := f.create(t)
	steps := []tickets.StepSpec{{Text: "Switch it off", Required: true}, {Text: "Clean the rollers"}, {Text: "Print a test page", Required: true}}
	cl, err := f.store.AttachChecklist(ctx, f.db, tk.ID, "anna", "printer-jam", "Paper jam", steps)
	if err != nil {
		t.Fatal(err)
	}
	if len(cl.Steps) != 3 || cl.Steps[0].Position != 1 || !cl.Steps[2].Required {
		t.Fatalf("attached %+v", cl)
	}
	again, err := f.store.AttachChecklist(ctx, f.db, tk.ID, "anna", "printer-jam", "Paper jam", steps)
	if err != nil || again.ID != cl.ID {
		t.Fatalf("attaching twice: %+v %v", again, err)
	}
	if _, err := f.store.AttachChecklist(ctx, f.db, tk.ID, "anna", "empty", "Nothing", nil); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("empty checklist: %v", err)
	}

	tick := func(pos int, done bool) {
		t.Helper()
		if _, err := f.store.TickStep(ctx, f.db, tk.ID, cl.ID, pos, "anna", done); err != nil {
			t.Fatal(err)
		}
	}
	tick(1, true)
	tick(1, true) // no second event
	if _, err := f.store.ResolveChecked(ctx, f.db, tk.ID, "anna", "fixed", "", ""); !errors.Is(err, tickets.ErrChecklistIncomplete) {
		t.Fatalf("resolved with step 3 open: %v", err)
	}
	tick(3, true)
	tick(3, false)
	if _, err := f.store.ResolveChecked(ctx, f.db, tk.ID, "anna", "fixed", "", "  "); !errors.Is(err, tickets.ErrChecklistIncomplete) {
		t.Fatalf("blank reason accepted: %v", err)
	}
	if _, err := f.store.TickStep(ctx, f.db, tk.ID, cl.ID, 9, "anna", true); !errors.Is(err, tickets.ErrStepNotFound) {
		t.Errorf("missing step: %v", err)
	}
	other := f.create(t)
	if _, err := f.store.TickStep(ctx, f.db, other.ID, cl.ID, 1, "anna", true); !errors.Is(err, tickets.ErrStepNotFound) {
		t.Errorf("step of another ticket: %v", err)
	}
	tick(3, true)
	got, err := f.store.ResolveChecked(ctx, f.db, tk.ID, "anna", "fixed", "rollers fine", "")
	if err != nil || got.State != tickets.StateResolved {
		t.Fatalf("resolve with every required step done: %v", err)
	}

	evs, err := f.store.Events(ctx, f.db, tk.ID)

	if err != nil {

		t.Fatal(err)

	}
	count := map[string]int{}
	for _, e := range evs {
		count[e.Kind]++
	}
	if count[tickets.EventChecklist] != 1 || count[tickets.EventStepDone] != 3 || count[tickets.EventStepUndone] != 1 {
		t.Errorf("events %v", count)
	}
	cls, err := f.store.Checklists(ctx, f.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cls) != 1 || cls[0].Steps[0].DoneBy != "anna" || cls[0].Steps[1].DoneAt != nil {
		t.Errorf("checklists %+v", cls)
	}
}

func TestResolveCheckedWithReason(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tk := f.create(t)
	if _, err := f.store.AttachChecklist(ctx, f.db, tk.ID, "anna", "p", "P", []tickets.StepSpec{{Text: "Call back", Required: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ResolveChecked(ctx, f.db, tk.ID, "anna", "fixed", "", "requester unreachable, solved on site"); err != nil {
		t.Fatal(err)
	}
	evs, err := f.store.Events(ctx, f.db, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Kind != tickets.EventChecklistOverruled || last.NewValue != "requester unreachable, solved on site" || last.OldValue != "Call back" {
		t.Errorf("last event %+v", last)
	}
	// A ticket without checklists resolves as with Resolve.
	plain := f.create(t)
	if _, err := f.store.ResolveChecked(ctx, f.db, plain.ID, "anna", "", "", ""); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("no closure code: %v", err)
	}
	if _, err := f.store.ResolveChecked(ctx, f.db, plain.ID, "anna", "fixed", "", ""); err != nil {
		t.Error(err)
	}
}
