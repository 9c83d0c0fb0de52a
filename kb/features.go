// SPDX-License-Identifier: EUPL-1.2

package kb

import "math"

// queryFeatures are the features of the query itself, the same for each
// of its hits: its length and how rare its words are.
type queryFeatures struct {
	words  float64 // log(1 + clauses)
	rarity float64 // mean clause weight over the largest idf
}

func (ix *index) queryFeatures(cs []clause, total float32) queryFeatures {
	q := queryFeatures{words: math.Log1p(float64(len(cs)))}
	if len(cs) > 0 && ix.maxIDF > 0 {
		q.rarity = float64(total) / float64(len(cs)) / float64(ix.maxIDF)
	}
	return q
}

// candidateFeatures is the input of the confidence model for the i-th of
// the ranked candidates (see featureNames for their meaning and order).
func candidateFeatures(cands []candidate, i int, total float32, q queryFeatures) []float64 {
	c := &cands[i]
	score := func(j int) float64 {
		if j < len(cands) {
			return float64(cands[j].score)
		}
		return 0
	}
	var bm, evidence float64
	if total > 0 {
		bm = min(float64(c.bm25/total), 2)
		evidence = float64(min(c.localCov*total, 20) / 20)
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	return []float64{
		float64(c.localCov), float64(c.headCov), float64(c.coverage), float64(c.phrasing), bm,
		float64(c.pairs), float64(c.unknown), evidence, float64(c.score),
		score(0) - float64(c.score), float64(c.score) - score(i+1), score(0) - score(2),
		b2f(i == 0), b2f(i == 1), q.words, q.rarity, float64(c.indirect),
	}
}
