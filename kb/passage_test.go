// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPassages(t *testing.T) {
	body := "# Title of the article\n\nIntro paragraph.\n\nThe states are:\n\n| State | Meaning |\n|---|---|\n| **Draft** | not sent |\n| Sent | accepted |\n\n" +
		"## Steps\n\n1. Open the list.\n2. Press *Refresh*:\n   the states update.\n\nA closing note.\n\n---\n\n```\ncode line\n```\n\n### Notes\n\n> A quote.\n"
	want := []Passage{
		{"", "Intro paragraph."},
		{"", "The states are:\n\n| State | Meaning |\n|---|---|\n| **Draft** | not sent |\n| Sent | accepted |"},
		{"Steps", "1. Open the list.\n2. Press *Refresh*:\n   the states update."},
		{"Steps", "A closing note."},
		{"Steps", "```\ncode line\n```"},
		{"Notes", "> A quote."},
	}
	got := Passages(body)
	if len(got) != len(want) {
		t.Fatalf("%d passages, want %d: %#v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("passage %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	if p := Passages(""); len(p) != 0 {
		t.Errorf("empty body: %#v", p)
	}
	if p := Passages("Only one line"); len(p) != 1 || p[0].Markdown != "Only one line" {
		t.Errorf("one line: %#v", p)
	}
}

// TestBestPassageRealEntries: on the shipped knowledge base, the passage
// shown for a question is the one that answers it — the states table for
// the states of a prescription, the timeout steps for a VPN timeout — and
// a question that matches only the title gets the opening passage.
func TestBestPassageRealEntries(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "../content/kb", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		entry, query string
		want         string // a line only the right passage has
		first        bool   // the fallback: the opening passage
	}{
		{"manuale-ricetta-stati", "cosa significano gli stati della ricetta nel gestionale?", "| **Presa in carico** |", false},
		{"manuale-ricetta-stati", "come si aggiornano gli stati, c'è un pulsante?", "**Aggiorna stati**", false},
		{"manual-eprescription-states", "what does the state taken in charge mean", "| **Taken in charge** |", false},
		{"vpn-non-si-connette", "la vpn resta su connessione in corso e va in timeout", "hotspot del telefono", false},
		{"vpn-non-si-connette", "dice credenziali non valide", "codice fiscale in maiuscolo", false},
		{"vpn-non-si-connette", "la vpn cade spesso sul wi-fi", "avvicinati al router", false},
		{"cie-pin-dimenticato", "non ho più né pin né puk, devo rifare la carta?", "ristampa di PIN e PUK", false},
		{"cie-pin-dimenticato", "come sblocco con il puk dall'app cieid", "Sblocca carta", false},
		{"inps-annullare-certificato", "il pulsante annulla è grigio", "È passato il termine", false},
		{"cns-lettore-non-riconosciuto", "il lettore della tessera sanitaria non legge più la carta", "Verso della carta", false},
		// Words of the title only ("malattia", "identità
		// elettronica") are in no passage: the opening one is shown.
		{"inps-annullare-certificato", "malattia", "", true},
		{"cie-pin-dimenticato", "identità elettronica", "", true},
		{"cie-pin-dimenticato", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.entry+"/"+tt.query, func(t *testing.T) {
			e, err := s.Get(ctx, tt.entry)
			if err != nil {
				t.Fatal(err)
			}
			ps := Passages(e.Body)
			if len(ps) < 2 {
				t.Fatalf("%s has %d passages: nothing to choose", tt.entry, len(ps))
			}
			got := sr.BestPassage(e.Lang, tt.query, ps)
			if tt.first {
				if got != 0 {
					t.Fatalf("passage %d chosen, want the opening one:\n%s", got, ps[got].Markdown)
				}
				// The precondition: no passage has any word of the query.
				ix := sr.ix.Load().byLang[e.Lang]
				for i, p := range ps {
					stems := map[string]bool{}
					for _, st := range analyzeText(e.Lang, p.Heading+" "+plainText(p.Markdown)) {
						stems[st] = true
					}
					if w := ix.coverage(ix.buildQuery(e.Lang, tt.query), func(st string) bool { return stems[st] }); w > 0 {
						t.Fatalf("passage %d matches the query (%v): not a title-only case", i, w)
					}
				}
				return
			}
			if !strings.Contains(ps[got].Markdown, tt.want) {
				t.Fatalf("passage %d chosen:\n%s\nwant the one with %q", got, ps[got].Markdown, tt.want)
			}
			if got == 0 && !strings.Contains(ps[0].Markdown, tt.want) {
				t.Fatal("unreachable")
			}
		})
	}
	// The hybrid searcher chooses as the lexical one does.
	h := NewHybridSearcher(sr, nil, HybridOptions{})
	e, err := s.Get(ctx, "vpn-non-si-connette")
	if err != nil {
		t.Fatal(err)
	}
	ps := Passages(e.Body)
	if a, b := sr.BestPassage(e.Lang, "va in timeout", ps), h.BestPassage(e.Lang, "va in timeout", ps); a != b || a == 0 {
		t.Errorf("lexical %d, hybrid %d", a, b)
	}
	if got := sr.BestPassage("fr", "timeout", ps); got != 0 {
		t.Errorf("a language without an index: passage %d, want 0", got)
	}
}

