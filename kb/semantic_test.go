// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"helpdesk/internal/testwait"
)

// countingEmbedder records what it was asked to embed.
type countingEmbedder struct {
	HashEmbedder
	mu    sync.Mutex
	texts []string
	fail  error
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	c.texts = append(c.texts, texts...)
	fail := c.fail
	c.mu.Unlock()
	if fail != nil {
		return nil, fail
	}
	return c.HashEmbedder.Embed(ctx, texts)
}

func (c *countingEmbedder) reset() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.texts)
	c.texts = nil
	return n
}

func TestHashEmbedder(t *testing.T) {
	h := HashEmbedder{}
	v, err := h.Embed(context.Background(), []string{
		"la stampante di rete non stampa", "La stampante di rete non stampa!", "stampanti in rete che non stampano", "password dimenticata",
	})
	if err != nil {
		t.Fatal(err)
	}
	var norm float64
	for _, x := range v[0] {
		norm += float64(x * x)
	}
	if math.Abs(norm-1) > 1e-5 || len(v[0]) != 512 {
		t.Fatalf("vector of length %d and norm² %v, want 512 and 1", len(v[0]), norm)
	}
	if d := dot(v[0], v[1]); d < 0.999 {
		t.Errorf("case and punctuation changed the vector: cos %v", d)
	}
	near, far := dot(v[0], v[2]), dot(v[0], v[3])
	if near <= far || near < 0.3 {
		t.Errorf("inflected phrasing cos %v, unrelated %v: want the first clearly higher", near, far)
	}
	if h.Model() != "hash-ngram-3-512" {
		t.Errorf("model %q", h.Model())
	}
}

func embeddingRows(t *testing.T, s *Store, model string) map[string]int {
	t.Helper()
	var rows []struct {
		Slug     string `db:"slug"`
		Revision int    `db:"revision"`
	}
	if err := s.db.Select(&rows, `SELECT e.slug, v.revision FROM kb_embeddings v JOIN kb_entries e ON e.id = v.entry_id WHERE v.model = $1`, model); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Slug] = r.Revision
	}
	return out
}

