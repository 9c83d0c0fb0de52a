// SPDX-License-Identifier: EUPL-1.2

package kb

// What the engines kept only to compare with the in-process index
// (kb/kbeval, docs/kb-search.md) see of it: the same analysis, fields and
// weights, so that the comparison measures the engines and not the
// analysis. The service itself uses none of these.

// IndexedFields names the fields the index weighs, in the order
// FieldBoost and AnalysedFields use.
var IndexedFields = [numFields]string{"title", "questions", "tags", "body"}

// FieldBoost is the weight of a match in IndexedFields[field].
func FieldBoost(field int) float64 { return fieldBoost[field] }

// Typo matching: a query stem of at least FuzzyMinLen bytes may match a
// stem one edit away, and such a match counts TypoFactor of an exact one.
const (
	FuzzyMinLen = minFuzzyLen
	TypoFactor  = typoFactor
)

// AnalysedFields returns the stems of e's fields, in the order of
// IndexedFields (tags include the product and the category's parts).
func AnalysedFields(e Entry) [numFields][]string {
	a := analyseEntry(e, nil)
	var out [numFields][]string
	for f := range numFields {
		out[f] = a.field(f)
	}
	return out
}

// QueryStems is query text as the index analyses it (filler words out).
func QueryStems(lang, text string) []string { return analyzeQuery(lang, text) }

// FirstPassage is the passage a hit shows when nothing picks another
// block: the body's first block, cut at a word boundary.
func FirstPassage(body string) string {
	if b := blocks(body); len(b) > 0 {
		return cut(b[0], passageLen)
	}
	return ""
}
