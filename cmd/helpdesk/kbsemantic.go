// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"io"

	"helpdesk/internal/config"
	"helpdesk/internal/llm"
	"helpdesk/kb"
)

// evalHybrid builds the hybrid search `helpdesk kb eval --semantic`
// measures: the configured embedding model when llm.enabled and
// llm.embedding_model are set, otherwise kb.HashEmbedder (a deterministic
// stand-in that needs no network; see docs/llm.md for what its figures
// mean). It says on w which embeddings it uses, and fails when the
// endpoint cannot embed the knowledge base, rather than silently
// measuring lexical search alone.
func evalHybrid(ctx context.Context, loadConfig func() (config.Config, error), store *kb.Store, lex *kb.Searcher, w io.Writer) (*kb.HybridSearcher, error) {
	var emb kb.Embedder = kb.HashEmbedder{}
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if cfg.LLM.Enabled && cfg.LLM.EmbeddingModel != "" {
		c, err := llm.New(llm.ConfigFrom(cfg.LLM))
		if err != nil {
			return nil, err
		}
		emb = llm.NewEmbedder(c)
	}
	sem, err := kb.NewSemanticIndex(ctx, store, emb, kb.SemanticOptions{RefreshEvery: -1})
	if err != nil {
		return nil, err
	}
	if err := sem.Refresh(ctx); err != nil {
		return nil, fmt.Errorf("semantic: %w", err)
	}
	where := "in process"
	if sem.UsesPgvector() {
		where = "pgvector"
	}
	fmt.Fprintf(w, "semantic:   embeddings %s, similarity %s\n", emb.Model(), where)
	return kb.NewHybridSearcher(lex, sem, kb.HybridOptions{}), nil
}
