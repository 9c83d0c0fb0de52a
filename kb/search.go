// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Query is one search.
type Query struct {
	Text string
	// Lang is the language of the text ("it" or "en"); only entries in that
	// language are returned. Empty searches every language with Italian
	// analysis.
	Lang string
	// Audience is who reads the answer: AudiencePublic (the bot, the help
	// centre; the default) or AudienceInternal (agents, who also see
	// internal entries).
	Audience Audience
	// Limit caps the hits (default 5).
	Limit int
	// Channel is recorded in the search log ("telegram", "web" …).
	Channel string
	// NoLog keeps the search out of the log (evaluation, tests).
	NoLog bool
}

// Hit is one entry found by a search.
type Hit struct {
	EntryID  string // stable id: the link to the entry is built from it
	Title    string
	Kind     Kind
	Lang     string
	Category string
	Product  string // the application or service the entry is about
	Revision int
	// Passage is the part of the body that best matches the query, as
	// plain text of at most about 300 characters.
	Passage string
	// Score orders the hits; it has no meaning across queries.
	Score float64
	// Confidence in [0, 1] that this entry answers the query. Compare it
	// with Searcher.Threshold: below it, the bot should say it has no
	// answer rather than guess.
	Confidence float64
	// SearchID identifies the logged search (0 when not logged); pass it
	// to RecordAnswer when the hit is shown.
	SearchID int64
}

// SearchOptions tune a Searcher.
type SearchOptions struct {
	// RefreshEvery is how stale the index may get: the first search after
	// this much time since the last check starts a background refresh
	// (default 2s; negative: only explicit Refresh calls). A published
	// entry is found within RefreshEvery plus the rebuild time.
	RefreshEvery time.Duration
	// Threshold is the confidence below which a hit is not an answer
	// (default: the threshold for TargetPrecision).
	Threshold float64
	// TargetPrecision chooses the threshold when Threshold is not set
	// (default DefaultTargetPrecision).
	TargetPrecision float64
	// Logger receives failures of background refreshes (default: discarded).
	Logger *slog.Logger
	// LearnWordsAfter is how many different people must have confirmed an
	// entry with a query containing a word before the word becomes a
	// learned term of the entry (learnwords.go); 0 means LearnWordsAfter,
	// negative turns word learning off.
	LearnWordsAfter int
}

// DefaultThreshold is the confidence under which search abstains: the
// shipped confidence model's threshold for DefaultTargetPrecision (see
// calibration.go and docs/kb-search.md).
var DefaultThreshold = ThresholdForPrecision(DefaultTargetPrecision)

// legacyThreshold was chosen by hand for the hand-fitted confidence; it
// serves only when no calibration is embedded.
const legacyThreshold = 0.45

// Searcher answers queries from an in-process index of the published
// entries. Every instance of the service has its own Searcher; each one
// follows the database (entries carry a change sequence, see
// Refresh), so publishing on one instance makes the entry searchable on
// all of them within RefreshEvery, without restart.
type Searcher struct {
	store *Store
	opt   SearchOptions
	ix    atomic.Pointer[indexSet]

	mu         sync.Mutex // one refresh at a time; guards the fields below
	docs       map[string]*analysedEntry
	stems      interner
	lastSeq    int64
	synVersion int64
	learned    map[string][]string // entry id → phrasings learned from confirmations (learn.go)
	replayed   []Confirmation      // confirmations given to Learn
	stored     []Confirmation      // confirmations recorded in the database (confirm.go)
	lastConf   int64               // the highest confirmation id read
	checked    atomic.Int64        // unix nanoseconds of the last check
	refreshing atomic.Bool         // a background refresh runs

	passages passageStems // the analysed text of passages shown (passage.go)
}

