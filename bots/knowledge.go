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

	// media of entry revisions already read: a revision never changes, so
	// the best hit's media cost one read per revision, not one per search.
	media sync.Map // "id@revision" → []Media

	products productWords
}

// Search returns public, published answers, best first.
func (k *KBKnowledge) Search(ctx context.Context, text, lang, channel string) ([]Answer, error) {
	hits, err := k.Searcher.Search(ctx, kb.Query{Text: text, Lang: lang, Audience: kb.AudiencePublic, Limit: 5, Channel: channel})
	if err != nil {
		return nil, err
	}
	out := make([]Answer, 0, len(hits))
	for i, h := range hits {
		a := Answer{EntryID: h.EntryID, Revision: h.Revision, Title: h.Title, Text: h.Passage,
			URL: k.url(h.EntryID), Confidence: h.Confidence, SearchID: h.SearchID, Product: h.Product}
		if i == 0 {
			// The best hit may be shown: bring its media (tutorials' videos
			// and slides) along.
			a.Media = k.mediaOf(ctx, h.EntryID, h.Revision)
		}
		out = append(out, a)
	}
	return out, nil
}

// Entry returns a public, published entry by id.
func (k *KBKnowledge) Entry(ctx context.Context, id string) (Answer, error) {
	e, err := k.Store.Get(ctx, id)
	if err != nil {
		return Answer{}, err
	}
	if e.Status != kb.StatusPublished || e.Audience != kb.AudiencePublic {
		return Answer{}, fmt.Errorf("entry %s is not public: %w", id, kb.ErrNotFound)
	}
	return Answer{EntryID: e.ID, Revision: e.Revision, Title: e.Title, Text: summary(e.Body),
		URL: k.url(e.ID), Confidence: 1, Media: k.mediaFor(e), Product: e.Product}, nil
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

func (k *KBKnowledge) url(id string) string {
	if k.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(k.BaseURL, "/") + "/kb/" + id
}

func (k *KBKnowledge) mediaOf(ctx context.Context, id string, revision int) []Media {
	key := id + "@" + strconv.Itoa(revision)
	if m, ok := k.media.Load(key); ok {
		return m.([]Media)
	}
	e, err := k.Store.Get(ctx, id)
	if err != nil {
		return nil
	}
	m := k.mediaFor(e)
	if e.Revision == revision {
		k.media.Store(key, m)
	}
	return m
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

// summary is the first paragraph of a Markdown body, at most ~400 runes.
func summary(body string) string {
	body = strings.TrimSpace(body)
	for _, para := range strings.Split(body, "\n\n") {
		p := strings.TrimSpace(para)
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if r := []rune(p); len(r) > 400 {
			p = string(r[:400]) + "…"
		}
		return p
	}
	return ""
}
