// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"helpdesk/kb"
)

// KBKnowledge answers from the real knowledge base: the in-process
// searcher for queries, the store for single entries and for recording
// what was shown and how it was rated.
type KBKnowledge struct {
	// Searcher is the lexical searcher, or the hybrid one when a language
	// model gives embeddings.
	Searcher interface {
		Search(ctx context.Context, q kb.Query) ([]kb.Hit, error)
	}
	Store *kb.Store
	// BaseURL builds links to the help centre; MediaBase prefixes media
	// paths that are relative to the content folder.
	BaseURL string

	// entry revisions already read: a revision never changes, so an
	// entry's passages and media cost one read per revision, not one per
	// search.
	revisions sync.Map // "id@revision" → *entryView

	products productWords
}

// SnippetRunes is the longest passage shown in place of an article, in
// characters of Markdown: rendered (a table's rows become "Label: value"
// lines) with the reply around it, it stays within the smallest channel
// limit, Slack's 3,000-character section; the reply links the full
// article.
const SnippetRunes = 1500

// passageChooser is what the searcher offers to pick the passage of an
// entry that best matches a query (kb.Searcher, kb.HybridSearcher).
type passageChooser interface {
	BestPassage(lang, query string, ps []kb.Passage) int
}

// entryView is what the bot shows of one revision of an entry.
type entryView struct {
	lang     string
	passages []kb.Passage
	media    []Media
}

// Search returns public, published answers, best first. Each answer's
// text is the passage of its entry that best matches the question.
func (k *KBKnowledge) Search(ctx context.Context, text, lang, channel string) ([]Answer, error) {
	hits, err := k.Searcher.Search(ctx, kb.Query{Text: text, Lang: lang, Audience: kb.AudiencePublic, Limit: 5, Channel: channel})
	if err != nil {
		return nil, err
	}
	out := make([]Answer, 0, len(hits))
	for i, h := range hits {
		a := Answer{EntryID: h.EntryID, Revision: h.Revision, Title: h.Title, Text: h.Passage,
			URL: k.url(h.EntryID), Confidence: h.Confidence, SearchID: h.SearchID, Product: h.Product}
		if v := k.view(ctx, h.EntryID, h.Revision); v != nil {
			a.Text = k.snippet(v, text)
			if i == 0 {
				// The best hit may be shown: bring its media (tutorials'
				// videos and slides) along.
				a.Media = v.media
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// Entry returns a public, published entry by id, showing the passage that
// best matches query (the opening passage when query is empty).
func (k *KBKnowledge) Entry(ctx context.Context, id, query string) (Answer, error) {
	e, err := k.Store.Get(ctx, id)
	if err != nil {
		return Answer{}, err
	}
	if e.Status != kb.StatusPublished || e.Audience != kb.AudiencePublic {
		return Answer{}, fmt.Errorf("entry %s is not public: %w", id, kb.ErrNotFound)
	}
	v := k.viewOf(e)
	return Answer{EntryID: e.ID, Revision: e.Revision, Title: e.Title, Text: k.snippet(v, query),
		URL: k.url(e.ID), Confidence: 1, Media: v.media, Product: e.Product}, nil
}

// snippet is the passage of v that best matches query.
func (k *KBKnowledge) snippet(v *entryView, query string) string {
	if len(v.passages) == 0 {
		return ""
	}
	best := 0
	if c, ok := k.Searcher.(passageChooser); ok && strings.TrimSpace(query) != "" {
		best = c.BestPassage(v.lang, query, v.passages)
	}
	return v.passages[best].Snippet(SnippetRunes)
}

// Shown records the answer as shown.
func (k *KBKnowledge) Shown(ctx context.Context, a Answer, channel string) (int64, error) {
	return k.Store.RecordAnswer(ctx, a.SearchID, kb.Hit{EntryID: a.EntryID, Revision: a.Revision}, channel)
}

// Rate records the user's verdict on a shown answer.
func (k *KBKnowledge) Rate(ctx context.Context, ref int64, helpful bool) error {
	if ref == 0 {
		return nil
	}
	return k.Store.RateAnswer(ctx, ref, helpful)
}

// Confirm records a "Risolto" press as a confirmation of the entry for the
// user's query (the knowledge base learns recurring ones); with the
// store's write-behind log on, in its next batch.
func (k *KBKnowledge) Confirm(ctx context.Context, query, lang, entry, who string) error {
	return k.Store.ConfirmLater(ctx, kb.Confirmation{Query: query, Lang: lang, Entry: entry}, kb.ConfirmSolved, who)
}

func (k *KBKnowledge) url(id string) string {
	if k.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(k.BaseURL, "/") + "/kb/" + id
}

// view returns what the bot shows of an entry's revision, read once; nil
// when it cannot be read (the search's own passage is shown then).
func (k *KBKnowledge) view(ctx context.Context, id string, revision int) *entryView {
	key := id + "@" + strconv.Itoa(revision)
	if v, ok := k.revisions.Load(key); ok {
		return v.(*entryView)
	}
	e, err := k.Store.Get(ctx, id)
	if err != nil {
		return nil
	}
	return k.viewOf(e) // a newer revision than the index's: the current text
}

// viewOf splits e into passages and keeps the result for its revision.
func (k *KBKnowledge) viewOf(e kb.Entry) *entryView {
	key := e.ID + "@" + strconv.Itoa(e.Revision)
	if v, ok := k.revisions.Load(key); ok {
		return v.(*entryView)
	}
	v := &entryView{lang: e.Lang, passages: kb.Passages(e.Body), media: k.mediaFor(e)}
	k.revisions.Store(key, v)
	return v
}

func (k *KBKnowledge) mediaFor(e kb.Entry) []Media {
	var out []Media
	for _, m := range e.Media {
		u := m.URL
		if !strings.Contains(u, "://") && k.BaseURL != "" {
			u = strings.TrimRight(k.BaseURL, "/") + "/kb/" + strings.TrimLeft(u, "/")
		}
		out = append(out, Media{Type: m.Type, Title: m.Title, URL: u, Duration: m.Duration})
	}
	return out
}
