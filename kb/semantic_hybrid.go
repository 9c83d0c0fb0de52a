// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
)

// HybridOptions tune how lexical and semantic hits are combined.
type HybridOptions struct {
	// Weight of the semantic similarity in the ranking score, in [0, 1]
	// (default 0.5): score = (1−Weight)·lexical confidence + Weight·similarity.
	Weight float64
	// SemanticTrust scales the similarity into a confidence for entries
	// that only the semantic side found (default 0.5, so with the default
	// threshold a semantic-only hit is never a confident answer: cosine
	// similarity is not calibrated the way the lexical confidence is).
	SemanticTrust float64
	// Depth is how many candidates each side contributes (default 20).
	Depth  int
	Logger *slog.Logger
}

// HybridSearcher merges the lexical Searcher with a SemanticIndex. The
// lexical side keeps its calibrated confidence (the bot's threshold still
// means the same); the semantic side re-ranks the candidates and may add
// entries the words alone missed. When the semantic side fails (endpoint
// down, slow, over budget) the lexical hits are returned as they are.
type HybridSearcher struct {
	lex *Searcher
	sem *SemanticIndex
	opt HybridOptions
}

// NewHybridSearcher combines lex and sem; sem may be nil (lexical only).
func NewHybridSearcher(lex *Searcher, sem *SemanticIndex, opt HybridOptions) *HybridSearcher {
	if opt.Weight <= 0 || opt.Weight > 1 {
		opt.Weight = 0.5
	}
	if opt.SemanticTrust <= 0 {
		opt.SemanticTrust = 0.5
	}
	if opt.Depth <= 0 {
		opt.Depth = 20
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &HybridSearcher{lex: lex, sem: sem, opt: opt}
}

// Threshold is the lexical searcher's confidence threshold.
func (h *HybridSearcher) Threshold() float64 { return h.lex.Threshold() }

// Search runs both sides and merges them, best first.
func (h *HybridSearcher) Search(ctx context.Context, q Query) ([]Hit, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	wide := q
	wide.Limit = max(h.opt.Depth, limit)
	lex, err := h.lex.Search(ctx, wide)
	if err != nil {
		return nil, err
	}
	if h.sem == nil {
		return truncate(lex, limit), nil
	}
	sem, err := h.sem.Search(ctx, wide)
	if err != nil {
		h.opt.Logger.Warn("kb: semantic search failed; lexical hits only", "err", err)
		return truncate(lex, limit), nil
	}
	return truncate(MergeHits(lex, sem, h.opt.Weight, h.opt.SemanticTrust), limit), nil
}

// MergeHits combines lexical and semantic hits of one query: each entry
// is ranked by (1−weight)·lexical confidence + weight·similarity and keeps
// its lexical confidence, passage and search id; an entry found only by
// similarity gets trust·similarity as confidence.
func MergeHits(lex, sem []Hit, weight, trust float64) []Hit {
	type cand struct {
		hit      Hit
		lex, sim float64
		inLex    bool
	}
	byID := map[string]*cand{}
	var order []*cand
	for _, h := range lex {
		// Rank by the lexical score's shape, anchored at the first hit's
		// confidence: the confidence model is fitted for the first three
		// hits only and drops sharply after the first, which would let a
		// weak similarity reorder hits the words clearly tell apart.
		l := h.Confidence
		if lex[0].Score > 0 {
			l = max(l, clamp01(lex[0].Confidence*h.Score/lex[0].Score))
		}
		c := &cand{hit: h, lex: l, inLex: true}
		byID[h.EntryID] = c
		order = append(order, c)
	}
	semIDs := map[string]bool{}
	for _, h := range sem {
		semIDs[h.EntryID] = true
		sim := clamp01(h.Score)
		if c, ok := byID[h.EntryID]; ok {
			c.sim = sim
			continue
		}
		c := &cand{hit: h, sim: sim}
		c.hit.Confidence = clamp01(trust * sim)
		if len(lex) > 0 {
			c.hit.SearchID = lex[0].SearchID
		}
		byID[h.EntryID] = c
		order = append(order, c)
	}
	// A lexical hit the semantic side did not return is at most as
	// similar as the last one it did: count it at that, not at zero.
	floor := 0.0
	if len(sem) > 0 {
		floor = clamp01(sem[len(sem)-1].Score)
	}
	out := make([]Hit, len(order))
	score := make(map[string]float64, len(order))
	for i, c := range order {
		l, sim := c.lex, c.sim
		if !c.inLex {
			l = c.hit.Confidence
		} else if _, found := semIDs[c.hit.EntryID]; !found {
			sim = floor
		}
		score[c.hit.EntryID] = (1-weight)*l + weight*sim
		out[i] = c.hit
		out[i].Score = score[c.hit.EntryID]
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

func truncate(h []Hit, n int) []Hit {
	if len(h) > n {
		return h[:n]
	}
	return h
}
