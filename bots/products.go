// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"

	"sync"
	"time"

	"helpdesk/kb"
	"helpdesk/nlp"
)

// productWordsTTL is how long the vocabulary of products is kept before
// it is read again (editors add entries while the desk runs).
const productWordsTTL = 10 * time.Minute

// productWords maps the words that name one product — in its name, or
// among the tags of its entries — to that product, per language.
type productWords struct {
	mu     sync.Mutex
	byLang map[string]map[string]string
	read   time.Time
}

// ProductIn returns the product text names ("la stampante non stampa" →
// the product of the printer entries), or "" when it names none or
// several. A word counts only when every published public entry of the
// language that has it among its product's words or tags has the same
// product: "password" belongs to too many to tell.
func (k *KBKnowledge) ProductIn(ctx context.Context, text, lang string) (string, error) {
	vocab, err := k.products.get(ctx, k.Store)
	if err != nil {
		return "", err
	}
	words := vocab[lang]
	found := ""
	for _, w := range nlp.Words(text) {
		for _, key := range []string{w, nlp.Stem(lang, w)} {
			if p, ok := words[key]; ok {
				if found != "" && found != p {
					return "", nil // names two: ask
				}
				found = p
			}
		}
	}
	return found, nil
}

func (pw *productWords) get(ctx context.Context, store *kb.Store) (map[string]map[string]string, error) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if pw.byLang != nil && time.Since(pw.read) < productWordsTTL {
		return pw.byLang, nil
	}
	entries, err := store.List(ctx, kb.Filter{Status: kb.StatusPublished, Audience: kb.AudiencePublic})
	if err != nil {
		return nil, err
	}
	pw.byLang, pw.read = productVocabulary(entries), time.Now()
	return pw.byLang, nil
}

// productVocabulary builds the word → product map of each language.
func productVocabulary(entries []kb.Entry) map[string]map[string]string {
	const ambiguous = "\x00"
	out := map[string]map[string]string{}
	for _, e := range entries {
		if e.Product == "" {
			continue
		}
		m := out[e.Lang]
		if m == nil {
			m = map[string]string{}
			out[e.Lang] = m
		}
		var words []string
		for _, src := range append([]string{e.Product}, e.Tags...) {
			words = append(words, nlp.Words(src)...)
		}
		for _, w := range words {
			if len(w) < 3 || nlp.IsStopWord(e.Lang, w) {
				continue
			}
			for _, key := range []string{w, nlp.Stem(e.Lang, w)} {
				if p, ok := m[key]; ok && p != e.Product {
					m[key] = ambiguous
				} else if !ok {
					m[key] = e.Product
				}
			}
		}
	}
	for _, m := range out {
		for w, p := range m {
			if p == ambiguous {
				delete(m, w)
			}
		}
	}
	return out
}
