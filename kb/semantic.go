// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"helpdesk/internal/db"
)

//go:embed semantic.sql
var semanticFS embed.FS

// Embedder turns texts into vectors: a language model's embedding
// endpoint (internal/llm), or HashEmbedder offline. Vectors of one model
// must all have the same length.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the model; vectors are stored per model, so changing it
	// re-embeds every entry.
	Model() string
}

type semQueries struct {
	Stale          string `query:"sem-stale"`
	Upsert         string `query:"sem-upsert"`
	Prune          string `query:"sem-prune"`
	Load           string `query:"sem-load"`
	Version        string `query:"sem-version"`
	HasPgvector    string `query:"sem-has-pgvector"`
	PgvectorSearch string `query:"sem-pgvector-search"`
}

// SemanticOptions tune a SemanticIndex.
type SemanticOptions struct {
	// RefreshEvery: the first search after this much time since the last
	// check starts a background refresh, which embeds newly published
	// revisions (default 2s; negative: only explicit Refresh calls).
	RefreshEvery time.Duration
	// Batch is how many entries go in one embedding call (default 32).
	Batch int
	// InProcess forces in-process similarity even when pgvector is enabled.
	InProcess bool
	Logger    *slog.Logger
}

// SemanticIndex finds entries by the similarity of embeddings. Vectors
// are kept in PostgreSQL (kb_embeddings), one per entry and model at the
// entry's current revision; publishing a new revision makes the next
// refresh embed it. Similarity is computed by pgvector when the extension
// is enabled in the database, otherwise in process over vectors loaded
// into memory (fine for the thousands of entries a help desk has).
type SemanticIndex struct {
	store *Store
	emb   Embedder
	q     semQueries
	opt   SemanticOptions

	pgvector   bool
	docs       atomic.Pointer[[]semDoc]
	mu         sync.Mutex // one refresh at a time; guards lastSeq
	lastSeq    int64
	checked    atomic.Int64
	refreshing atomic.Bool
}

// semDoc is one embedded entry in memory.
type semDoc struct {
	hit Hit
	aud Audience
	vec []float32 // unit length
}

