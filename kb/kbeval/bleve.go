// SPDX-License-Identifier: EUPL-1.2

package kbeval

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/search/query"

	"helpdesk/kb"
)

// BleveSearcher is the third engine measured for docs/kb-search.md: a
// bleve in-memory index over the same analysis (nlp stems, indexed as
// whitespace-separated tokens), with the same field boosts and fuzzy
// matching of one edit. It has no synonyms and no calibrated confidence;
// its Confidence is the bleve score squashed into [0, 1].
type BleveSearcher struct {
	idx     bleve.Index
	entries map[string]kb.Entry
}

type bleveDoc struct {
	Title     string `json:"title"`
	Questions string `json:"questions"`
	Tags      string `json:"tags"`
	Body      string `json:"body"`
	Lang      string `json:"lang"`
	Audience  string `json:"audience"`
}

// NewBleveSearcher indexes the published entries of store.
func NewBleveSearcher(ctx context.Context, store *kb.Store) (*BleveSearcher, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer("stems", map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
		return nil, err
	}
	doc := bleve.NewDocumentMapping()
	for _, f := range kb.IndexedFields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = "stems"
		doc.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{"lang", "audience"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = keyword.Name
		doc.AddFieldMappingsAt(f, fm)
	}
	m.DefaultMapping = doc
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("bleve index: %w", err)
	}
	entries, err := store.List(ctx, kb.Filter{Status: kb.StatusPublished})
	if err != nil {
		return nil, err
	}
	b := &BleveSearcher{idx: idx, entries: map[string]kb.Entry{}}
	batch := idx.NewBatch()
	for _, e := range entries {
		b.entries[e.ID] = e
		f := kb.AnalysedFields(e)
		d := bleveDoc{Title: strings.Join(f[0], " "), Questions: strings.Join(f[1], " "),
			Tags: strings.Join(f[2], " "), Body: strings.Join(f[3], " "),
			Lang: e.Lang, Audience: string(e.Audience)}
		if err := batch.Index(e.ID, d); err != nil {
			return nil, err
		}
	}
	if err := idx.Batch(batch); err != nil {
		return nil, fmt.Errorf("bleve index: %w", err)
	}
	return b, nil
}

// Threshold is the squashed score under which a hit is not an answer.
func (b *BleveSearcher) Threshold() float64 { return 0.4 }

// Search runs q on the bleve index.
func (b *BleveSearcher) Search(ctx context.Context, q kb.Query) ([]kb.Hit, error) {
	var should []query.Query
	for _, s := range kb.QueryStems(q.Lang, q.Text) {
		for f, name := range kb.IndexedFields {
			tq := bleve.NewTermQuery(s)
			tq.SetField(name)
			tq.SetBoost(kb.FieldBoost(f))
			should = append(should, tq)
			if len(s) >= kb.FuzzyMinLen {
				fq := bleve.NewFuzzyQuery(s)
				fq.SetField(name)
				fq.SetFuzziness(1)
				fq.SetBoost(kb.FieldBoost(f) * kb.TypoFactor)
				should = append(should, fq)
			}
		}
	}
	if len(should) == 0 {
		return nil, nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddShould(should...)
	if q.Lang != "" {
		lq := bleve.NewTermQuery(q.Lang)
		lq.SetField("lang")
		bq.AddMust(lq)
	}
	if q.Audience != kb.AudienceInternal {
		aq := bleve.NewTermQuery(string(kb.AudiencePublic))
		aq.SetField("audience")
		bq.AddMust(aq)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	req := bleve.NewSearchRequestOptions(bq, limit, 0, false)
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve search: %w", err)
	}
	hits := make([]kb.Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		e := b.entries[h.ID]
		hits = append(hits, kb.Hit{EntryID: h.ID, Title: e.Title, Kind: e.Kind, Lang: e.Lang,
			Category: e.Category, Revision: e.Revision, Passage: kb.FirstPassage(e.Body), Score: h.Score,
			Confidence: h.Score / (h.Score + 1)})
	}
	return hits, nil
}
