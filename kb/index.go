// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// The in-process search index: BM25F over four fields (title, phrasings,
// tags/product/category, body), built from entries analysed once and kept
// analysed, so that a rebuild after a change only re-analyses what
// changed. An index value is immutable once built; the Searcher swaps in a
// new one atomically.

// Field weights and length normalisation, per field. A user's words are
// most telling when they meet a title or a phrasing.
const (
	fieldTitle = iota
	fieldQuestions
	fieldTags
	fieldBody
	numFields
)

var (
	fieldBoost = [numFields]float64{3.0, 2.5, 1.5, 1.0}
	fieldB     = [numFields]float64{0.5, 0.6, 0.3, 0.75}
)

var bm25K1 = 1.2

// analysedEntry is an entry with its analysis, kept across rebuilds. Each
// stem is stored once: the fields are views of the phrasings (title and
// questions), the tags and the body passages. The body itself is dropped
// (entry.Body is empty): hits show passages.
type analysedEntry struct {
	entry     Entry
	phrasings [][]string // stems of the title, then of each question
	tags      []string   // stems of tags, product and category
	blocks    []string   // body passages, plain text
	blockTerm [][]string // stems of each passage
	trouble   bool       // the title or a phrasing speaks of a fault
	nterms    int        // the last nterms tags are terms learned from use (learnwords.go)
	lens      [numFields]int
}

// interner shares one copy of each stem between entries; nil interns
// nothing.
type interner map[string]string

func (in interner) all(ss []string) []string {
	if in == nil {
		return ss
	}
	for i, s := range ss {
		if c, ok := in[s]; ok {
			ss[i] = c
		} else {
			in[s] = s
		}
	}
	return ss
}

func analyseEntry(e Entry, in interner) *analysedEntry {
	a := &analysedEntry{entry: e, trouble: entryTrouble(&e)}
	a.phrasings = append(a.phrasings, in.all(analyzeText(e.Lang, e.Title)))
	for _, q := range e.Questions {
		a.phrasings = append(a.phrasings, in.all(analyzeText(e.Lang, q)))
	}
	tags := strings.Join(e.Tags, " . ") + " . " + e.Product + " . " + strings.ReplaceAll(e.Category, "/", " . ")
	a.tags = in.all(analyzeText(e.Lang, tags))
	a.blocks = blocks(e.Body)
	for _, b := range a.blocks {
		a.blockTerm = append(a.blockTerm, in.all(analyzeText(e.Lang, b)))
	}
	a.entry.Body = ""
	a.each(func(f int, _ string) { a.lens[f]++ })
	return a
}

// each calls fn for every stem of every field, in order.
func (a *analysedEntry) each(fn func(field int, stem string)) {
	for i, p := range a.phrasings {
		f := fieldQuestions
		if i == 0 {
			f = fieldTitle
		}
		for _, s := range p {
			fn(f, s)
		}
	}
	for _, s := range a.tags {
		fn(fieldTags, s)
	}
	for _, b := range a.blockTerm {
		for _, s := range b {
			fn(fieldBody, s)
		}
	}
}

// field returns the stems of one field (for engines that index fields).
func (a *analysedEntry) field(f int) []string {
	var out []string
	a.each(func(g int, s string) {
		if g == f {
			out = append(out, s)
		}
	})
	return out
}

type posting struct {
	doc int32
	w   float32 // BM25F saturated term weight, idf not included
}

// docTerms is a document's forward index: sorted term ids and weights.
type docTerms struct {
	ids []int32
	w   []float32
}

func (d *docTerms) weight(t int32) (float32, bool) {
	i, ok := slices.BinarySearch(d.ids, t)
	if !ok {
		return 0, false
	}
	return d.w[i], true
}

type index struct {
	docs     []*analysedEntry
	fwd      []docTerms
	trouble  []bool      // per doc: its title or a phrasing speaks of a fault
	head     [][]int32   // per doc: sorted ids of title, phrasing and tag terms
	blockIDs [][][]int32 // per doc, per body passage: sorted term ids
	phr      [][][]int32 // per doc, per phrasing: term ids
	terms    map[string]int32
	termStr  []string
	postings [][]posting
	idf      []float32
	maxIDF   float32
	fuzzy    map[string][]int32 // one-deletion variants → term ids
	syn      *synonymTable
	scratch  sync.Pool
}

