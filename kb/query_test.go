// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// testIndex builds an index straight from the test content folder, with
// no database: for tests of the search internals and fuzzing.
func testIndex(t testing.TB) *index {
	t.Helper()
	files, _ := filepath.Glob("testdata/content/*/*.md")
	var docs []*analysedEntry
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := ParseFile(data)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status == StatusPublished {
			docs = append(docs, analyseEntry(e, interner{}))
		}
	}
	data, err := os.ReadFile("testdata/content/synonyms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	syn, err := ParseSynonyms(data)
	if err != nil {
		t.Fatal(err)
	}
	sortDocs(docs)
	return newIndex(docs, compileSynonyms(syn))
}

func TestBuildQuerySynonymsAndBounds(t *testing.T) {
	ix := testIndex(t)
	cs := ix.buildQuery("it", "Buongiorno, la tessera sanitaria non va!")
	var words []string
	for _, c := range cs {
		words = append(words, c.word)
	}
	// Greetings and "non" are fillers; "tessera sanitaria" is one clause.
	if len(cs) != 2 || cs[0].word != "tesser sanitar" || len(cs[0].alts) < 2 {
		t.Fatalf("clauses = %q (%+v)", words, cs)
	}
	long := strings.Repeat("parola diversa ogni volta ", 1000)
	if cs := ix.buildQuery("it", long); len(cs) > maxClauses {
		t.Fatalf("%d clauses from a long text", len(cs))
	}
}

// FuzzSearch feeds arbitrary user text to the whole search path.
func FuzzSearch(f *testing.F) {
	ix := testIndex(f)
	for _, s := range []string{"il lettore non legge la tessera", "VPN!!", "l'", "smart card smart card", "ｓｍａｒｔ", "\xff\xfe", "a-b-c"} {
		f.Add(s, "it")
		f.Add(s, "en")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		for _, aud := range []Audience{AudiencePublic, AudienceInternal} {
			hits := searchIndex(ix, Query{Text: text, Lang: lang, Audience: aud, Limit: 3})
			if len(hits) > 3 {
				t.Fatalf("%d hits over the limit", len(hits))
			}
			for i, h := range hits {
				if h.Confidence < 0 || h.Confidence > 1 || h.EntryID == "" {
					t.Fatalf("bad hit %+v", h)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Fatalf("hits out of order: %+v", hits)
				}
				if !utf8.ValidString(h.Passage) {
					t.Fatalf("passage is not UTF-8: %q", h.Passage)
				}
			}
		}
	})
}

func TestWordVariantsUndoSuffixTypos(t *testing.T) {
	want := analyzeText("it", "autenticazione")[0]
	if typo := analyzeText("it", "autenticazzione")[0]; typo == want {
		t.Skip("the stemmer already copes with this typo")
	}
	if !slices.Contains(wordVariants("it", "autenticazzione"), want) {
		t.Fatalf("variants of autenticazzione miss %q", want)
	}
	if !slices.Contains(wordVariants("en", "pirnter"), analyzeText("en", "printer")[0]) {
		t.Fatal("swapped letters not undone")
	}
}
