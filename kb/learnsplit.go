// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"hash/fnv"

	"helpdesk/nlp"
)

// LearnHalf says which half of an evaluation set a query belongs to when
// learning is measured: "a" when the FNV-1a 32-bit hash of its text (the
// bytes as written in the file) is even, "b" when odd. The split depends on
// nothing but the query, so it is the same on every machine and cannot be
// chosen to flatter the result; the confirmations of one half are replayed
// and only the other half is evaluated.
func LearnHalf(query string) string {
	h := fnv.New32a()
	h.Write([]byte(query))
	if h.Sum32()%2 == 0 {
		return "a"
	}
	return "b"
}

// SplitForLearning splits queries by LearnHalf. Confirmations are the
// in-scope queries of each half (query → first expected entry); every query
// of a half, in scope or not, is in its evaluation set.
func SplitForLearning(qs []EvalQuery) (eval map[string][]EvalQuery, confirmed map[string][]Confirmation) {
	eval = map[string][]EvalQuery{}
	confirmed = map[string][]Confirmation{}
	for _, q := range qs {
		h := LearnHalf(q.Query)
		eval[h] = append(eval[h], q)
		if len(q.Expected) > 0 {
			confirmed[h] = append(confirmed[h], Confirmation{Query: q.Query, Lang: q.Lang, Entry: q.Expected[0]})
		}
	}
	return eval, confirmed
}

// DropReplayed returns the queries whose words (after normalising) are not
// those of a replayed confirmation, and how many were dropped: a query
// that was itself replayed says nothing about what learning brings to
// queries never seen.
func DropReplayed(qs []EvalQuery, confs []Confirmation) ([]EvalQuery, int) {
	seen := map[string]bool{}
	for _, c := range confs {
		seen[c.Lang+"\x00"+nlp.Normalize(c.Query)] = true
	}
	var kept []EvalQuery
	for _, q := range qs {
		if !seen[q.Lang+"\x00"+nlp.Normalize(q.Query)] {
			kept = append(kept, q)
		}
	}
	return kept, len(qs) - len(kept)
}

// LearnReach bounds what learning can bring to an evaluation: of the
// in-scope queries (InScope), how many share a searched word with a
// confirmation of their expected entry (Shared), and how many share one
// that the entry's title, questions and tags lack (New). Only the latter
// can gain a word from a learned phrasing; the others can only gain weight
// on words the entry already has.
type LearnReach struct {
	InScope int `json:"in_scope"`
	Shared  int `json:"shared"`
	New     int `json:"new"`
}

// Reach computes LearnReach of confs for qs against the entries as they
// are now (call it before Learn).
func (s *Searcher) Reach(confs []Confirmation, qs []EvalQuery) LearnReach {
	s.mu.Lock()
	defer s.mu.Unlock()
	byEntry := map[string][]map[string]bool{}
	for _, c := range confs {
		words := map[string]bool{}
		for _, w := range analyzeQuery(c.Lang, c.Query) {
			words[w] = true
		}
		byEntry[c.Entry] = append(byEntry[c.Entry], words)
	}
	var r LearnReach
	for _, q := range qs {
		if len(q.Expected) == 0 {
			continue
		}
		r.InScope++
		head := map[string]bool{}
		if d, ok := s.docs[q.Expected[0]]; ok {
			for _, p := range d.phrasings {
				for _, w := range p {
					head[w] = true
				}
			}
			for _, w := range d.tags {
				head[w] = true
			}
		}
		shared, novel := false, false
		for _, w := range analyzeQuery(q.Lang, q.Query) {
			for _, c := range byEntry[q.Expected[0]] {
				if c[w] {
					shared = true
					novel = novel || !head[w]
				}
			}
		}
		if shared {
			r.Shared++
		}
		if novel {
			r.New++
		}
	}
	return r
}