// NewSearcher loads every published entry of store and builds the index.
func NewSearcher(ctx context.Context, store *Store, opt SearchOptions) (*Searcher, error) {
	if opt.RefreshEvery == 0 {
		opt.RefreshEvery = 2 * time.Second
	}
	if opt.TargetPrecision == 0 {
		opt.TargetPrecision = DefaultTargetPrecision
	}
	if opt.Threshold == 0 {
		opt.Threshold = ThresholdForPrecision(opt.TargetPrecision)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Searcher{store: store, opt: opt, docs: map[string]*analysedEntry{}, stems: interner{}, synVersion: -1}
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Threshold is the confidence under which a hit should not be given as an
// answer.
func (s *Searcher) Threshold() float64 { return s.opt.Threshold }

// Policy is the decision policy for the searcher's threshold.
func (s *Searcher) Policy() Policy { return PolicyFor(s.opt.Threshold) }

// Refresh reads the entries changed since the last refresh and the
// synonyms, and swaps in a rebuilt index when anything changed. Searches
// keep using the previous index meanwhile.
func (s *Searcher) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked.Store(time.Now().UnixNano())
	var head struct {
		Seq           int64 `db:"seq"`
		Synonyms      int64 `db:"synonyms"`
		Confirmations int64 `db:"confirmations"`
	}
	if err := s.store.db.GetContext(ctx, &head, s.store.q.MaxSeq); err != nil {
		return fmt.Errorf("kb refresh: %w", err)
	}
	if head.Seq == s.lastSeq && head.Synonyms == s.synVersion && head.Confirmations == s.lastConf && s.ix.Load() != nil {
		return nil
	}
	// Learned terms follow every confirmation and every editor's removal
	// (which bumps the entry's seq): read them again on any change.
	if s.opt.LearnWordsAfter >= 0 && (head.Confirmations != 0 || len(s.stored) > 0) {
		s.stored = s.stored[:0]
		if err := s.store.db.SelectContext(ctx, &s.stored, s.store.q.TermConfirms); err != nil {
			return fmt.Errorf("kb refresh: confirmations: %w", err)
		}
	}
	s.lastConf = head.Confirmations
	var rows []entryRow
	if err := s.store.db.SelectContext(ctx, &rows, s.store.q.ChangedSince, s.lastSeq); err != nil {
		return fmt.Errorf("kb refresh: %w", err)
	}
	changed := map[string]bool{}
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return err
		}
		if old, ok := s.docs[e.ID]; ok {
			changed[old.entry.Lang] = true
		}
		if e.Status == StatusPublished {
			// Phrasings learned from use (confirm.go) and those replayed by
			// Learn both count as phrasings of the entry.
			learned := append(slices.Clone([]string(r.Learned)), s.learned[e.ID]...)
			s.docs[e.ID] = analyseEntry(e, s.stems).withPhrasings(learned, s.stems)
			changed[e.Lang] = true
		} else {
			delete(s.docs, e.ID)
		}
		s.lastSeq = max(s.lastSeq, r.Seq)
	}
	s.applyTerms(changed)
	cur := s.ix.Load()
	syn := compileSynonyms(nil)
	if cur != nil {
		syn = cur.syn
	}
	if head.Synonyms != s.synVersion || cur == nil {
		all, err := s.store.Synonyms(ctx)
		if err != nil {
			return err
		}
		syn = compileSynonyms(all)
		s.synVersion = head.Synonyms
		changed[LangIT], changed[LangEN] = true, true
	}
	s.rebuild(cur, syn, changed)
	return nil
}

// rebuild swaps in an index set whose changed languages are rebuilt from
// s.docs (s.mu held).
func (s *Searcher) rebuild(cur *indexSet, syn *synonymTable, changed map[string]bool) {
	// One index per language: a query is searched in its own language,
	// with that language's statistics, and a change rebuilds only the
	// index of its language.
	next := &indexSet{byLang: map[string]*index{}, syn: syn}
	for _, lang := range []string{LangIT, LangEN} {
		if !changed[lang] && cur != nil {
			next.byLang[lang] = cur.byLang[lang]
			continue
		}
		var docs []*analysedEntry
		for _, d := range s.docs {
			if d.entry.Lang == lang {
				docs = append(docs, d)
			}
		}
		sortDocs(docs)
		next.byLang[lang] = newIndex(docs, syn)
	}
	s.ix.Store(next)
}

