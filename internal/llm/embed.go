// SPDX-License-Identifier: EUPL-1.2

package llm

import "context"

// Embedder is the client seen as kb.Embedder (semantic search): vectors of
// the configured embedding model.
type Embedder struct {
	client *Client
}

// NewEmbedder returns an Embedder on c, or nil when c cannot embed.
func NewEmbedder(c *Client) *Embedder {
	if !c.CanEmbed() {
		return nil
	}
	return &Embedder{client: c}
}

// Embed returns one vector per text (masked as configured).
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return e.client.Embed(ctx, texts)
}

// Model names the embedding model; stored beside each vector.
func (e *Embedder) Model() string { return e.client.EmbeddingModel() }
