// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"testing"
)

func TestWorkflowAndRevisions(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)

	e, outcome, err := s.Save(ctx, sampleEntry("stampante-ferma"), "anna", "first draft")
	if err != nil || outcome != Created || e.Revision != 1 || e.Status != StatusDraft {
		t.Fatalf("create: %v %v rev %d status %s", err, outcome, e.Revision, e.Status)
	}
	if _, outcome, err := s.Save(ctx, sampleEntry("stampante-ferma"), "anna", ""); err != nil || outcome != Unchanged {
		t.Fatalf("same save: %v %v", err, outcome)
	}
	direct := sampleEntry("stampante-ferma")
	direct.Status = StatusPublished
	if _, _, err := s.Save(ctx, direct, "anna", ""); !errors.Is(err, ErrTransition) {
		t.Fatalf("draft → published by save: err = %v, want ErrTransition", err)
	}
	newPublished := sampleEntry("altra")
	newPublished.Status = StatusPublished
	if _, _, err := s.Save(ctx, newPublished, "anna", ""); !errors.Is(err, ErrTransition) {
		t.Fatalf("new entry published at once: err = %v, want ErrTransition", err)
	}
	if _, err := s.Transition(ctx, "stampante-ferma", StatusArchived, "bob"); err != nil {
		t.Fatalf("draft → archived: %v", err)
	}
	if _, err := s.Transition(ctx, "stampante-ferma", StatusPublished, "bob"); !errors.Is(err, ErrTransition) {
		t.Fatalf("archived → published: %v", err)
	}
	var te *TransitionError
	_, err = s.Transition(ctx, "stampante-ferma", StatusPublished, "bob")
	if !errors.As(err, &te) || te.From != StatusArchived || te.To != StatusPublished {
		t.Fatalf("typed error = %#v", err)
	}
	for _, to := range []Status{StatusDraft, StatusInReview, StatusPublished} {
		if _, err := s.Transition(ctx, "stampante-ferma", to, "bob"); err != nil {
			t.Fatalf("→ %s: %v", to, err)
		}
	}
	got, err := s.Get(ctx, "stampante-ferma")
	if err != nil || got.Status != StatusPublished || got.PublishedAt == nil {
		t.Fatalf("get: %v %+v", err, got)
	}
	if _, err := s.Transition(ctx, "missing", StatusDraft, "bob"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing entry: %v", err)
	}

	edited := got
	edited.Body = "Spegnere e riaccendere la stampante.\n\nAprire il cassetto.\n\nControllare la carta."
	edited.Title = "La stampante è ferma"
	e, outcome, err = s.Save(ctx, edited, "carla", "fix")
	if err != nil || outcome != Updated || e.Status != StatusPublished {
		t.Fatalf("edit published: %v %v %+v", err, outcome, e)
	}

	revs, err := s.Revisions(ctx, "stampante-ferma")
	if err != nil {
		t.Fatal(err)
	}
	// create, archived, draft, in_review, published, edit
	if len(revs) != 6 {
		t.Fatalf("%d revisions, want 6", len(revs))
	}
	last := revs[len(revs)-1]
	if last.Author != "carla" || last.Number != 6 || len(last.Changed) != 2 {
		t.Fatalf("last revision = %+v", last)
	}

	diff, err := s.Diff(ctx, "stampante-ferma", 1, 6)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]FieldChange{}
	for _, c := range diff {
		fields[c.Field] = c
	}
	if _, ok := fields["status"]; !ok {
		t.Errorf("diff misses status: %+v", diff)
	}
	body, ok := fields["body"]
	if !ok || !contains(body.Lines, "+ Aprire il cassetto.") {
		t.Errorf("body diff = %q", body.Lines)
	}

	reverted, err := s.Revert(ctx, "stampante-ferma", 1, "dario")
	if err != nil {
		t.Fatal(err)
	}
	if reverted.Revision != 7 || reverted.Title != "La stampante non stampa" || reverted.Status != StatusPublished {
		t.Fatalf("revert = rev %d title %q status %s", reverted.Revision, reverted.Title, reverted.Status)
	}

	// Revisions are immutable in the database itself.
	if _, err := s.db.ExecContext(ctx, `UPDATE kb_revisions SET author = 'x'`); err == nil {
		t.Fatal("revision rows could be updated")
	}
}
