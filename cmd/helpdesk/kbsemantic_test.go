// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"helpdesk/internal/config"
	"helpdesk/internal/testdb"
	"helpdesk/kb"
)

// embeddingsServer answers POST /v1/embeddings as the OpenAI API does,
// with a small vector of each text's word hashes; fail makes it answer
// 500.
func embeddingsServer(t *testing.T, fail bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || fail {
			http.Error(w, `{"error":{"message":"down"}}`, http.StatusInternalServerError)
			return
		}
		var in struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		type datum struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		out := struct {
			Object string  `json:"object"`
			Data   []datum `json:"data"`
			Model  string  `json:"model"`
		}{Object: "list", Model: in.Model}
		for i, text := range in.Input {
			v := make([]float32, 16)
			for _, w := range strings.Fields(strings.ToLower(text)) {
				h := fnv.New32a()
				h.Write([]byte(w))
				v[h.Sum32()%16]++
			}
			v[0] += 0.01 // never the zero vector
			out.Data = append(out.Data, datum{Object: "embedding", Index: i, Embedding: v})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

var semanticLine = regexp.MustCompile(`^semantic:   embeddings (\S+), similarity (in process|pgvector)\n$`)

// TestEvalHybrid: the hashed stand-in without a language model, the
// configured model when there is one; an endpoint that cannot embed the
// knowledge base, or a configuration that does not load, fails rather
// than measuring lexical search alone.
func TestEvalHybrid(t *testing.T) {
	ctx := context.Background()
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
	// Vectors are stored per model: each case names its own, so a case
	// finds none stored by another.
	withLLM := func(url, model string) func() (config.Config, error) {
		return func() (config.Config, error) {
			var c config.Config
			c.LLM.Enabled, c.LLM.BaseURL, c.LLM.EmbeddingModel, c.LLM.APIKey = true, url+"/v1", model, "k"
			return c, nil
		}
	}
	for _, c := range []struct {
		name  string
		load  func() (config.Config, error)
		model string
		err   string
	}{
		{"no language model", func() (config.Config, error) { return config.Config{}, nil }, kb.HashEmbedder{}.Model(), ""},
		{"language model without embeddings", func() (config.Config, error) {
			var c config.Config
			c.LLM.Enabled = true
			return c, nil
		}, kb.HashEmbedder{}.Model(), ""},
		{"embedding model", withLLM(embeddingsServer(t, false).URL, "test-embed"), "test-embed", ""},
		{"endpoint down", withLLM(embeddingsServer(t, true).URL, "test-embed-down"), "", "semantic"},
		{"bad configuration", func() (config.Config, error) { return config.Config{}, errors.New("config: llm.base_url") }, "", "llm.base_url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			hy, err := evalHybrid(ctx, c.load, store, lex, &out)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || hy != nil {
					t.Fatalf("error %v, want one with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m := semanticLine.FindStringSubmatch(out.String())
			if m == nil || m[1] != c.model {
				t.Fatalf("said %q, want embeddings %s", out.String(), c.model)
			}
			hits, err := hy.Search(ctx, kb.Query{Text: "il lettore non legge la tessera", Lang: "it", Limit: 3, NoLog: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].EntryID != "lettore-smartcard" {
				t.Fatalf("hybrid search found %+v", hits)
			}
		})
	}
}
