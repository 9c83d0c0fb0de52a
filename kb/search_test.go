// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"strings"
	"testing"
	"time"

	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

func importedSearcher(t *testing.T) (*Store, *Searcher) {
	t.Helper()
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s, sr
}

func TestSearchBothLanguages(t *testing.T) {
	_, sr := importedSearcher(t)
	tests := []struct {
		name, lang, query, want string
	}{
		{"italian phrasing", "it", "il lettore non legge la tessera", "lettore-smartcard"},
		{"italian, no accents, elisions", "it", "l'utente ha dimenticato la password, e' bloccato", "reset-password"},
		{"italian typo", "it", "stampnte", "stampante-rete"},
		{"italian typo, swapped letters", "it", "stmapante", "stampante-rete"},
		{"italian multi-word synonym", "it", "parola chiave", "reset-password"},
		{"synonym in every language", "it", "rete privata", "vpn-non-si-connette"},
		{"italian vpn", "it", "da casa non mi collego alla vpn", "vpn-non-si-connette"},
		{"english phrasing", "en", "my card reader does not detect the smartcard", "smartcard-reader"},
		{"english stemming", "en", "forgotten passwords, locked accounts", "password-reset"},
		{"english typo", "en", "pasword", "password-reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := sr.Search(context.Background(), Query{Text: tt.query, Lang: tt.lang, NoLog: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].EntryID != tt.want {
				t.Fatalf("first hit = %+v, want %s", hits, tt.want)
			}
			h := hits[0]
			if h.Lang != tt.lang || h.Title == "" || h.Passage == "" || h.Revision != 1 {
				t.Errorf("hit fields = %+v", h)
			}
			if h.Confidence < 0 || h.Confidence > 1 {
				t.Errorf("confidence %v out of [0,1]", h.Confidence)
			}
			for _, other := range hits[1:] {
				if other.Confidence > h.Confidence || other.Lang != tt.lang {
					t.Errorf("later hit %+v above first %v or in another language", other, h.Confidence)
				}
			}
		})
	}
}

func TestSearchPassageIsTheMatchingBlock(t *testing.T) {
	_, sr := importedSearcher(t)
	hits, err := sr.Search(context.Background(), Query{Text: "account bloccato dopo cinque tentativi errati", Lang: "it", NoLog: true})
	if err != nil || len(hits) == 0 {
		t.Fatal(err, hits)
	}
	if !strings.Contains(hits[0].Passage, "cinque tentativi") {
		t.Fatalf("passage = %q", hits[0].Passage)
	}
	if strings.Contains(hits[0].Passage, "**") {
		t.Fatalf("passage keeps markup: %q", hits[0].Passage)
	}
}

func TestSearchAbstainsOutOfScope(t *testing.T) {
	_, sr := importedSearcher(t)
	in, _ := sr.Search(context.Background(), Query{Text: "il lettore non riconosce la smart card", Lang: "it", NoLog: true})
	if len(in) == 0 || in[0].Confidence < sr.Threshold() {
		t.Fatalf("in-scope query not confident: %+v", in)
	}
	for _, q := range []string{"ricetta della torta di mele", "orari della mensa aziendale", "quando arriva lo stipendio"} {
		hits, err := sr.Search(context.Background(), Query{Text: q, Lang: "it", NoLog: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 0 && hits[0].Confidence >= sr.Threshold() {
			t.Errorf("%q: confident answer %s (%.2f)", q, hits[0].EntryID, hits[0].Confidence)
		}
	}
	if hits, _ := sr.Search(context.Background(), Query{Text: "   ", Lang: "it", NoLog: true}); len(hits) != 0 {
		t.Errorf("empty query found %+v", hits)
	}
}

func TestSearchAudienceAndStatus(t *testing.T) {
	_, sr := importedSearcher(t)
	ctx := context.Background()
	q := Query{Text: "passaggio del ticket al secondo livello", Lang: "it", NoLog: true}
	for _, h := range mustSearch(t, sr, q) {
		if h.EntryID == "procedura-interna-escalation" {
			t.Fatal("internal entry shown to the public")
		}
	}
	q.Audience = AudienceInternal
	if hits := mustSearch(t, sr, q); len(hits) == 0 || hits[0].EntryID != "procedura-interna-escalation" {
		t.Fatalf("agents do not find the internal entry: %+v", hits)
	}
	for _, h := range mustSearch(t, sr, Query{Text: "posta certificata bloccata", Lang: "it", Audience: AudienceInternal, NoLog: true}) {
		if h.EntryID == "bozza-pec" {
			t.Fatal("draft entry is searchable")
		}
	}
	_ = ctx
}

func mustSearch(t *testing.T, sr *Searcher, q Query) []Hit {
	t.Helper()
	hits, err := sr.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// TestPublishReachesEveryInstance runs two stores, as two service
// instances would, on one database: what one publishes, the other's
// searcher finds without a restart; what one archives disappears.
func TestPublishReachesEveryInstance(t *testing.T) {
	ctx := context.Background()
	url := testdb.NewURL(t)
	open := func() *Store {
		pool, err := db.Open(ctx, url, db.Options{MaxOpenConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pool.Close() })
		s, err := NewStore(pool, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := open(), open()
	if _, err := a.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sb, err := NewSearcher(ctx, b, SearchOptions{RefreshEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	q := Query{Text: "la pec non invia i messaggi", Lang: "it", NoLog: true}
	// found searches once; a search starts a background refresh once
	// RefreshEvery has passed, and a later search sees its result, so
	// the waits below repeat it.
	found := func() bool {
		for _, h := range mustSearch(t, sb, q) {
			if h.EntryID == "bozza-pec" {
				return true
			}
		}
		return false
	}
	if found() {
		t.Fatal("draft found before publishing")
	}
	for _, to := range []Status{StatusInReview, StatusPublished} {
		if _, err := a.Transition(ctx, "bozza-pec", to, "editor"); err != nil {
			t.Fatal(err)
		}
	}
	testwait.For(t, "the published entry found by the other instance", found)
	if _, err := a.Transition(ctx, "bozza-pec", StatusArchived, "editor"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the archived entry gone from the other instance", func() bool { return !found() })
	// Synonyms changed on one instance reach the other too.
	q = Query{Text: "il mio ombrello non stampa", Lang: "it", NoLog: true}
	before := mustSearch(t, sb, q)
	if err := a.SetSynonyms(ctx, Synonyms{"it": {{"ombrello", "stampante"}}}); err != nil {
		t.Fatal(err)
	}
	var after []Hit
	testwait.For(t, "the synonym applied on the other instance", func() bool {
		after = mustSearch(t, sb, q)
		return len(after) > 0 && after[0].EntryID == "stampante-rete" && after[0].Confidence > before0(before)
	})
	if len(after) == 0 || after[0].EntryID != "stampante-rete" || (len(before) > 0 && before[0].Confidence >= after[0].Confidence) {
		t.Fatalf("synonym not applied: before %+v after %+v", before, after)
	}
}

func before0(h []Hit) float64 {
	if len(h) == 0 {
		return 0
	}
	return h[0].Confidence
}

// TestSearchWhileRefreshing searches from several goroutines while entries
// are published and archived (run with -race to check the index swap).
func TestSearchWhileRefreshing(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := sr.Search(ctx, Query{Text: "la pec non invia, stampante ferma", Lang: "it", NoLog: true}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 3 {
		for _, to := range []Status{StatusInReview, StatusPublished, StatusArchived, StatusDraft} {
			if _, err := s.Transition(ctx, "bozza-pec", to, "editor"); err != nil {
				t.Fatal(err)
			}
			if err := sr.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
