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
	l := analysisLang(lang)
	var out []string
	for _, w := range nlp.Words(text) {
		if _, ok := fillers[w]; ok || nlp.IsStopWord(l, w) {
			continue
		}
		out = append(out, nlp.Stem(l, w))
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
