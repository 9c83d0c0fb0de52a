// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"math"
	"testing"
)

func TestMergeHits(t *testing.T) {
	lex := []Hit{{EntryID: "a", Confidence: 0.6, Passage: "lexical a", SearchID: 9}, {EntryID: "b", Confidence: 0.55}}
	tests := []struct {
		name      string
		sem       []Hit
		weight    float64
		wantOrder []string
		wantConf  map[string]float64
	}{
		{"no semantic hits keep the lexical order", nil, 0.3, []string{"a", "b"}, map[string]float64{"a": 0.6, "b": 0.55}},
		{"similarity re-ranks close lexical hits", []Hit{{EntryID: "b", Score: 0.9}, {EntryID: "a", Score: 0.1}}, 0.3,
			[]string{"b", "a"}, map[string]float64{"a": 0.6, "b": 0.55}},
		{"semantic-only entry gets a scaled confidence", []Hit{{EntryID: "c", Score: 0.8}}, 0.3,
			[]string{"a", "b", "c"}, map[string]float64{"c": 0.4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MergeHits(lex, tt.sem, tt.weight, 0.5)
			if len(got) != len(tt.wantOrder) {
				t.Fatalf("got %+v", got)
			}
			for i, id := range tt.wantOrder {
				if got[i].EntryID != id {
					t.Fatalf("order %v, want %v", ids(got), tt.wantOrder)
				}
			}
			for _, h := range got {
				if want, ok := tt.wantConf[h.EntryID]; ok && math.Abs(h.Confidence-want) > 1e-9 {
					t.Errorf("%s confidence %v, want %v", h.EntryID, h.Confidence, want)
				}
				if h.EntryID == "a" && (h.Passage != "lexical a" || h.SearchID != 9) {
					t.Errorf("lexical fields lost: %+v", h)
				}
				if h.EntryID == "c" && h.SearchID != 9 {
					t.Errorf("semantic-only hit has search id %d, want the logged search's", h.SearchID)
				}
			}
		})
	}
}

// A failing embedding endpoint leaves hybrid search exactly lexical.
func TestHybridFallsBackToLexical(t *testing.T) {
	ctx := context.Background()
	s, lex := importedSearcher(t)
	emb := &countingEmbedder{}
	sem, err := NewSemanticIndex(ctx, s, emb, SemanticOptions{RefreshEvery: -1, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	emb.fail = errors.New("503 from the endpoint")
	h := NewHybridSearcher(lex, sem, HybridOptions{})
	q := Query{Text: "il lettore non legge la tessera", Lang: "it", NoLog: true}
	got, err := h.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := lex.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("hybrid %v, lexical %v", ids(got), ids(want))
	}
	for i := range got {
		if got[i].EntryID != want[i].EntryID || got[i].Confidence != want[i].Confidence {
			t.Fatalf("hybrid %v, lexical %v", ids(got), ids(want))
		}
	}
}

// The hash stand-in is no language model: this measures that merging does
// no harm and what sub-word similarity adds, not the gain of real
// embeddings (see docs/llm.md).
func TestHybridOnDevSet(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo knowledge base")
	}
	lex, hyb := devSet(t)
	t.Logf("lexical: top1 %.3f hit@3 %.3f MRR %.3f abstain %.3f", lex.Top1, lex.HitAt3, lex.MRRAt10, deref(lex.AbstainOK))
	t.Logf("hybrid:  top1 %.3f hit@3 %.3f MRR %.3f abstain %.3f", hyb.Top1, hyb.HitAt3, hyb.MRRAt10, deref(hyb.AbstainOK))
	if hyb.MRRAt10 < lex.MRRAt10-0.01 || hyb.Top1 < lex.Top1-0.01 {
		t.Errorf("hybrid ranks worse than lexical alone")
	}
	if deref(hyb.AbstainOK) < deref(lex.AbstainOK)-0.01 {
		t.Errorf("hybrid answers out-of-scope queries the lexical search abstains on")
	}
}