// TestPassageStems: a passage is analysed once and its stems served from
// then on; an edited text is another key; the same text in another
// language is analysed in that language; past passageStemsMax the cache
// starts afresh rather than growing.
func TestPassageStems(t *testing.T) {
	var c passageStems
	p := Passage{Heading: "Stampante", Markdown: "La stampante di rete non stampa i fogli."}
	a := c.of(LangIT, p)
	if !a[analyzeText(LangIT, "stampante")[0]] || !a[analyzeText(LangIT, "fogli")[0]] {
		t.Fatalf("stems of the passage: %v", a)
	}
	a["marker"] = true // the map is shared: a second call returns this one
	if !c.of(LangIT, p)["marker"] {
		t.Error("the passage was analysed again")
	}
	edited := p
	edited.Markdown += " Riavviala."
	if c.of(LangIT, edited)["marker"] {
		t.Error("an edited passage got the old stems")
	}
	if en := c.of(LangEN, p); en["marker"] || len(en) == 0 {
		t.Errorf("the same text in English: %v", en)
	}
	for i := range passageStemsMax + 10 {
		c.of(LangIT, Passage{Markdown: strings.Repeat("parola ", i%5+1) + strconv.Itoa(i)})
	}
	if n := len(c.m); n > passageStemsMax {
		t.Errorf("%d passages kept, want at most %d", n, passageStemsMax)
	}
}

// BenchmarkBestPassage: choosing the passage of an entry for a question,
// as the bot does for every answer (its stems are kept after the first).
func BenchmarkBestPassage(b *testing.B) {
	ctx := context.Background()
	s := newTestStore(b)
	if _, err := s.Import(ctx, "../content/kb", ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	e, err := s.Get(ctx, "vpn-non-si-connette")
	if err != nil {
		b.Fatal(err)
	}
	ps := Passages(e.Body)
	b.ResetTimer()
	for b.Loop() {
		sr.BestPassage(e.Lang, "la vpn va in timeout da casa", ps)
	}
}

func TestSnippet(t *testing.T) {
	rows := ""
	for i := range 40 {
		rows += "| **State " + strings.Repeat("x", i%7) + "** | meaning of this state, said at some length | actions |\n"
	}
	table := Passage{Heading: "States", Markdown: "The table:\n\n| State | Meaning | Actions |\n|---|---|---|\n" + strings.TrimSuffix(rows, "\n")}
	short := Passage{Markdown: "1. One.\n2. Two."}
	long := Passage{Markdown: strings.Repeat("word ", 400)}
	steps := Passage{Markdown: "Do this:\n\n" + strings.Repeat("1. A step that is long enough to count,\n   continued on a second line.\n", 30)}
	tests := []struct {
		name  string
		p     Passage
		limit int
		check func(t *testing.T, s string)
	}{
		{"short whole, no heading", short, 1500, func(t *testing.T, s string) {
			if s != short.Markdown {
				t.Errorf("%q", s)
			}
		}},
		{"table cut between rows", table, 1500, func(t *testing.T, s string) {
			if !strings.HasPrefix(s, "## States\n\nThe table:\n\n| State | Meaning | Actions |\n|---|---|---|\n| **State") {
				t.Errorf("start: %q", s[:80])
			}
			if !strings.HasSuffix(s, "| actions |\n\n…") {
				t.Errorf("not cut after a whole row: %q", s[len(s)-60:])
			}
		}},
		{"steps cut between items", steps, 600, func(t *testing.T, s string) {
			if !strings.HasSuffix(s, "continued on a second line.\n\n…") {
				t.Errorf("not cut after a whole item: %q", s)
			}
		}},
		{"one long paragraph cut at a word", long, 300, func(t *testing.T, s string) {
			if !strings.HasSuffix(s, "word\n\n…") {
				t.Errorf("%q", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.p.Snippet(tt.limit)
			if n := utf8.RuneCountInString(s); n > tt.limit {
				t.Errorf("%d characters, limit %d", n, tt.limit)
			}
			tt.check(t, s)
		})
	}
}

// FuzzPassages: any body splits without panicking into passages that are
// pieces of it, and every snippet stays within its limit.
func FuzzPassages(f *testing.F) {
	for _, s := range []string{"# T\n\npara\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "```\nx\n", "---\n\n---", "- a\n- b\n\n## H\n\n1. x", "~~~\n~~~\n\n***\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range Passages(body) {
			for _, l := range strings.Split(p.Markdown, "\n") {
				if !strings.Contains(body, l) {
					t.Fatalf("line %q of passage %q is not in the body", l, p.Markdown)
				}
			}
			if s := p.Snippet(200); utf8.ValidString(body) && len(p.Heading) < 100 && utf8.RuneCountInString(s) > 200 {
				t.Fatalf("snippet of %d characters", utf8.RuneCountInString(s))
			}
		}
	})
}
