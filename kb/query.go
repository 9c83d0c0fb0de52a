// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"slices"
	"strings"
)

// synonymTable holds the synonym groups analysed per language, ready to
// be matched against the stems of a query.
type synonymTable struct {
	lang map[string]*synonymLang
}

type synonymLang struct {
	groups [][][]string        // group → member → stems
	first  map[string][][2]int // first stem of a member → (group, member)
}

func compileSynonyms(s Synonyms) *synonymTable {
	t := &synonymTable{lang: map[string]*synonymLang{}}
	for _, lang := range []string{LangIT, LangEN} {
		sl := &synonymLang{first: map[string][][2]int{}}
		for _, key := range []string{"all", lang} {
			for _, g := range s[key] {
				var members [][]string
				for _, m := range g {
					st := analyzeQuery(lang, m) // as queries are analysed, so members match them
					if len(st) > 0 && !slices.ContainsFunc(members, func(x []string) bool { return slices.Equal(x, st) }) {
						members = append(members, st)
					}
				}
				if len(members) < 2 {
					continue
				}
				gi := len(sl.groups)
				sl.groups = append(sl.groups, members)
				for mi, m := range members {
					sl.first[m[0]] = append(sl.first[m[0]], [2]int{gi, mi})
				}
			}
		}
		t.lang[lang] = sl
	}
	return t
}

// alternative is one way a clause can match: all of terms in a document.
type alternative struct {
	terms  []int32
	factor float32 // 1 for the user's own word, less for synonyms and typo fixes
}

// clause is one concept of the query (a word, or a phrase of a synonym
// group) with the ways it can match; weight is how much it counts.
type clause struct {
	alts   []alternative
	weight float32
	word   string
}

// Factors by which a match counts less than the user's own word.
const (
	synonymFactor = 0.9
	typoFactor    = 0.75
)

// buildQuery turns query text into clauses.
func (ix *index) buildQuery(lang, text string) []clause {
	if len(text) > maxQueryBytes {
		text = text[:maxQueryBytes] // a pasted e-mail: its start says what it is about
	}
	stems, words := analyzeQueryWords(lang, text)
	var sl *synonymLang
	if ix.syn != nil {
		sl = ix.syn.lang[analysisLang(lang)]
	}
	var out []clause
	seen := map[string]bool{}
	for i := 0; i < len(stems); {
		// The longest synonym member starting here.
		var groups []int
		span := 0
		if sl != nil {
			for _, ref := range sl.first[stems[i]] {
				m := sl.groups[ref[0]][ref[1]]
				if i+len(m) <= len(stems) && slices.Equal(stems[i:i+len(m)], m) {
					if len(m) > span {
						span, groups = len(m), nil
					}
					if len(m) == span && !slices.Contains(groups, ref[0]) {
						groups = append(groups, ref[0])
					}
				}
			}
		}
		if span == 0 {
			span = 1
		}
		key := strings.Join(stems[i:i+span], " ")
		word := words[i]
		i += span
		if seen[key] {
			continue
		}
		seen[key] = true
		c := clause{word: key}
		own := strings.Fields(key)
		if ids, ok := ix.lookup(own); ok {
			c.alts = append(c.alts, alternative{ids, 1})
		}
		for _, g := range groups {
			for _, m := range sl.groups[g] {
				if slices.Equal(m, own) {
					continue
				}
				if ids, ok := ix.lookup(m); ok {
					c.alts = append(c.alts, alternative{ids, synonymFactor})
				}
			}
		}
		if len(c.alts) == 0 && len(own) == 1 {
			for _, id := range ix.typoMatches(lang, own[0], word) {
				c.alts = append(c.alts, alternative{[]int32{id}, typoFactor})
				// A corrected word may belong to a synonym group.
				if sl != nil {
					for _, ref := range sl.first[ix.termStr[id]] {
						if len(sl.groups[ref[0]][ref[1]]) != 1 {
							continue
						}
						for _, m := range sl.groups[ref[0]] {
							if ids, ok := ix.lookup(m); ok {
								c.alts = append(c.alts, alternative{ids, typoFactor * synonymFactor})
							}
						}
					}
				}
			}
		}
		c.weight = ix.clauseWeight(c, own)
		out = append(out, c)
		if len(out) == maxClauses {
			break
		}
	}
	return out
}

// Bounds on what one query may cost.
const (
	maxQueryBytes = 2000
	maxClauses    = 40
)

// typoMatches returns the indexed stems a mistyped word may stand for:
// those one edit away from its stem, and the stems of the word with one
// edit undone.
func (ix *index) typoMatches(lang, stem, word string) []int32 {
	ids := ix.neighbours(stem)
	if len(word) < minFuzzyLen+1 || isNumber(word) {
		return ids
	}
	for _, v := range wordVariants(lang, word) {
		if id, ok := ix.terms[v]; ok && v != stem && len(v) >= minFuzzyLen && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// lookup returns the term ids of stems, false when one is not indexed.
func (ix *index) lookup(stems []string) ([]int32, bool) {
	ids := make([]int32, len(stems))
	for i, s := range stems {
		id, ok := ix.terms[s]
		if !ok {
			return nil, false
		}
		ids[i] = id
	}
	return ids, true
}

func (ix *index) meanIDF(ids []int32) float32 {
	var s float32
	for _, id := range ids {
		s += ix.idf[id]
	}
	return s / float32(len(ids))
}

// clauseWeight is the weight of a clause: the idf of its best
// alternative. A word the index does not know at all weighs as much as
// the rarest word: a query about something the knowledge base never
// mentions must not look covered (numbers count half: often they are
// ticket or error codes).
func (ix *index) clauseWeight(c clause, own []string) float32 {
	var w float32
	for _, a := range c.alts {
		w = max(w, ix.meanIDF(a.terms))
	}
	if len(c.alts) == 0 {
		w = ix.maxIDF
		if len(own) == 1 && isNumber(own[0]) {
			w /= 2
		}
	}
	return w
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
