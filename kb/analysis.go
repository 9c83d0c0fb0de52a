// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"regexp"
	"strings"

	"helpdesk/nlp"
)

// fillers are words people add to a help-desk request that say nothing
// about its topic: greetings, politeness, "problem", "I can't". Search
// drops them from queries so that they neither match at random nor count
// as unmatched words when confidence is computed. They are already in the
// folded form nlp.Words returns.
var fillers = wordSet(`
	ciao salve buongiorno buonasera buonanotte grazie mille favore cortesia gentilmente
	gentile cortese scusate scusa salute saluti cordiali aiuto aiutatemi aiutami urgente
	urgentemente problema problemi questione domanda chiedo chiedere sapere vorrei
	riesco riesce riusciamo riescono non piu proprio ancora sempre oggi ieri stamattina
	dottore dottoressa dott collega colleghi qui qua ok okay
	sarebbe sarebbero sarei avrei avrebbe avrebbero sto sta stai stanno stiamo
	hi hello hey dear thanks thank please kindly help urgent problem problems issue
	issues question ask wondering trying tried not no cannot cant anymore still today
	yesterday morning
`)

func wordSet(s string) map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(s) {
		m[w] = struct{}{}
	}
	return m
}

// analyzeText is the analysis of indexed text and of queries: nlp's words
// without stop words, stemmed in lang.
func analyzeText(lang, text string) []string {
	return nlp.Analyze(analysisLang(lang), text)
}

// analyzeQuery is analyzeText without filler words.
func analyzeQuery(lang, text string) []string {
	stems, _ := analyzeQueryWords(lang, text)
	return stems
}

// analyzeQueryWords is analyzeQuery, also returning the word each stem
// came from (typo matching works on words too).
func analyzeQueryWords(lang, text string) (stems, words []string) {
	l := analysisLang(lang)
	for _, w := range nlp.Words(text) {
		if _, ok := fillers[w]; ok || nlp.IsStopWord(l, w) {
			continue
		}
		stems = append(stems, nlp.Stem(l, w))
		words = append(words, w)
	}
	return stems, words
}

// wordVariants returns the stems of word with one letter removed or two
// neighbours swapped: a typo in a suffix ("autenticazzione") changes the
// stem too much for matching on stems alone.
func wordVariants(lang, word string) []string {
	l := analysisLang(lang)
	var out []string
	for i := range len(word) {
		if i > 0 && word[i] == word[i-1] {
			continue
		}
		out = append(out, nlp.Stem(l, word[:i]+word[i+1:]))
		if i+1 < len(word) && word[i] != word[i+1] {
			b := []byte(word)
			b[i], b[i+1] = b[i+1], b[i]
			out = append(out, nlp.Stem(l, string(b)))
		}
	}
	return out
}

func analysisLang(lang string) string {
	if lang == LangEN {
		return nlp.English
	}
	return nlp.Italian
}

var (
	mdLink     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	bareURL    = regexp.MustCompile(`https?://\S+`)
	mdMarkup   = regexp.MustCompile("[*_`#>|]+")
	listMarker = regexp.MustCompile(`^\s*(?:[-+*]|\d+[.)])\s+`)
)

// plainText strips the Markdown markup that would pollute search terms
// and passages: link targets, bare URLs, emphasis, headings, list markers.
func plainText(md string) string {
	s := mdLink.ReplaceAllString(md, "$1")
	s = bareURL.ReplaceAllString(s, " ")
	return mdMarkup.ReplaceAllString(s, "")
}

// blocks splits a Markdown body into passages: paragraphs, and each list
// item on its own, as plain text.
func blocks(md string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case listMarker.MatchString(line) || strings.HasPrefix(t, "#"):
			flush()
			cur = append(cur, strings.TrimSpace(plainText(listMarker.ReplaceAllString(line, ""))))
		default:
			cur = append(cur, strings.TrimSpace(plainText(t)))
		}
	}
	flush()
	return out
}
