// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"context"
	"net/http"
	"testing"

	"helpdesk/internal/testdb"
	"helpdesk/kb"
)

// Semantic search with vectors from the endpoint: entries are embedded
// over the wire, a publication is embedded at the next refresh, and when
// the endpoint fails the hybrid search answers lexically.
func TestSemanticSearchOverTheWire(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	emb := NewEmbedder(f.client(t, nil))
	store, err := kb.NewStore(testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Import(ctx, "../../kb/testdata/content", kb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	lex, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	sem, err := kb.NewSemanticIndex(ctx, store, emb, kb.SemanticOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	embedded := func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for _, r := range f.embeds {
			n += len(r.Input)
		}
		return n
	}
	if n := embedded(); n != 7 {
		t.Errorf("%d texts embedded at start, want the 7 published entries", n)
	}
	for _, to := range []kb.Status{kb.StatusInReview, kb.StatusPublished} {
		if _, err := store.Transition(ctx, "bozza-pec", to, "editor"); err != nil {
			t.Fatal(err)
		}
	}
	if err := sem.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := embedded(); n != 8 {
		t.Errorf("%d texts embedded after one publication, want 8", n)
	}
	h := kb.NewHybridSearcher(lex, sem, kb.HybridOptions{})
	q := kb.Query{Text: "il lettore non legge la tessera", Lang: "it", NoLog: true}
	hits, err := h.Search(ctx, q)
	if err != nil || len(hits) == 0 || hits[0].EntryID != "lettore-smartcard" {
		t.Fatalf("hybrid search: %v %+v", err, hits)
	}

	f.set("", http.StatusInternalServerError, 0)
	down, err := h.Search(ctx, q)
	if err != nil {
		t.Fatalf("endpoint down must not fail the search: %v", err)
	}
	plain, _ := lex.Search(ctx, q)
	if len(down) != len(plain) || down[0].EntryID != plain[0].EntryID || down[0].Confidence != plain[0].Confidence {
		t.Errorf("with the endpoint down: %+v, want the lexical hits %+v", down, plain)
	}
}