// NewSemanticIndex prepares the index and runs a first refresh. A failing
// embedding endpoint does not fail the constructor: the index stays empty
// (searches return nothing, so hybrid search is plain lexical) and the
// next refresh tries again.
func NewSemanticIndex(ctx context.Context, store *Store, emb Embedder, opt SemanticOptions) (*SemanticIndex, error) {
	if emb == nil {
		return nil, errors.New("kb: semantic index needs an embedder")
	}
	if opt.RefreshEvery == 0 {
		opt.RefreshEvery = 2 * time.Second
	}
	if opt.Batch <= 0 {
		opt.Batch = 32
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	s := &SemanticIndex{store: store, emb: emb, opt: opt}
	if err := db.ScanQueries(&s.q, semanticFS, "semantic.sql"); err != nil {
		return nil, fmt.Errorf("kb semantic queries: %w", err)
	}
	if !opt.InProcess {
		if err := store.db.GetContext(ctx, &s.pgvector, s.q.HasPgvector); err != nil {
			return nil, fmt.Errorf("kb semantic: %w", err)
		}
	}
	empty := []semDoc{}
	s.docs.Store(&empty)
	if err := s.Refresh(ctx); err != nil {
		s.opt.Logger.Warn("kb: first embedding refresh failed; semantic search stays empty until the next", "err", err)
	}
	return s, nil
}

// UsesPgvector reports whether similarity is ranked by pgvector.
func (s *SemanticIndex) UsesPgvector() bool { return s.pgvector }

// Refresh embeds the published entries whose current revision has no
// vector of this model yet, drops vectors of entries no longer published,
// and reloads the vectors searched in process.
func (s *SemanticIndex) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked.Store(time.Now().UnixNano())
	var head struct {
		Seq           int64 `db:"seq"`
		Synonyms      int64 `db:"synonyms"`
		Confirmations int64 `db:"confirmations"` // read by the lexical searcher only
	}
	if err := s.store.db.GetContext(ctx, &head, s.store.q.MaxSeq); err != nil {
		return fmt.Errorf("kb semantic refresh: %w", err)
	}
	if head.Seq == s.lastSeq && s.lastSeq != 0 {
		return nil
	}
	model := s.emb.Model()
	for {
		var rows []struct {
			ID        int64          `db:"id"`
			Slug      string         `db:"slug"`
			Revision  int            `db:"revision"`
			Lang      string         `db:"lang"`
			Title     string         `db:"title"`
			Questions pq.StringArray `db:"questions"`
			Body      string         `db:"body"`
		}
		if err := s.store.db.SelectContext(ctx, &rows, s.q.Stale, model, s.opt.Batch); err != nil {
			return fmt.Errorf("kb semantic refresh: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		texts := make([]string, len(rows))
		for i, r := range rows {
			texts[i] = embeddingText(r.Title, r.Questions, r.Body)
		}
		vecs, err := s.emb.Embed(ctx, texts)
		if err != nil {
			return fmt.Errorf("kb semantic refresh: embed: %w", err)
		}
		if len(vecs) != len(rows) {
			return fmt.Errorf("kb semantic refresh: %d vectors for %d entries", len(vecs), len(rows))
		}
		for i, r := range rows {
			if len(vecs[i]) == 0 {
				return fmt.Errorf("kb semantic refresh: empty vector for %s", r.Slug)
			}
			if _, err := s.store.db.ExecContext(ctx, s.q.Upsert, r.ID, model, r.Revision, len(vecs[i]), pq.Array(vecs[i])); err != nil {
				return fmt.Errorf("kb semantic refresh: store %s: %w", r.Slug, err)
			}
		}
	}
	if _, err := s.store.db.ExecContext(ctx, s.q.Prune, model); err != nil {
		return fmt.Errorf("kb semantic refresh: prune: %w", err)
	}
	if !s.pgvector {
		if err := s.load(ctx); err != nil {
			return err
		}
	}
	s.lastSeq = head.Seq
	return nil
}

type semRow struct {
	Slug     string          `db:"slug"`
	Revision int             `db:"revision"`
	Lang     string          `db:"lang"`
	Audience string          `db:"audience"`
	Title    string          `db:"title"`
	Kind     string          `db:"kind"`
	Category string          `db:"category"`
	Body     string          `db:"body"`
	Vec      pq.Float32Array `db:"embedding"`
	Sim      float64         `db:"similarity"`
}

func (r semRow) hit() Hit {
	return Hit{EntryID: r.Slug, Title: r.Title, Kind: Kind(r.Kind), Lang: r.Lang, Category: r.Category,
		Revision: r.Revision, Passage: leadPassage(r.Body)}
}

func (s *SemanticIndex) load(ctx context.Context) error {
	var rows []semRow
	if err := s.store.db.SelectContext(ctx, &rows, s.q.Load, s.emb.Model()); err != nil {
		return fmt.Errorf("kb semantic load: %w", err)
	}
	docs := make([]semDoc, 0, len(rows))
	for _, r := range rows {
		docs = append(docs, semDoc{hit: r.hit(), aud: Audience(r.Audience), vec: unit(r.Vec)})
	}
	slices.SortFunc(docs, func(a, b semDoc) int { return strings.Compare(a.hit.EntryID, b.hit.EntryID) })
	s.docs.Store(&docs)
	return nil
}

// Search returns the entries most similar to q.Text, best first. Score
// and Confidence are the cosine similarity (clamped to [0, 1]); it is not
// calibrated like the lexical confidence: HybridSearcher combines the two.
func (s *SemanticIndex) Search(ctx context.Context, q Query) ([]Hit, error) {
	if s.opt.RefreshEvery > 0 && time.Since(time.Unix(0, s.checked.Load())) > s.opt.RefreshEvery &&
		s.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer s.refreshing.Store(false)
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := s.Refresh(rctx); err != nil {
				s.opt.Logger.Warn("kb: embedding refresh failed", "err", err)
			}
		}()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	aud := q.Audience
	if aud == "" {
		aud = AudiencePublic
	}
	vecs, err := s.emb.Embed(ctx, []string{q.Text})
	if err != nil {
		return nil, fmt.Errorf("kb semantic search: %w", err)
	}
	if len(vecs) != 1 || len(vecs[0]) == 0 {
		return nil, fmt.Errorf("kb semantic search: no query vector")
	}
	qv := unit(vecs[0])
	if s.pgvector {
		var rows []semRow
		if err := s.store.db.SelectContext(ctx, &rows, s.q.PgvectorSearch, s.emb.Model(), pq.Array(qv), len(qv), q.Lang, string(aud), limit); err != nil {
			return nil, fmt.Errorf("kb semantic search: %w", err)
		}
		hits := make([]Hit, len(rows))
		for i, r := range rows {
			hits[i] = r.hit()
			hits[i].Score, hits[i].Confidence = r.Sim, clamp01(r.Sim)
		}
		return hits, nil
	}
	var hits []Hit
	for _, d := range *s.docs.Load() {
		if (q.Lang != "" && d.hit.Lang != q.Lang) || (aud == AudiencePublic && d.aud != AudiencePublic) || len(d.vec) != len(qv) {
			continue
		}
		h := d.hit
		h.Score = float64(dot(qv, d.vec))
		h.Confidence = clamp01(h.Score)
		hits = append(hits, h)
	}
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// embeddingText is what represents an entry: its title and the ways users
// ask it weigh most, so they come first; the body is cut to keep calls
// small (most embedding models read about 512 tokens).
func embeddingText(title string, questions []string, body string) string {
	t := title + "\n" + strings.Join(questions, "\n") + "\n" + body
	if r := []rune(t); len(r) > 2000 {
		t = string(r[:2000])
	}
	return t
}

// leadPassage is the first paragraph of a Markdown body that is not a
// heading, as plain-ish text, for hits found only by similarity.
func leadPassage(body string) string {
	for _, para := range strings.Split(body, "\n\n") {
		p := strings.TrimSpace(para)
		if p == "" || strings.HasPrefix(p, "#") || strings.HasPrefix(p, "![") {
			continue
		}
		return cut(strings.NewReplacer("**", "", "__", "", "`", "").Replace(p), passageLen)
	}
	return ""
}

func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if n == 0 {
		return out
	}
	inv := 1 / math.Sqrt(n)
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