// newIndex builds an index over docs (all searchable: published).
func newIndex(docs []*analysedEntry, syn *synonymTable) *index {
	ix := &index{docs: docs, terms: map[string]int32{}, syn: syn}
	var avg [numFields]float64
	for _, d := range docs {
		for f := range numFields {
			avg[f] += float64(d.lens[f])
		}
	}
	for f := range numFields {
		avg[f] = max(avg[f]/float64(max(len(docs), 1)), 1)
	}
	termID := func(s string) int32 {
		id, ok := ix.terms[s]
		if !ok {
			id = int32(len(ix.postings))
			ix.terms[s] = id
			ix.postings = append(ix.postings, nil)
			ix.termStr = append(ix.termStr, s)
		}
		return id
	}
	ix.fwd = make([]docTerms, len(docs))
	ix.trouble = make([]bool, len(docs))
	ix.phr = make([][][]int32, len(docs))
	ix.head = make([][]int32, len(docs))
	ix.blockIDs = make([][][]int32, len(docs))
	tf := map[int32]*[numFields]float64{}
	for di, d := range docs {
		ix.trouble[di] = d.trouble
		clear(tf)
		var norm [numFields]float64
		for f := range numFields {
			norm[f] = 1 - fieldB[f] + fieldB[f]*float64(d.lens[f])/avg[f]
		}
		d.each(func(f int, s string) {
			id := termID(s)
			c := tf[id]
			if c == nil {
				c = new([numFields]float64)
				tf[id] = c
			}
			c[f] += fieldBoost[f] / norm[f]
		})
		ids := make([]int32, 0, len(tf))
		for id := range tf {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		ws := make([]float32, len(ids))
		for i, id := range ids {
			var t float64
			for _, v := range tf[id] {
				t += v
			}
			w := float32(t / (bm25K1 + t))
			ws[i] = w
			ix.postings[id] = append(ix.postings[id], posting{int32(di), w})
		}
		ix.fwd[di] = docTerms{ids, ws}
		var head []int32
		for _, id := range ids {
			if c := tf[id]; c[fieldTitle]+c[fieldQuestions]+c[fieldTags] > 0 {
				head = append(head, id)
			}
		}
		ix.head[di] = head
		for _, b := range d.blockTerm {
			bid := make([]int32, 0, len(b))
			for _, s := range b {
				bid = append(bid, ix.terms[s])
			}
			slices.Sort(bid)
			ix.blockIDs[di] = append(ix.blockIDs[di], slices.Compact(bid))
		}
		for _, p := range d.phrasings {
			pid := make([]int32, 0, len(p))
			for _, s := range p {
				pid = append(pid, ix.terms[s])
			}
			ix.phr[di] = append(ix.phr[di], pid)
		}
	}
	n := float64(len(docs))
	ix.idf = make([]float32, len(ix.postings))
	for id, ps := range ix.postings {
		df := float64(len(ps))
		ix.idf[id] = float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
	}
	ix.maxIDF = float32(math.Log(1 + (n+0.5)/0.5))
	ix.fuzzy = map[string][]int32{}
	for s, id := range ix.terms {
		if len(s) < minFuzzyLen {
			continue
		}
		for _, v := range deletions(s) {
			ix.fuzzy[v] = append(ix.fuzzy[v], id)
		}
	}
	ix.scratch.New = func() any { return &scratch{score: make([]float32, len(docs)), best: make([]float32, len(docs))} }
	return ix
}

// minFuzzyLen is the shortest stem matched with a typo: shorter ones would
// match too many unrelated words.
const minFuzzyLen = 4

// deletions returns s with each one of its bytes removed (stems are
// folded to ASCII letters and digits by nlp, so bytes are characters).
func deletions(s string) []string {
	out := make([]string, 0, len(s))
	for i := range len(s) {
		v := s[:i] + s[i+1:]
		if i > 0 && s[i] == s[i-1] {
			continue // same variant as the previous one
		}
		out = append(out, v)
	}
	return out
}

// neighbours returns the indexed terms within one edit (insert, delete,
// substitute, swap of neighbours) of s, s itself excluded.
func (ix *index) neighbours(s string) []int32 {
	if len(s) < minFuzzyLen {
		return nil
	}
	seen := map[int32]bool{}
	var out []int32
	try := func(ids []int32) {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	try(ix.fuzzy[s]) // s is a term with one letter missing
	for _, v := range deletions(s) {
		if id, ok := ix.terms[v]; ok { // s has one letter too many
			try([]int32{id})
		}
		try(ix.fuzzy[v]) // substitution or swap
	}
	var keep []int32
	for _, id := range out {
		if t := ix.termText(id); t != s && osaDistance(s, t) <= 1 {
			keep = append(keep, id)
		}
	}
	return keep
}

func (ix *index) termText(id int32) string { return ix.termStr[id] }

// osaDistance is the optimal-string-alignment distance (Levenshtein plus
// swaps of adjacent letters), on bytes.
func osaDistance(a, b string) int {
	if d := len(a) - len(b); d > 1 || d < -1 {
		return 2
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

type scratch struct {
	score, best   []float32
	touched, hits []int32
}
