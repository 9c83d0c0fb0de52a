// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"regexp"
	"strings"
)

// ChecklistStep is one step of a procedure.
type ChecklistStep struct {
	Text     string `json:"text"`
	Required bool   `json:"required"`
}

// taskLine is a Markdown task-list item: "- [ ] text" (or "*", "+",
// "1."; the box may be ticked in the source, it means nothing here).
var taskLine = regexp.MustCompile(`^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\[[ xX]\]\s+(.+?)\s*$`)

// requiredMarks open the text of a required step, in either language.
var requiredMarks = []string{"(required)", "(obbligatorio)", "(obbligatoria)"}

// Checklist returns the procedure written in the entry's body as a
// Markdown task list, in order. A step whose text begins with
// "(required)" or "(obbligatorio)" must be done before the ticket is
// resolved; the mark is not part of the step's text. Editors write
// checklists where they already write (the body), so no new field is
// needed in files or the editor.
func (e Entry) Checklist() []ChecklistStep {
	var steps []ChecklistStep
	inFence := false
	for _, line := range strings.Split(e.Body, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		m := taskLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text, required := m[1], false
		for _, mark := range requiredMarks {
			if len(text) >= len(mark) && strings.EqualFold(text[:len(mark)], mark) {
				text, required = strings.TrimSpace(text[len(mark):]), true
				break
			}
		}
		if text != "" {
			steps = append(steps, ChecklistStep{Text: text, Required: required})
		}
	}
	return steps
}

// Procedure is an internal entry with a checklist, suggested for a ticket.
type Procedure struct {
	Entry      Entry
	Steps      []ChecklistStep
	Confidence float64
}

// SuggestProcedures searches the internal audience (as the bot searches,
// agents' entries included) for text — a ticket's subject and
// description — and returns up to limit internal entries that carry a
// checklist, best first. The console calls it on a ticket's page.
func SuggestProcedures(ctx context.Context, s *Searcher, store *Store, text, lang string, limit int) ([]Procedure, error) {
	if limit <= 0 {
		limit = 3
	}
	hits, err := s.Search(ctx, Query{Text: text, Lang: lang, Audience: AudienceInternal, Limit: limit * 4, NoLog: true})
	if err != nil {
		return nil, err
	}
	var out []Procedure
	for _, h := range hits {
		e, err := store.Get(ctx, h.EntryID)
		if err != nil {
			return nil, err
		}
		if e.Audience != AudienceInternal || e.Status != StatusPublished {
			continue
		}
		steps := e.Checklist()
		if len(steps) == 0 {
			continue
		}
		out = append(out, Procedure{Entry: e, Steps: steps, Confidence: h.Confidence})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}
