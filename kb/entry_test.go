// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSaveRejectsInvalid(t *testing.T) {
	s := newTestStore(t)
	bad := sampleEntry("Bad Id")
	bad.Kind = "blog"
	bad.Media = []Media{{Type: "video", URL: "javascript:alert(1)"}}
	_, _, err := s.Save(context.Background(), bad, "anna", "")
	var ve *ValidationError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorsInBothLanguages(t *testing.T) {
	e := Entry{ID: "Bad Id", Kind: "blog", Lang: "it", Title: "T", Body: "x", Status: StatusDraft, Audience: AudiencePublic}
	var ve *ValidationError
	if err := e.Validate(); !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	it, en := ve.Message("it"), ve.Message("en")
	if !strings.Contains(it, "voce non valida") || !strings.Contains(it, "non è faq") || !strings.Contains(en, "is not faq") {
		t.Errorf("it %q / en %q", it, en)
	}
	if ve.Error() != en {
		t.Errorf("Error() = %q, want the English message", ve.Error())
	}
	te := &TransitionError{From: StatusArchived, To: StatusPublished}
	if got := te.Message("it"); got != "flusso editoriale: una voce non può passare da archiviata a pubblicata" {
		t.Errorf("it: %q", got)
	}
	if got := te.Error(); got != "workflow: cannot move an entry from archived to published" {
		t.Errorf("en: %q", got)
	}
	if got := StatusLabel("it", StatusInReview); got != "in revisione" {
		t.Errorf("label %q", got)
	}
}
