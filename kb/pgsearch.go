// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"
)

// PostgresSearcher is the alternative engine: PostgreSQL full-text search
// (italian/english configurations, unaccent) with pg_trgm for typos. It
// needs no index in memory and is always current, but ranks worse on the
// dev queries and cannot tell a confident answer from a weak one as well;
// it is kept for the comparison in docs/kb-search.md and as a fallback.
type PostgresSearcher struct {
	store *Store
}

// NewPostgresSearcher returns a PostgresSearcher on store.
func NewPostgresSearcher(store *Store) *PostgresSearcher { return &PostgresSearcher{store: store} }

// Threshold is the score under which a hit is not an answer (chosen on
// the dev set like DefaultThreshold).
func (p *PostgresSearcher) Threshold() float64 { return 0.9 }

// Search runs q with PostgreSQL full-text search. Synonyms are not applied.
func (p *PostgresSearcher) Search(ctx context.Context, q Query) ([]Hit, error) {
	cfg := "italian"
	if q.Lang == LangEN {
		cfg = "english"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	aud := q.Audience
	if aud == "" {
		aud = AudiencePublic
	}
	var rows []struct {
		Slug     string  `db:"slug"`
		Title    string  `db:"title"`
		Kind     string  `db:"kind"`
		Lang     string  `db:"lang"`
		Category string  `db:"category"`
		Revision int     `db:"revision"`
		Body     string  `db:"body"`
		Score    float64 `db:"score"`
	}
	if err := p.store.db.SelectContext(ctx, &rows, p.store.q.PgSearch, cfg, q.Text, q.Lang, string(aud), limit); err != nil {
		return nil, fmt.Errorf("postgres search: %w", err)
	}
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		var passage string
		if b := blocks(r.Body); len(b) > 0 {
			passage = cut(b[0], passageLen)
		}
		hits = append(hits, Hit{EntryID: r.Slug, Title: r.Title, Kind: Kind(r.Kind), Lang: r.Lang, Category: r.Category,
			Revision: r.Revision, Passage: passage, Score: r.Score, Confidence: clamp01(r.Score)})
	}
	return hits, nil
}
