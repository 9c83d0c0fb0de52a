// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"math"
	"slices"
	"sort"
)

// candidate is a document with its scores during ranking.
type candidate struct {
	doc        int32
	bm25       float32
	coverage   float32
	headCov    float32 // coverage by title, phrasings and tags alone
	localCov   float32 // best coverage by title, phrasings, tags and one passage
	unknown    float32 // share of the query's weight the index does not know
	indirect   float32 // share of the query's weight matched only through a synonym or typo fix
	kind       float32 // 1 when the query speaks of a fault and so does the entry (trouble.go)
	phrasing   float32
	pairs      float32 // share of neighbouring query words found close together in a phrasing
	score      float32
	confidence float32
}

// filter decides which documents a search may return.
type filter struct {
	lang     string
	audience Audience
}

func (f filter) allows(e *Entry) bool {
	if f.lang != "" && e.Lang != f.lang {
		return false
	}
	return Visible(e.Status, e.Audience, f.audience)
}

// rerankDepth is how many BM25 candidates get the finer scoring.
const rerankDepth = 30

// search ranks the documents for clauses; trouble says the query speaks
// of a fault.
func (ix *index) search(cs []clause, f filter, limit int, trouble bool) []candidate {
	if len(ix.docs) == 0 || len(cs) == 0 {
		return nil
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	hitDocs := sc.hits[:0]
	defer func() { sc.hits = hitDocs[:0] }()
	// On a large index, a clause whose every alternative is a very common
	// word would walk most of the documents to add little: it does not
	// select candidates, and its share of BM25F is added to the kept
	// candidates afterwards (the max-score idea, in its simplest form).
	commonDF := max(commonDocs, len(ix.docs)/10)
	deferred := make([]bool, len(cs))
	allDeferred := true
	for i, c := range cs {
		deferred[i] = len(c.alts) > 0
		for _, a := range c.alts {
			if ix.rarest(a.terms) <= commonDF {
				deferred[i] = false
			}
		}
		allDeferred = allDeferred && deferred[i]
	}
	if allDeferred {
		clear(deferred)
	}
	for ci, c := range cs {
		if deferred[ci] {
			continue
		}
		sc.touched = sc.touched[:0]
		for _, a := range c.alts {
			if len(a.terms) == 1 {
				t := a.terms[0]
				idf := ix.idf[t] * a.factor
				for _, p := range ix.postings[t] {
					v := idf * p.w
					if v > sc.best[p.doc] {
						if sc.best[p.doc] == 0 {
							sc.touched = append(sc.touched, p.doc)
						}
						sc.best[p.doc] = v
					}
				}
				continue
			}
			// A phrase: every term must be in the document.
			rare := a.terms[0]
			for _, t := range a.terms[1:] {
				if len(ix.postings[t]) < len(ix.postings[rare]) {
					rare = t
				}
			}
		docs:
			for _, p := range ix.postings[rare] {
				var sum float32
				for _, t := range a.terms {
					w, ok := ix.fwd[p.doc].weight(t)
					if !ok {
						continue docs
					}
					sum += ix.idf[t] * w
				}
				v := sum / float32(len(a.terms)) * a.factor
				if v > sc.best[p.doc] {
					if sc.best[p.doc] == 0 {
						sc.touched = append(sc.touched, p.doc)
					}
					sc.best[p.doc] = v
				}
			}
		}
		for _, d := range sc.touched {
			if sc.score[d] == 0 {
				hitDocs = append(hitDocs, d)
			}
			sc.score[d] += sc.best[d]
			sc.best[d] = 0
		}
	}
	// Keep the rerankDepth best by BM25F (a min-heap on score, ties to the
	// lower doc, so every instance ranks alike): sorting all the documents
	// that share one common word would cost more than the search itself.
	top := make(topK, 0, rerankDepth)
	for _, d := range hitDocs {
		if f.allows(&ix.docs[d].entry) {
			top.offer(candidate{doc: d, bm25: sc.score[d]})
		}
		sc.score[d] = 0
	}
	cands := []candidate(top)
	for ci, c := range cs {
		if !deferred[ci] {
			continue
		}
		for i := range cands {
			cands[i].bm25 += ix.clauseScore(c, cands[i].doc)
		}
	}
	var total float32
	for _, c := range cs {
		total += c.weight
	}
	for i := range cands {
		if trouble && ix.trouble[cands[i].doc] {
			cands[i].kind = 1
		}
		ix.rerank(&cands[i], cs, total)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].doc < cands[j].doc
	})
	qf := ix.queryFeatures(cs, total)
	for i := range cands {
		if shipped != nil {
			cands[i].confidence = float32(shipped.Predict(candidateFeatures(cands, i, total, qf)))
			continue
		}
		var other float32
		switch {
		case i == 0 && len(cands) > 1:
			other = cands[1].score
		case i > 0:
			other = cands[0].score
		}
		cands[i].confidence = confidence(&cands[i], cands[i].score-other, total)
	}
	if limit > 0 && len(cands) > limit {
		cands = cands[:limit]
	}
	return cands
}

