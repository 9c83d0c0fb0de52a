// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"slices"

	"helpdesk/nlp"
)

// Learning words, not only whole phrasings. At a real desk many people
// describe the same problem with the same words the knowledge base lacks
// ("il lettorino", "la rotellina", "impallata"), each in a sentence of
// their own: the sentences rarely repeat, the words do. A query word
// becomes a learned term of an entry when
//
//   - at least LearnWordsAfter different people confirmed the entry with
//     a query containing it (one confirmation never changes an entry);
//   - at least half of the people whose confirmed query contains it
//     confirmed this entry (a word confirmed for many entries, "errore",
//     "stampante", is nobody's);
//   - the entry's title, questions and tags do not already have it (there
//     it would only add weight to what the entry says, which helps as
//     often as it hurts: docs/kb-search.md).
//
// Learned terms are indexed with the entry's tags (tags ×1.5 in BM25F,
// counted in its head coverage), so they weigh less than a title word and
// their rarity across entries still sets how much they count.

// LearnWordsAfter is how many distinct confirmers must have used a word
// for an entry before it becomes a learned term of that entry.
const LearnWordsAfter = 2

// learnedTermShare is the least share of a word's confirmers that must
// have confirmed the entry.
const learnedTermShare = 0.5

// learnTermsAfter computes the learned terms of each entry from confs (who
// confirmed what; an empty Who counts the query's words as one person),
// against the entries' analyses in docs; after (< 1: LearnWordsAfter)
// is how many confirmers a word needs.
func learnTermsAfter(confs []Confirmation, docs map[string]*analysedEntry, after int) map[string][]string {
	if after < 1 {
		after = LearnWordsAfter
	}
	type wordKey struct{ lang, word string }
	type pair struct{ entry, word string }
	people := map[pair]map[string]bool{}      // entry, word → who
	everyone := map[wordKey]map[string]bool{} // word → who (entry-qualified)
	var order []pair
	for _, c := range confs {
		d, ok := docs[c.Entry]
		if !ok || (c.Lang != "" && c.Lang != d.entry.Lang) {
			continue
		}
		lang := d.entry.Lang
		who := c.Who
		if who == "" {
			who = "\x00" + nlp.Normalize(c.Query)
		}
		seen := map[string]bool{}
		for _, w := range analyzeQuery(lang, c.Query) {
			if seen[w] {
				continue
			}
			seen[w] = true
			p := pair{c.Entry, w}
			if people[p] == nil {
				people[p] = map[string]bool{}
				order = append(order, p)
			}
			people[p][who] = true
			k := wordKey{lang, w}
			if everyone[k] == nil {
				everyone[k] = map[string]bool{}
			}
			// A person who confirmed two entries with the word counts for
			// both: the share is of confirmations, not of people.
			everyone[k][c.Entry+"\x00"+who] = true
		}
	}
	out := map[string][]string{}
	for _, p := range order {
		d := docs[p.entry]
		n := len(people[p])
		if n < after || float64(n) < learnedTermShare*float64(len(everyone[wordKey{d.entry.Lang, p.word}])) ||
			d.inHead(p.word) {
			continue
		}
		out[p.entry] = append(out[p.entry], p.word)
	}
	return out
}

// inHead reports whether stem is in the entry's title, questions or tags
// (learned terms excepted).
func (a *analysedEntry) inHead(stem string) bool {
	if slices.Contains(a.tags[:len(a.tags)-a.nterms], stem) {
		return true
	}
	for _, p := range a.phrasings {
		if slices.Contains(p, stem) {
			return true
		}
	}
	return false
}

// withTerms returns a copy of a whose learned terms, after its tags, are
// terms instead of those it had (the index in use keeps reading the
// original).
func (a *analysedEntry) withTerms(terms []string, in interner) *analysedEntry {
	var add []string
	for _, t := range terms {
		if !a.inHead(t) && !slices.Contains(add, t) {
			add = append(add, t)
		}
	}
	if a.nterms == 0 && len(add) == 0 {
		return a
	}
	n := *a
	base := a.tags[:len(a.tags)-a.nterms]
	n.tags = append(slices.Clone(base), in.all(add)...)
	n.lens[fieldTags] += len(add) - a.nterms
	n.nterms = len(add)
	return &n
}

// learnedTerms returns the terms learned for the entry.
func (a *analysedEntry) learnedTerms() []string { return a.tags[len(a.tags)-a.nterms:] }

// applyTerms recomputes the learned terms of every entry from the replayed
// and the stored confirmations and re-indexes the entries whose terms
// changed, marking their languages in changed (s.mu held).
func (s *Searcher) applyTerms(changed map[string]bool) {
	after := s.opt.LearnWordsAfter
	if after < 0 {
		return
	}
	confs := append(slices.Clone(s.replayed), s.stored...)
	terms := learnTermsAfter(confs, s.docs, after)
	for id, d := range s.docs {
		if slices.Equal(d.learnedTerms(), terms[id]) {
			continue
		}
		s.docs[id] = d.withTerms(terms[id], s.stems)
		changed[d.entry.Lang] = true
	}
}

// LearnedTerms returns the words learned as terms of an entry (stems), for
// the editor and for tests.
func (s *Searcher) LearnedTerms(entry string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.docs[entry]; ok {
		return slices.Clone(d.learnedTerms())
	}
	return nil
}
