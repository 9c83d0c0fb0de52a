// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"slices"
	"testing"
)

// TestLearnWords: a word the entry lacks becomes a learned term only when
// enough different people used it for the entry and most of the people
// who used it chose that entry; it then reaches ranking, survives
// refreshes, follows the confirmations recorded in the database and an
// editor's removal, and can be turned off.
func TestLearnWords(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	first := func(q string) string {
		t.Helper()
		hits, err := sr.Search(ctx, Query{Text: q, Lang: LangIT, NoLog: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			return ""
		}
		return hits[0].EntryID
	}
	stem := func(w string) string { return analyzeQuery(LangIT, w)[0] }
	if got := first("trabiccolo"); got == "lettore-smartcard" {
		t.Fatalf("'trabiccolo' already finds the reader before learning: the test proves nothing")
	}
	// One person, however often, changes nothing.
	one := []Confirmation{
		{Query: "il trabiccolo lampeggia", Lang: "it", Entry: "lettore-smartcard", Who: "u1"},
		{Query: "trabiccolo spento", Lang: "it", Entry: "lettore-smartcard", Who: "u1"},
	}
	if _, err := sr.Learn(ctx, one, 3); err != nil {
		t.Fatal(err)
	}
	if terms := sr.LearnedTerms("lettore-smartcard"); len(terms) != 0 {
		t.Fatalf("one person taught %v", terms)
	}
	// A second person: "trabiccolo" is learned; "lettore" is in the title,
	// so it is not; "lampeggia" was used by one person only.
	if _, err := sr.Learn(ctx, []Confirmation{{Query: "trabiccolo morto", Lang: "it", Entry: "lettore-smartcard", Who: "u2"}}, 3); err != nil {
		t.Fatal(err)
	}
	terms := sr.LearnedTerms("lettore-smartcard")
	if !slices.Equal(terms, []string{stem("trabiccolo")}) {
		t.Fatalf("learned terms %v, want %s only", terms, stem("trabiccolo"))
	}
	if got := first("trabiccolo"); got != "lettore-smartcard" {
		t.Errorf("'trabiccolo' after learning finds %q", got)
	}
	// A word most of whose people chose another entry is not this
	// entry's: "coso" for the printer by three, for the reader by two.
	var coso []Confirmation
	for _, who := range []string{"a", "b", "c"} {
		coso = append(coso, Confirmation{Query: "il coso non va", Lang: "it", Entry: "stampante-rete", Who: who})
	}
	for _, who := range []string{"d", "e"} {
		coso = append(coso, Confirmation{Query: "il coso non va", Lang: "it", Entry: "lettore-smartcard", Who: who})
	}
	if _, err := sr.Learn(ctx, coso, 10); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(sr.LearnedTerms("stampante-rete"), stem("coso")) || slices.Contains(sr.LearnedTerms("lettore-smartcard"), stem("coso")) {
		t.Errorf("coso: printer %v, reader %v", sr.LearnedTerms("stampante-rete"), sr.LearnedTerms("lettore-smartcard"))
	}
	// An edit of the entry re-analyses it: the learned terms come back.
	e, err := s.Get(ctx, "lettore-smartcard")
	if err != nil {
		t.Fatal(err)
	}
	e.Body += "\n\nUn paragrafo in più."
	if _, _, err := s.Save(ctx, e, "editor", "test"); err != nil {
		t.Fatal(err)
	}
	if err := sr.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := first("trabiccolo"); got != "lettore-smartcard" {
		t.Errorf("after an edit 'trabiccolo' finds %q", got)
	}

	// The service's path: confirmations recorded in the database reach a
	// searcher at its refresh; an editor's removal of a wording takes its
	// words away.
	live, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"x", "y"} {
		if _, err := s.Confirm(ctx, Confirmation{Query: "la vpn resta rossa", Lang: "it", Entry: "vpn-non-si-connette"}, ConfirmSolved, who); err != nil {
			t.Fatal(err)
		}
	}
	if err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := live.LearnedTerms("vpn-non-si-connette"); !slices.Contains(got, stem("rossa")) {
		t.Fatalf("after two people's Risolto: terms %v", got)
	}
	list, err := s.LearnedPhrasings(ctx, "vpn-non-si-connette")
	if err != nil || len(list) != 1 {
		t.Fatalf("learned phrasings %v, %v", list, err)
	}
	if err := s.DecidePhrasing(ctx, "vpn-non-si-connette", list[0].Phrasing, false, "editor"); err != nil {
		t.Fatal(err)
	}
	if err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := live.LearnedTerms("vpn-non-si-connette"); len(got) != 0 {
		t.Errorf("after the editor removed the wording: terms %v", got)
	}

	// kb.learn_words_after 0 (the option negative) learns no word.
	off, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1, LearnWordsAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := off.Learn(ctx, append(one, Confirmation{Query: "trabiccolo morto", Lang: "it", Entry: "lettore-smartcard", Who: "u2"}), 3); err != nil {
		t.Fatal(err)
	}
	if got := off.LearnedTerms("lettore-smartcard"); len(got) != 0 {
		t.Errorf("word learning off: terms %v", got)
	}
}
