// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestConfirmationsBecomeLearnedPhrasings(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.SetLearnAfter(2)
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Another instance, as a second process would have it.
	other, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	const query = "coso arancione lampeggiante"
	top := func(sr *Searcher) (string, float64) {
		t.Helper()
		if err := sr.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		hits, err := sr.Search(ctx, Query{Text: query, Lang: LangIT, NoLog: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			return "", 0
		}
		return hits[0].EntryID, hits[0].Confidence
	}
	_, before := top(sr)
	status := func(phrasing string) (string, int) {
		t.Helper()
		list, err := s.LearnedPhrasings(ctx, "lettore-smartcard")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list {
			if p.Phrasing == phrasing {
				return p.Status, p.Confirmations
			}
		}
		return "", 0
	}
	confirm := func(q, lang, entry, who string) bool {
		t.Helper()
		learned, err := s.Confirm(ctx, Confirmation{Query: q, Lang: lang, Entry: entry}, ConfirmSolved, who)
		if err != nil {
			t.Fatal(err)
		}
		return learned
	}
	const phrasing = "il coso arancione lampeggia"
	if confirm("Il coso arancione lampeggia!", "it", "lettore-smartcard", "telegram:1") {
		t.Fatal("learned after one confirmation (learn_after 2)")
	}
	if confirm("il coso arancione lampeggia", "it", "lettore-smartcard", "telegram:1") {
		t.Fatal("the same person twice counted as two")
	}
	if st, n := status(phrasing); st != "candidate" || n != 1 {
		t.Fatalf("after one confirmer: %s/%d, want candidate/1", st, n)
	}
	// Not recorded: an entry that is not published, another language, no text.
	confirm("il coso arancione lampeggia", "it", "bozza-pec", "telegram:2")
	confirm("il coso arancione lampeggia", "en", "lettore-smartcard", "telegram:2")
	confirm("  ", "it", "lettore-smartcard", "telegram:2")
	if st, n := status(phrasing); st != "candidate" || n != 1 {
		t.Fatalf("after confirmations that do not count: %s/%d, want candidate/1", st, n)
	}
	if !confirm("IL COSO ARANCIONE LAMPEGGIA", "it", "lettore-smartcard", "slack:U2") {
		t.Fatal("not learned after two distinct confirmers")
	}
	if st, n := status(phrasing); st != "learned" || n != 2 {
		t.Fatalf("after two confirmers: %s/%d, want learned/2", st, n)
	}
	for name, sr := range map[string]*Searcher{"this instance": sr, "another instance": other} {
		if got, after := top(sr); got != "lettore-smartcard" || after <= before {
			t.Errorf("%s after learning: first %s conf %.2f (before %.2f)", name, got, after, before)
		}
	}

	// An editor removes it: out of search, and never learned again by itself.
	if err := s.DecidePhrasing(ctx, "lettore-smartcard", phrasing, false, "editor1"); err != nil {
		t.Fatal(err)
	}
	if _, after := top(other); after != before {
		t.Errorf("after removal: conf %.2f, want %.2f as before learning", after, before)
	}
	if confirm("il coso arancione lampeggia", "it", "lettore-smartcard", "web:3") {
		t.Error("a removed phrasing was learned again")
	}
	if st, _ := status(phrasing); st != "removed" {
		t.Errorf("after removal: %s", st)
	}
	// … and accepts it back; then accepts a candidate confirmed once.
	if err := s.DecidePhrasing(ctx, "lettore-smartcard", phrasing, true, "editor1"); err != nil {
		t.Fatal(err)
	}
	if _, after := top(other); after <= before {
		t.Errorf("after accepting: conf %.2f, not above %.2f", after, before)
	}
	confirm("scrivo da mario.rossi@example.com: la tessera non si vede", "it", "lettore-smartcard", "web:4")
	list, err := s.LearnedPhrasings(ctx, "lettore-smartcard")
	if err != nil {
		t.Fatal(err)
	}
	var masked LearnedPhrasing
	for _, p := range list {
		if strings.Contains(p.Query, "tessera") {
			masked = p
		}
	}
	if masked.Status != "candidate" || strings.Contains(masked.Query, "mario.rossi") {
		t.Fatalf("candidate with an e-mail: %+v", masked)
	}
	if err := s.DecidePhrasing(ctx, "lettore-smartcard", masked.Phrasing, true, "editor2"); err != nil {
		t.Fatal(err)
	}
	if st, _ := status(masked.Phrasing); st != "accepted" {
		t.Errorf("accepted candidate: %s", st)
	}
	if err := s.DecidePhrasing(ctx, "lettore-smartcard", "mai confermata", true, "editor2"); !errors.Is(err, ErrNoPhrasing) {
		t.Errorf("deciding an unknown phrasing: %v, want ErrNoPhrasing", err)
	}
}

// TestConfirmLearnsLate: confirmations that reached the threshold without
// learning (two at once, each counting without the other; or the learning
// failed after the confirmation committed) are learned by the next one;
// a confirmation of an entry in any language ("" asked) is recorded in the
// entry's own; one more confirmation of a learned phrasing learns nothing.
func TestConfirmLearnsLate(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.SetLearnAfter(2)
	const phrasing = "la luce rossa resta accesa"
	for _, who := range []string{"telegram:1", "telegram:2"} {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO kb_confirmations (at, query, phrasing, lang, entry_slug, source, who)
			VALUES (now(), $1, $1, 'it', 'lettore-smartcard', 'solved', $2)`, phrasing, who); err != nil {
			t.Fatal(err)
		}
	}
	learned, err := s.Confirm(ctx, Confirmation{Query: "La luce rossa resta accesa", Entry: "lettore-smartcard"}, ConfirmSolved, "telegram:1")
	if err != nil || !learned {
		t.Fatalf("a known confirmer's third press over the threshold: learned %v, %v; want learned", learned, err)
	}
	var lang string
	if err := s.db.GetContext(ctx, &lang, `SELECT lang FROM kb_confirmations WHERE entry_slug = 'lettore-smartcard' ORDER BY id DESC LIMIT 1`); err != nil || lang != "it" {
		t.Errorf("recorded in %q (%v), want the entry's own language it", lang, err)
	}
	var inUse []string
	if err := s.db.SelectContext(ctx, &inUse, `SELECT unnest(learned) FROM kb_entries WHERE slug = 'lettore-smartcard'`); err != nil {
		t.Fatal(err)
	}
	if len(inUse) != 1 || inUse[0] != "La luce rossa resta accesa" {
		t.Errorf("the entry's learned phrasings: %q", inUse)
	}
	if learned, err := s.Confirm(ctx, Confirmation{Query: "la luce rossa resta accesa", Lang: "it", Entry: "lettore-smartcard"}, ConfirmSolved, "web:9"); err != nil || learned {
		t.Errorf("a learned phrasing confirmed again: learned %v, %v", learned, err)
	}
}