// confidence is the probability that a candidate answers the query, from
// a logistic model fitted on the dev queries (answered right = 1; wrong
// entry or out of scope = 0). Its inputs, by weight: the evidence matched
// in one place (idf units, capped), the margin over the next candidate,
// how close the best phrasing is, the coverage by the head and by one
// passage, and the share of query words the index does not know at all.
func confidence(c *candidate, margin, total float32) float32 {
	evidence := min(c.localCov*total, 20) / 20
	z := -3.067 + 0.711*c.localCov + 1.621*c.headCov + 0.496*c.phrasing + 1.926*c.bm25/total -
		0.27*c.unknown + 6.65*margin + 3.631*evidence
	return float32(1 / (1 + math.Exp(-float64(z))))
}

// rerank computes the finer features of one candidate: how much of the
// query it covers, how close its best phrasing (title or question) is to
// the query, and from them its score and confidence.
func (ix *index) rerank(c *candidate, cs []clause, total float32) {
	if total == 0 {
		return
	}
	fwd := &ix.fwd[c.doc]
	head := ix.head[c.doc]
	var covered, headCovered, unknown float32
	headMatch := make([]float32, len(cs))
	for i, cl := range cs {
		if len(cl.alts) == 0 {
			unknown += cl.weight
		}
		var inDoc, inHead float32 // factor of the best alternative found
		for _, a := range cl.alts {
			if a.factor <= inDoc && a.factor <= inHead {
				continue
			}
			all, allHead := true, true
			for _, t := range a.terms {
				if _, ok := fwd.weight(t); !ok {
					all, allHead = false, false
					break
				}
				if _, ok := slices.BinarySearch(head, t); !ok {
					allHead = false
				}
			}
			if all {
				inDoc = max(inDoc, a.factor)
			}
			if allHead {
				inHead = max(inHead, a.factor)
			}
		}
		covered += cl.weight * inDoc
		headCovered += cl.weight * inHead
		if inDoc > 0 && inDoc < 1 {
			c.indirect += cl.weight
		}
		headMatch[i] = inHead
	}
	// Words that answer a question meet in one place: the head and one
	// passage. Words scattered over a long body are weaker evidence.
	c.localCov = headCovered
	for _, b := range ix.blockIDs[c.doc] {
		var local float32
		for i, cl := range cs {
			f := headMatch[i]
			for _, a := range cl.alts {
				if a.factor > f && allIn(b, a.terms) {
					f = a.factor
				}
			}
			local += cl.weight * f
		}
		c.localCov = max(c.localCov, local)
	}
	c.localCov /= total
	c.coverage = covered / total
	c.headCov = headCovered / total
	c.unknown = unknown / total
	c.indirect /= total

	// Best phrasing: the share of the query it answers, less a little for
	// what it says that the query does not.
	for _, p := range ix.phr[c.doc] {
		if len(p) == 0 {
			continue
		}
		var inter, extra float32
		used := make([]bool, len(p))
		for _, cl := range cs {
			var best float32
			for _, a := range cl.alts {
				if a.factor <= best || !containsAll(p, a.terms) {
					continue
				}
				best = a.factor
			}
			if best > 0 {
				inter += cl.weight * best
				for _, a := range cl.alts {
					markUsed(p, a.terms, used)
				}
			}
		}
		for j, t := range p {
			if !used[j] {
				extra += ix.idf[t]
			}
		}
		sim := inter / (total + 0.3*extra)
		c.phrasing = max(c.phrasing, sim)
	}
	// Neighbouring query words close together in a title or phrasing
	// ("codice otp", "casella condivisa") say more than the same words apart.
	if len(cs) > 1 {
		var found, all float32
		for i := 0; i+1 < len(cs); i++ {
			w := cs[i].weight + cs[i+1].weight
			all += w
			for _, p := range ix.phr[c.doc] {
				if near(p, cs[i], cs[i+1]) {
					found += w
					break
				}
			}
		}
		c.pairs = found / all
	}
	bm := c.bm25 / total
	c.score = rankCoverage*c.coverage + rankHead*c.headCov + rankPhrasing*c.phrasing + rankBM25*min(bm, 1) +
		rankPairs*c.pairs + rankKind*c.kind*c.headCov
}