// Publishing makes the next refresh embed exactly the new revision;
// archiving drops the vector; drafts are never embedded.
func TestSemanticRefreshOnPublish(t *testing.T) {
	ctx := context.Background()
	s, _ := importedSearcher(t)
	emb := &countingEmbedder{}
	sem, err := NewSemanticIndex(ctx, s, emb, SemanticOptions{RefreshEvery: -1, Batch: 3, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := emb.reset(); n != 7 {
		t.Errorf("first refresh embedded %d entries, want the 7 published", n)
	}
	rows := embeddingRows(t, s, emb.Model())
	if _, ok := rows["bozza-pec"]; ok || len(rows) != 7 {
		t.Fatalf("embedded %v: want the 7 published entries, not the draft", rows)
	}
	if err := sem.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := emb.reset(); n != 0 {
		t.Errorf("a refresh with nothing new embedded %d texts", n)
	}

	// Publish the draft through the workflow.
	for _, to := range []Status{StatusInReview, StatusPublished} {
		if _, err := s.Transition(ctx, "bozza-pec", to, "editor"); err != nil {
			t.Fatal(err)
		}
	}
	if err := sem.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := emb.reset(); n != 1 {
		t.Errorf("publishing one entry embedded %d texts, want 1", n)
	}
	pec, err := s.Get(ctx, "bozza-pec")
	if err != nil {
		t.Fatal(err)
	}
	if got := embeddingRows(t, s, emb.Model())["bozza-pec"]; got != pec.Revision {
		t.Errorf("vector at revision %d, entry at %d", got, pec.Revision)
	}
	hits, err := sem.Search(ctx, Query{Text: pec.Title, Lang: pec.Lang})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].EntryID != "bozza-pec" || hits[0].Revision != pec.Revision || hits[0].Passage == "" {
		t.Fatalf("search by its title after publishing: %+v", hits)
	}

	// An edit of a published entry is a new revision: re-embedded.
	emb.reset()
	pec.Body += "\n\nNuovo paragrafo aggiunto."
	pec, _, err = s.Save(ctx, pec, "editor", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := sem.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := embeddingRows(t, s, emb.Model())["bozza-pec"]; got != pec.Revision || emb.reset() != 1 {
		t.Errorf("after an edit: vector at revision %d, want %d, embedded once", got, pec.Revision)
	}

	// Archived: gone from the vectors and from the results.
	if _, err := s.Transition(ctx, "bozza-pec", StatusArchived, "editor"); err != nil {
		t.Fatal(err)
	}
	if err := sem.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := embeddingRows(t, s, emb.Model())["bozza-pec"]; ok {
		t.Error("archived entry still has a vector")
	}
	hits, _ = sem.Search(ctx, Query{Text: pec.Title, Lang: pec.Lang})
	for _, h := range hits {
		if h.EntryID == "bozza-pec" {
			t.Error("archived entry still found")
		}
	}
}

// With RefreshEvery set, a search notices a publication by itself.
func TestSemanticBackgroundRefresh(t *testing.T) {
	ctx := context.Background()
	s, _ := importedSearcher(t)
	sem, err := NewSemanticIndex(ctx, s, HashEmbedder{}, SemanticOptions{RefreshEvery: time.Millisecond, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []Status{StatusInReview, StatusPublished} {
		if _, err := s.Transition(ctx, "bozza-pec", to, "editor"); err != nil {
			t.Fatal(err)
		}
	}
	// A search starts a background refresh once RefreshEvery has passed;
	// a later search sees its result.
	testwait.For(t, "the published entry in the semantic index", func() bool {
		hits, err := sem.Search(ctx, Query{Text: "bozza pec", Lang: "it", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.EntryID == "bozza-pec" {
				return true
			}
		}
		return false
	})
}

func TestSemanticSearchFilters(t *testing.T) {
	ctx := context.Background()
	s, _ := importedSearcher(t)
	sem, err := NewSemanticIndex(ctx, s, HashEmbedder{}, SemanticOptions{RefreshEvery: -1, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	q := "passaggio dei ticket al secondo livello"
	tests := []struct {
		name         string
		q            Query
		wantInternal bool
	}{
		{"public never sees internal entries", Query{Text: q, Lang: "it", Limit: 10}, false},
		{"agents do", Query{Text: q, Lang: "it", Limit: 10, Audience: AudienceInternal}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := sem.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range hits {
				found = found || h.EntryID == "procedura-interna-escalation"
				if h.Lang != "it" {
					t.Errorf("hit in %s for an Italian query", h.Lang)
				}
			}
			if found != tt.wantInternal {
				t.Errorf("internal entry found = %v, want %v (%+v)", found, tt.wantInternal, hits)
			}
		})
	}
}

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

func ids(hs []Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.EntryID
	}
	return out
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

// devSet evaluates lexical and hybrid search (with the hash stand-in
// embedding) on the knowledge base's dev query sets.
func devSet(t *testing.T) (lexical, hybrid EvalResult) {
	t.Helper()
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "../content/kb", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	lex, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	sem, err := NewSemanticIndex(ctx, s, HashEmbedder{}, SemanticOptions{RefreshEvery: -1, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	var queries []EvalQuery
	files, _ := filepath.Glob("../content/eval/kb-dev-*.jsonl")
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		qs, err := ReadEvalQueries(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, qs...)
	}
	if len(queries) < 100 {
		t.Fatalf("only %d dev queries found", len(queries))
	}
	h := NewHybridSearcher(lex, sem, HybridOptions{})
	run := func(search func(context.Context, Query) ([]Hit, error)) EvalResult {
		r, err := Evaluate(ctx, queries, func(ctx context.Context, q EvalQuery) ([]Hit, error) {
			return search(ctx, Query{Text: q.Query, Lang: q.Lang, Limit: 10, NoLog: true})
		}, lex.Threshold())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	return run(lex.Search), run(h.Search)
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

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