// indexSet is the searchable state: one index per language, and the
// synonyms they were built with.
type indexSet struct {
	byLang map[string]*index
	syn    *synonymTable
}

// sortDocs gives documents a stable order, so equal scores rank the same
// in every instance.
func sortDocs(docs []*analysedEntry) {
	slices.SortFunc(docs, func(a, b *analysedEntry) int { return strings.Compare(a.entry.ID, b.entry.ID) })
}

// Search returns the entries that best answer q, best first, each with
// its confidence; an empty result means nothing matched at all. Searches
// are logged (unless q.NoLog) for the gaps report.
func (s *Searcher) Search(ctx context.Context, q Query) ([]Hit, error) {
	if s.opt.RefreshEvery > 0 && time.Since(time.Unix(0, s.checked.Load())) > s.opt.RefreshEvery &&
		s.refreshing.CompareAndSwap(false, true) {
		// In the background: no search waits for a rebuild, which takes
		// seconds on a very large knowledge base.
		go func() {
			defer s.refreshing.Store(false)
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := s.Refresh(rctx); err != nil {
				s.opt.Logger.Warn("kb: refresh of the search index failed", "err", err)
			}
		}()
	}
	hits := s.ix.Load().search(q)
	if !q.NoLog {
		id, err := s.store.logSearch(ctx, q, hits, s.opt.Threshold)
		if err != nil {
			return nil, err
		}
		for i := range hits {
			hits[i].SearchID = id
		}
	}
	return hits, nil
}

// search runs q on the index of its language, or on every index when it
// has none (each analysing the text in its own language).
func (set *indexSet) search(q Query) []Hit {
	if q.Lang == LangIT || q.Lang == LangEN {
		return searchIndex(set.byLang[q.Lang], q)
	}
	var hits []Hit
	for _, lang := range []string{LangIT, LangEN} {
		lq := q
		lq.Lang = lang
		hits = append(hits, searchIndex(set.byLang[lang], lq)...)
	}
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	if limit := max(q.Limit, 0); len(hits) > limit && limit > 0 {
		hits = hits[:limit]
	} else if limit == 0 && len(hits) > 5 {
		hits = hits[:5]
	}
	return hits
}

// searchIndex runs q on ix.
func searchIndex(ix *index, q Query) []Hit {
	if ix == nil {
		return nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	aud := q.Audience
	if aud == "" {
		aud = AudiencePublic
	}
	cs := ix.buildQuery(q.Lang, q.Text)
	cands := ix.search(cs, filter{lang: q.Lang, audience: aud}, limit, isTrouble(q.Text))
	hits := make([]Hit, 0, len(cands))
	for _, c := range cands {
		d := ix.docs[c.doc]
		hits = append(hits, Hit{
			EntryID: d.entry.ID, Title: d.entry.Title, Kind: d.entry.Kind, Lang: d.entry.Lang,
			Category: d.entry.Category, Product: d.entry.Product, Revision: d.entry.Revision,
			Passage: ix.passage(d, cs), Score: float64(c.score), Confidence: clamp01(float64(c.confidence)),
		})
	}
	return hits
}

func clamp01(x float64) float64 { return min(max(x, 0), 1) }

// passageLen is the longest passage returned, in characters.
const passageLen = 300

// passage picks the body block that matches most of the query (the first
// block when none does), cut to passageLen at a word boundary.
func (ix *index) passage(d *analysedEntry, cs []clause) string {
	best, bestW := 0, float32(0)
	for i, terms := range d.blockTerm {
		w := ix.coverage(cs, func(st string) bool { return slices.Contains(terms, st) })
		if w > bestW {
			best, bestW = i, w
		}
	}
	if len(d.blocks) == 0 {
		return ""
	}
	return cut(d.blocks[best], passageLen)
}

func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}
