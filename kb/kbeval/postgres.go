// SPDX-License-Identifier: EUPL-1.2

package kbeval

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jmoiron/sqlx"

	"helpdesk/kb"
)

// postgresSearch is the engine's one query; it reads kb's tables, which
// only kb writes. $1 regconfig, $2 text, $3 lang filter, $4 audience,
// $5 limit.
//
//go:embed postgres.sql
var postgresSearch string

// PostgresSearcher is the alternative engine: PostgreSQL full-text search
// (italian/english configurations, unaccent) with pg_trgm for typos. It
// needs no index in memory and is always current, but ranks worse on the
// dev queries and cannot tell a confident answer from a weak one as well;
// it is kept for the comparison in docs/kb-search.md.
type PostgresSearcher struct {
	db sqlx.QueryerContext
}

// NewPostgresSearcher returns a PostgresSearcher on the knowledge base
// in db.
func NewPostgresSearcher(db sqlx.QueryerContext) *PostgresSearcher { return &PostgresSearcher{db: db} }

// Threshold is the score under which a hit is not an answer (chosen on
// the dev set like kb.DefaultThreshold).
func (p *PostgresSearcher) Threshold() float64 { return 0.9 }

// Search runs q with PostgreSQL full-text search. Synonyms are not applied.
func (p *PostgresSearcher) Search(ctx context.Context, q kb.Query) ([]kb.Hit, error) {
	cfg := "italian"
	if q.Lang == kb.LangEN {
		cfg = "english"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	aud := q.Audience
	if aud == "" {
		aud = kb.AudiencePublic
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
	if err := sqlx.SelectContext(ctx, p.db, &rows, postgresSearch, cfg, q.Text, q.Lang, string(aud), limit); err != nil {
		return nil, fmt.Errorf("postgres search: %w", err)
	}
	hits := make([]kb.Hit, 0, len(rows))
	for _, r := range rows {
		hits = append(hits, kb.Hit{EntryID: r.Slug, Title: r.Title, Kind: kb.Kind(r.Kind), Lang: r.Lang, Category: r.Category,
			Revision: r.Revision, Passage: kb.FirstPassage(r.Body), Score: r.Score, Confidence: min(max(r.Score, 0), 1)})
	}
	return hits, nil
}
