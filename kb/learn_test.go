// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"strings"
	"testing"
)

func TestLearnFromConfirmations(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	const query = "il coso della tessera lampeggia arancione"
	first := func() (string, float64) {
		t.Helper()
		hits, err := sr.Search(ctx, Query{Text: query, Lang: LangIT, NoLog: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			return "", 0
		}
		return hits[0].EntryID, hits[0].Confidence
	}
	_, before := first()

	confs := []Confirmation{
		{Query: query, Lang: "it", Entry: "lettore-smartcard"},
		{Query: "Il coso della tessera lampeggia ARANCIONE!", Lang: "it", Entry: "lettore-smartcard"}, // the same words
		{Query: "stampante rossa", Lang: "it", Entry: "stampante-rete"},                               // once only
		{Query: "lettore", Lang: "en", Entry: "lettore-smartcard"},                                    // wrong language
		{Query: "bozza", Lang: "it", Entry: "bozza-pec"},                                              // not published
		{Query: "x", Lang: "it", Entry: "no-such-entry"},
	}
	n, err := sr.Learn(ctx, confs, 2)
	if err != nil || n != 1 {
		t.Fatalf("Learn = %d, %v; want 1 phrasing (confirmed twice)", n, err)
	}
	got, after := first()
	if got != "lettore-smartcard" || after <= before {
		t.Errorf("after learning: first %s conf %.2f (before %.2f)", got, after, before)
	}
	// Learning the same again adds nothing; a lower bar learns the rest
	// that may be learned.
	if n, _ := sr.Learn(ctx, confs, 2); n != 0 {
		t.Errorf("relearned %d", n)
	}
	if n, _ := sr.Learn(ctx, confs, 1); n != 1 {
		t.Errorf("min 1: learned %d, want 1 (stampante rossa)", n)
	}

	// A change of the entry re-analyses it from the database: what was
	// learned stays.
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
	if got, _ := first(); got != "lettore-smartcard" {
		t.Errorf("after a refresh: first %s", got)
	}
}

func TestReadConfirmations(t *testing.T) {
	cs, err := ReadConfirmations(strings.NewReader(`{"query": "vpn non va", "lang": "it", "entry": "vpn"}` + "\n\n"))
	if err != nil || len(cs) != 1 || cs[0].Entry != "vpn" {
		t.Fatalf("%v %+v", err, cs)
	}
	for _, bad := range []string{`{"query": "a"}`, `{"query": "", "entry": "x"}`, `{"query": "a", "entry": "x", "user": "u"}`, `nope`} {
		if _, err := ReadConfirmations(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestLearnReachAndReplayed(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	confs := []Confirmation{
		{Query: "il lettorino lampeggia", Lang: "it", Entry: "lettore-smartcard"},
		{Query: "stampante in rete", Lang: "it", Entry: "stampante-rete"},
	}
	qs := []EvalQuery{
		{Query: "Il LETTORINO lampeggia!", Lang: "it", Expected: []string{"lettore-smartcard"}}, // replayed: the same words
		{Query: "lettorino spento", Lang: "it", Expected: []string{"lettore-smartcard"}},        // a word the entry lacks
		{Query: "lettore tessera", Lang: "it", Expected: []string{"lettore-smartcard"}},         // no word of a confirmation
		{Query: "stampante bloccata", Lang: "it", Expected: []string{"stampante-rete"}},         // a word the entry has
		{Query: "lettorino spento", Lang: "it", Expected: []string{"vpn-non-si-connette"}},      // another entry's word
		{Query: "il lettorino lampeggia", Lang: "en", Expected: []string{"smartcard-reader"}},   // other language: not replayed
		{Query: "meteo", Lang: "it"}, // out of scope
	}
	kept, dropped := DropReplayed(qs, confs)
	if dropped != 1 || len(kept) != len(qs)-1 || kept[0].Query != "lettorino spento" {
		t.Fatalf("DropReplayed: kept %d, dropped %d (%v)", len(kept), dropped, kept)
	}
	got := sr.Reach(confs, kept)
	if want := (LearnReach{InScope: 5, Shared: 2, New: 1}); got != want {
		t.Errorf("Reach = %+v, want %+v", got, want)
	}
}
