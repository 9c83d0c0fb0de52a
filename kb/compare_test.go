// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"slices"
	"strings"
	"testing"
)

// What the comparison engines (kb/kbeval) see is the index's own analysis:
// each field's stems in IndexedFields order, the query without filler, and
// the passage a hit shows.
func TestComparisonView(t *testing.T) {
	e := Entry{ID: "stampante", Lang: LangIT, Title: "La stampante di rete è bloccata",
		Questions: []string{"la stampante non stampa"}, Tags: []string{"toner"}, Product: "Lexmark",
		Category: "hardware/stampanti", Body: "Spegnere la stampante e riaccenderla.\n\nSe non basta, chiamare il tecnico."}
	f := AnalysedFields(e)
	if IndexedFields != [numFields]string{"title", "questions", "tags", "body"} {
		t.Fatalf("fields %v", IndexedFields)
	}
	if !slices.Equal(f[0], analyzeText(LangIT, e.Title)) || !slices.Equal(f[1], analyzeText(LangIT, e.Questions[0])) {
		t.Errorf("title %v, questions %v: not the index's stems of the title and the question", f[0], f[1])
	}
	for _, w := range []string{"toner", "lexmark", "hardware"} {
		if !slices.Contains(f[2], analyzeText(LangIT, w)[0]) {
			t.Errorf("tags %v lack %q (tags, product and category are one field)", f[2], w)
		}
	}
	if !slices.Contains(f[3], analyzeText(LangIT, "tecnico")[0]) || slices.Contains(f[3], analyzeText(LangIT, "toner")[0]) {
		t.Errorf("body %v: the body's stems and nothing else", f[3])
	}
	if FieldBoost(0) <= FieldBoost(3) {
		t.Errorf("a title match (%v) must weigh more than a body one (%v)", FieldBoost(0), FieldBoost(3))
	}
	if q := QueryStems(LangIT, "buongiorno, la stampante non stampa"); !slices.Equal(q, analyzeQuery(LangIT, "la stampante non stampa")) {
		t.Errorf("query stems %v: the greeting is filler", q)
	}
	if p := FirstPassage(e.Body); !strings.HasPrefix(p, "Spegnere la stampante") || strings.Contains(p, "tecnico") {
		t.Errorf("passage %q: the first block only", p)
	}
	if p := FirstPassage(strings.Repeat("parola ", 200)); len([]rune(p)) > passageLen+1 {
		t.Errorf("passage of %d runes, longer than %d", len([]rune(p)), passageLen)
	}
	if p := FirstPassage(""); p != "" {
		t.Errorf("passage of an empty body %q", p)
	}
}
