// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
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

func ids(hs []Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.EntryID
	}
	return out
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

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
