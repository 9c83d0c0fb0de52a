// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/search/query"
)

// BleveSearcher is the third engine measured for docs/kb-search.md: a
// bleve in-memory index over the same analysis (nlp stems, indexed as
// whitespace-separated tokens), with the same field boosts and fuzzy
// matching of one edit. It has no synonyms and no calibrated confidence;
// its Confidence is the bleve score squashed into [0, 1].
type BleveSearcher struct {
	idx  bleve.Index
	docs map[string]*analysedEntry
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
func NewBleveSearcher(ctx context.Context, store *Store) (*BleveSearcher, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer("stems", map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
		return nil, err
	}
	doc := bleve.NewDocumentMapping()
	for _, f := range []string{"title", "questions", "tags", "body"} {
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
	entries, err := store.List(ctx, Filter{Status: StatusPublished})
	if err != nil {
		return nil, err
	}
	b := &BleveSearcher{idx: idx, docs: map[string]*analysedEntry{}}
	batch := idx.NewBatch()
	for _, e := range entries {
		a := analyseEntry(e, nil)
		b.docs[e.ID] = a
		d := bleveDoc{Title: strings.Join(a.field(fieldTitle), " "), Questions: strings.Join(a.field(fieldQuestions), " "),
			Tags: strings.Join(a.field(fieldTags), " "), Body: strings.Join(a.field(fieldBody), " "),
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
func (b *BleveSearcher) Search(ctx context.Context, q Query) ([]Hit, error) {
	var should []query.Query
	for _, s := range analyzeQuery(q.Lang, q.Text) {
		for f := range numFields {
			name := [numFields]string{"title", "questions", "tags", "body"}[f]
			tq := bleve.NewTermQuery(s)
			tq.SetField(name)
			tq.SetBoost(fieldBoost[f])
			should = append(should, tq)
			if len(s) >= minFuzzyLen {
				fq := bleve.NewFuzzyQuery(s)
				fq.SetField(name)
				fq.SetFuzziness(1)
				fq.SetBoost(fieldBoost[f] * typoFactor)
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
	if q.Audience != AudienceInternal {
		aq := bleve.NewTermQuery(string(AudiencePublic))
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
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		d := b.docs[h.ID]
		var passage string
		if len(d.blocks) > 0 {
			passage = cut(d.blocks[0], passageLen)
		}
		hits = append(hits, Hit{EntryID: h.ID, Title: d.entry.Title, Kind: d.entry.Kind, Lang: d.entry.Lang,
			Category: d.entry.Category, Revision: d.entry.Revision, Passage: passage, Score: h.Score,
			Confidence: h.Score / (h.Score + 1)})
	}
	return hits, nil
}
