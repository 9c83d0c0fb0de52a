package kb

import (
	"math"
	"slices"
	"sort"
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
	stems := analyzeQuery(lang, text)
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
			for _, id := range ix.neighbours(own[0]) {
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

// candidate is a document with its scores during ranking.
type candidate struct {
	doc        int32
	bm25       float32
	coverage   float32
	headCov    float32 // coverage by title, phrasings and tags alone
	localCov   float32 // best coverage by title, phrasings, tags and one passage
	unknown    float32 // share of the query's weight the index does not know
	phrasing   float32
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

// search ranks the documents for clauses.
func (ix *index) search(cs []clause, f filter, limit int) []candidate {
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
		ix.rerank(&cands[i], cs, total)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].doc < cands[j].doc
	})
	for i := range cands {
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
	z := -2.959 + 0.578*c.localCov + 1.292*c.headCov + 0.866*c.phrasing + 1.222*c.bm25/total -
		0.416*c.unknown + 9.49*margin + 3.596*evidence
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
	bm := c.bm25 / total
	c.score = rankCoverage*c.coverage + rankHead*c.headCov + rankPhrasing*c.phrasing + rankBM25*min(bm, 1)
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
