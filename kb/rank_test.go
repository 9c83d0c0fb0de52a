// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTopKKeepsTheBest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var all []candidate
	top := make(topK, 0, rerankDepth)
	for i := range 500 {
		c := candidate{doc: int32(i), bm25: float32(r.IntN(50))} // many ties
		all = append(all, c)
		top.offer(c)
	}
	slices.SortFunc(all, func(a, b candidate) int {
		if a.bm25 != b.bm25 {
			if a.bm25 > b.bm25 {
				return -1
			}
			return 1
		}
		return int(a.doc - b.doc)
	})
	want := map[int32]bool{}
	for _, c := range all[:rerankDepth] {
		want[c.doc] = true
	}
	if len(top) != rerankDepth {
		t.Fatalf("kept %d", len(top))
	}
	for _, c := range top {
		if !want[c.doc] {
			t.Fatalf("kept doc %d (%.0f), not among the best", c.doc, c.bm25)
		}
	}
}

func TestConfidenceGrowsWithEvidence(t *testing.T) {
	weak := candidate{localCov: 0.3, headCov: 0.1, phrasing: 0.1, bm25: 2}
	strong := candidate{localCov: 0.9, headCov: 0.8, phrasing: 0.7, bm25: 8}
	cw, cs := confidence(&weak, 0, 10), confidence(&strong, 0.1, 10)
	if !(0 <= cw && cw < cs && cs <= 1) {
		t.Fatalf("confidence weak %.2f, strong %.2f", cw, cs)
	}
	unknown := strong
	unknown.unknown = 0.6
	if cu := confidence(&unknown, 0.1, 10); cu >= cs {
		t.Fatalf("unknown words did not lower confidence: %.2f vs %.2f", cu, cs)
	}
}