// Weights of the ranking score, chosen on the dev queries (a coarse grid;
// the neighbourhood of these values ranks within a query or two of them):
// BM25F carries most of it, the closeness of a title or phrasing and the
// coverage of the query refine it.
const (
	rankCoverage = 0.1
	rankHead     = 0.2
	rankPhrasing = 0.25
	rankBM25     = 0.45
	rankPairs    = 0.15
	// rankKind prefers, for a query about a fault, the entries about a
	// fault, in proportion to how much of the query their head covers (so
	// it never lifts an entry on another topic).
	rankKind = 0.1
)

// commonDocs is the least document frequency at which a word is "very
// common" for search (see search); on small indexes nothing is.
const commonDocs = 5000

// rarest returns the smallest document frequency among terms.
func (ix *index) rarest(terms []int32) int {
	n := len(ix.docs)
	for _, t := range terms {
		n = min(n, len(ix.postings[t]))
	}
	return n
}

// clauseScore is the BM25F share of clause c in doc: its best
// alternative, as the posting walk in search computes it.
func (ix *index) clauseScore(c clause, doc int32) float32 {
	var best float32
	fwd := &ix.fwd[doc]
alts:
	for _, a := range c.alts {
		var sum float32
		for _, t := range a.terms {
			w, ok := fwd.weight(t)
			if !ok {
				continue alts
			}
			sum += ix.idf[t] * w
		}
		best = max(best, sum/float32(len(a.terms))*a.factor)
	}
	return best
}

// topK keeps the rerankDepth candidates with the best BM25F score, as a
// min-heap whose root is the weakest kept.
type topK []candidate

// less reports whether a ranks below b.
func (h topK) less(a, b candidate) bool {
	if a.bm25 != b.bm25 {
		return a.bm25 < b.bm25
	}
	return a.doc > b.doc
}

func (h *topK) offer(c candidate) {
	if len(*h) < rerankDepth {
		*h = append(*h, c)
		h.up(len(*h) - 1)
		return
	}
	if !h.less((*h)[0], c) {
		return
	}
	(*h)[0] = c
	h.down(0)
}

func (h topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h topK) down(i int) {
	for {
		l, small := 2*i+1, i
		if l < len(h) && h.less(h[l], h[small]) {
			small = l
		}
		if r := l + 1; r < len(h) && h.less(h[r], h[small]) {
			small = r
		}
		if small == i {
			return
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

// near reports whether phrasing p has a match of a within two words of a
// match of b.
func near(p []int32, a, b clause) bool {
	for i, t := range p {
		if !matchesTerm(a, t) {
			continue
		}
		for j := max(0, i-2); j <= min(len(p)-1, i+2); j++ {
			if j != i && matchesTerm(b, p[j]) {
				return true
			}
		}
	}
	return false
}

func matchesTerm(c clause, t int32) bool {
	for _, a := range c.alts {
		if slices.Contains(a.terms, t) {
			return true
		}
	}
	return false
}

// allIn reports whether every term is in the sorted list.
func allIn(sorted, terms []int32) bool {
	for _, t := range terms {
		if _, ok := slices.BinarySearch(sorted, t); !ok {
			return false
		}
	}
	return true
}

func containsAll(p, terms []int32) bool {
	for _, t := range terms {
		if !slices.Contains(p, t) {
			return false
		}
	}
	return true
}

func markUsed(p, terms []int32, used []bool) {
	for j, t := range p {
		if slices.Contains(terms, t) {
			used[j] = true
		}
	}
}
