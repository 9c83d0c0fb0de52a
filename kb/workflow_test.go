// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"errors"
	"testing"
)

// Every move between two statuses is allowed exactly when the workflow
// lists it; a refusal matches ErrTransition and names both statuses.
func TestCheckTransition(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusDraft, StatusInReview}: true, {StatusDraft, StatusArchived}: true,
		{StatusInReview, StatusDraft}: true, {StatusInReview, StatusPublished}: true,
		{StatusPublished, StatusArchived}: true, {StatusPublished, StatusDraft}: true,
		{StatusArchived, StatusDraft}: true,
	}
	all := []Status{StatusDraft, StatusInReview, StatusPublished, StatusArchived, "bogus"}
	for _, from := range all {
		for _, to := range all {
			err := CheckTransition(from, to)
			if allowed[[2]Status{from, to}] {
				if err != nil {
					t.Errorf("%s → %s refused: %v", from, to, err)
				}
				continue
			}
			var te *TransitionError
			if !errors.Is(err, ErrTransition) || !errors.As(err, &te) || te.From != from || te.To != to {
				t.Errorf("%s → %s: %v, want a TransitionError naming both", from, to, err)
			}
		}
	}
}

// Only published entries are shown; internal ones only to agents.
func TestVisible(t *testing.T) {
	for _, tc := range []struct {
		status        Status
		entry, reader Audience
		want          bool
	}{
		{StatusPublished, AudiencePublic, AudiencePublic, true},
		{StatusPublished, AudiencePublic, AudienceInternal, true},
		{StatusPublished, AudienceInternal, AudienceInternal, true},
		{StatusPublished, AudienceInternal, AudiencePublic, false},
		{StatusDraft, AudiencePublic, AudienceInternal, false},
		{StatusInReview, AudiencePublic, AudiencePublic, false},
		{StatusArchived, AudienceInternal, AudienceInternal, false},
	} {
		if got := Visible(tc.status, tc.entry, tc.reader); got != tc.want {
			t.Errorf("Visible(%s, %s, %s) = %v, want %v", tc.status, tc.entry, tc.reader, got, tc.want)
		}
	}
}
