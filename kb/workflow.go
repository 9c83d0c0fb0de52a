// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"errors"
	"slices"
)

// ErrTransition is matched (errors.Is) by every refused workflow move.
var ErrTransition = errors.New("workflow transition not allowed")

// TransitionError says which move was refused.
type TransitionError struct {
	From, To Status
}

func (e *TransitionError) Error() string { return e.Message("en") }

// Message words the refusal in lang ("it" or "en").
func (e *TransitionError) Message(lang string) string {
	from := StatusLabel(lang, e.From)
	if e.From == "" {
		from = editorText.T(lang, "status.new")
	}
	return editorText.T(lang, "transition", from, StatusLabel(lang, e.To))
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// transitions is the whole workflow, in one place. An editor sends a draft
// to review; a reviewer publishes it or sends it back; a published entry
// is archived, or taken back to draft for a rework; an archived entry can
// only come back as a draft, so it is reviewed again.
var transitions = map[Status][]Status{
	StatusDraft:     {StatusInReview, StatusArchived},
	StatusInReview:  {StatusDraft, StatusPublished},
	StatusPublished: {StatusArchived, StatusDraft},
	StatusArchived:  {StatusDraft},
}

// CheckTransition returns nil when an entry may move from one status to
// the other, and a *TransitionError otherwise.
func CheckTransition(from, to Status) error {
	if slices.Contains(transitions[from], to) {
		return nil
	}
	return &TransitionError{From: from, To: to}
}

// Visible reports whether an entry may be shown to the given audience: the
// bot and the public help centre (AudiencePublic) see published public
// entries; agents (AudienceInternal) see internal ones too.
func Visible(status Status, entry, reader Audience) bool {
	if status != StatusPublished {
		return false
	}
	return entry == AudiencePublic || reader == AudienceInternal
}
