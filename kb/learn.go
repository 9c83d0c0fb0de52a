// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"helpdesk/nlp"
)

// Learning from confirmations: a user's "Risolto" after an answer, or a
// choice among "did you mean…", says that their words (the query) ask for
// that entry. A phrasing confirmed often enough becomes an extra phrasing
// of the entry for search, next to its title and questions, so the next
// user who writes the same way finds it.
//
// What exists so far is the search side and its measurement: the
// searcher keeps learned phrasings across refreshes, and `helpdesk kb eval
// --learn FILE` replays confirmations before evaluating. Recording
// confirmations from the bot and the console, storing learned phrasings
// with who and when, and the editor's list to accept or remove them are
// not built yet.

// Confirmation is one line of a confirmations file: a query and the entry
// that answered it.
type Confirmation struct {
	Query string `json:"query" db:"query"`
	Lang  string `json:"lang" db:"lang"`
	Entry string `json:"entry" db:"entry"`
	// Who confirmed (optional in a file: each line without it counts as
	// its own person, the same words twice as one).
	Who string `json:"who,omitempty" db:"who"`
}

// ReadConfirmations reads JSON lines of Confirmation; blank lines are
// skipped.
func ReadConfirmations(r io.Reader) ([]Confirmation, error) {
	return readJSONLines(r, func(c Confirmation) error {
		if strings.TrimSpace(c.Query) == "" || c.Entry == "" {
			return errors.New("query and entry are required")
		}
		return nil
	})
}

// Learn adds as a phrasing of its entry every query confirmed at least
// minConfirmations times (the same words, compared after normalising),
// learns words as terms of entries (learnwords.go, unless
// SearchOptions.LearnWordsAfter is negative), and rebuilds the index of
// the languages concerned. Confirmations of entries that are not
// published, or in another language than the entry, are ignored. It
// returns how many phrasings were added.
func (s *Searcher) Learn(_ context.Context, confs []Confirmation, minConfirmations int) (int, error) {
	minConfirmations = max(minConfirmations, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	type key struct{ entry, lang, phrasing string }
	counts := map[key]int{}
	var order []key
	for _, c := range confs {
		k := key{c.Entry, c.Lang, nlp.Normalize(c.Query)}
		if k.phrasing == "" {
			continue
		}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	if s.learned == nil {
		s.learned = map[string][]string{}
	}
	changed := map[string]bool{}
	added := 0
	for _, k := range order {
		d, ok := s.docs[k.entry]
		if !ok || counts[k] < minConfirmations || (k.lang != "" && k.lang != d.entry.Lang) ||
			slices.Contains(s.learned[k.entry], k.phrasing) {
			continue
		}
		s.learned[k.entry] = append(s.learned[k.entry], k.phrasing)
		s.docs[k.entry] = d.withPhrasings([]string{k.phrasing}, s.stems)
		changed[d.entry.Lang] = true
		added++
	}
	s.replayed = append(s.replayed, confs...)
	s.applyTerms(changed)
	if len(changed) > 0 {
		cur := s.ix.Load()
		s.rebuild(cur, cur.syn, changed)
	}
	return added, nil
}

// withPhrasings returns a copy of a with more phrasings (the index in use
// keeps reading the original).
func (a *analysedEntry) withPhrasings(qs []string, in interner) *analysedEntry {
	if len(qs) == 0 {
		return a
	}
	n := *a
	n.phrasings = slices.Clone(a.phrasings)
	for _, q := range qs {
		p := in.all(analyzeQuery(a.entry.Lang, q))
		n.phrasings = append(n.phrasings, p)
		n.lens[fieldQuestions] += len(p)
	}
	return &n
}
