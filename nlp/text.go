// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/italian"
	"golang.org/x/text/unicode/norm"
)

// Languages the analysis knows. Any other value is treated as Italian,
// the help desk's first language.
const (
	Italian = "it"
	English = "en"
)

// Normalize folds text to the form every later step expects: lower case,
// accents removed ("perché" → "perche"), punctuation turned into single
// spaces. It never drops a word, so a classifier can still see negations
// and articles:
//
//   - Italian elisions are split from their word: "l'utente" → "l utente",
//     "dell'app" → "dell app", "un'altra" → "un altra";
//   - an apostrophe typed instead of an accent is dropped: "perche'" → "perche",
//     "e'" → "e";
//   - English "n't" becomes " not" ("doesn't" → "does not", "can't" → "can not",
//     and so do "doesnt", "cant", "wont" typed without the apostrophe);
//     a possessive "'s" is dropped;
//   - a hyphen joins a short prefix to its word ("e-mail" → "email",
//     "wi-fi" → "wifi", "log-in" → "login") and otherwise separates two words
//     ("smart-card" → "smart card").
//
// The result is a space-separated list of words (letters and digits).
func Normalize(text string) string {
	return strings.Join(Words(text), " ")
}

// Words returns the words of Normalize(text), in order, without allocating
// the joined string.
func Words(text string) []string {
	folded := fold(text)
	var out []string
	// Split on anything that is not a letter, a digit, an apostrophe or a
	// hyphen; apostrophes and hyphens are resolved per chunk below.
	for _, chunk := range strings.FieldsFunc(folded, func(r rune) bool {
		return !(isWordRune(r) || r == '\'' || r == '-')
	}) {
		out = appendChunk(out, chunk)
	}
	return out
}

// isWordRune reports whether r belongs inside a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// appendChunk resolves hyphens, then apostrophes, in one chunk of letters,
// digits, apostrophes and hyphens.
func appendChunk(out []string, chunk string) []string {
	parts := strings.Split(chunk, "-")
	// Join pieces when one is short (≤ 2 letters: e-mail, wi-fi, log-in);
	// two longer pieces stay words of their own (smart-card, sick-leave).
	var pieces []string
	for i := 0; i < len(parts); i++ {
		p := strings.Trim(parts[i], "'")
		if p == "" {
			continue
		}
		for i+1 < len(parts) && !strings.Contains(p, "'") && joinable(p, strings.Trim(parts[i+1], "'")) {
			i++
			p += strings.Trim(parts[i], "'")
		}
		pieces = append(pieces, p)
	}
	for _, p := range pieces {
		out = appendApostrophes(out, p)
	}
	return out
}

func runeCount(s string) int { return len([]rune(s)) }

// joinable reports whether a hyphenated pair is one word written in two.
func joinable(a, b string) bool {
	return b != "" && (runeCount(a) <= 2 || runeCount(b) <= 2)
}

// appendApostrophes splits a piece at its inner apostrophes.
func appendApostrophes(out []string, p string) []string {
	p = strings.Trim(p, "'")
	if p == "" {
		return out
	}
	if !strings.Contains(p, "'") {
		if full, ok := bareContractions[p]; ok {
			return append(out, full...)
		}
		return append(out, p)
	}
	if strings.HasSuffix(p, "n't") {
		stem := strings.TrimSuffix(p, "n't")
		switch stem {
		case "ca":
			stem = "can"
		case "wo":
			stem = "will"
		case "sha":
			stem = "shall"
		}
		if stem != "" {
			out = append(out, stem)
		}
		return append(out, "not")
	}
	p = strings.TrimSuffix(p, "'s")
	for _, w := range strings.Split(p, "'") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// bareContractions are English negations typed without the apostrophe
// ("dont", "wont"), as people do in chat; they become what "don't" and
// "won't" become.
var bareContractions = map[string][]string{
	"dont": {"do", "not"}, "doesnt": {"does", "not"}, "didnt": {"did", "not"},
	"cant": {"can", "not"}, "cannot": {"can", "not"}, "wont": {"will", "not"},
	"isnt": {"is", "not"}, "arent": {"are", "not"}, "wasnt": {"was", "not"},
	"werent": {"were", "not"}, "couldnt": {"could", "not"}, "shouldnt": {"should", "not"},
	"wouldnt": {"would", "not"}, "havent": {"have", "not"}, "hasnt": {"has", "not"},
	"hadnt": {"had", "not"},
}

// fold lower-cases text, removes diacritics and maps typographic
// apostrophes and dashes to ASCII ones.
func fold(text string) string {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(text)
	}
	var b strings.Builder
	b.Grow(len(text))
	// Invalid bytes would stop NFD from decomposing what follows them.
	for _, r := range norm.NFD.String(strings.ToValidUTF8(text, " ")) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’' || r == '‘' || r == '`' || r == '´' || r == 'ʼ':
			b.WriteByte('\'')
		case r == '‐' || r == '‑' || r == '–':
			b.WriteByte('-')
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// IsStopWord reports whether word (already normalised) is a stop word of
// lang: a function word that carries no topic ("il", "della", "the", "non").
// Elided forms that Normalize splits off ("l", "dell", "un") are included.
func IsStopWord(lang, word string) bool {
	if lang == English {
		_, ok := stopEN[word]
		return ok
	}
	_, ok := stopIT[word]
	return ok
}

// Stem returns the Snowball stem of a normalised word in lang ("stampanti"
// → "stampant", "printers" → "printer"). Words of digits are returned as
// they are.
func Stem(lang, word string) string {
	if word == "" || isDigits(word) {
		return word
	}
	env := snowballstem.NewEnv(word)
	if lang == English {
		english.Stem(env)
	} else {
		italian.Stem(env)
	}
	return env.Current()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Analyze is the analysis search and classifiers share: Normalize, drop
// stop words of lang, stem what remains. The order of words is kept;
// repeated stems are kept too (callers count them if they want).
func Analyze(lang, text string) []string {
	words := Words(text)
	out := words[:0]
	for _, w := range words {
		if IsStopWord(lang, w) {
			continue
		}
		out = append(out, Stem(lang, w))
	}
	return out
}

// set builds a lookup set from a space-separated list.
func set(words string) map[string]struct{} {
	m := make(map[string]struct{})
	for _, w := range strings.Fields(words) {
		m[w] = struct{}{}
	}
	return m
}

// Stop words: function words only, already folded (no accents). Negations
// ("non", "not", "no") and greetings are deliberately not here: a classifier
// needs them; search drops what it does not want on its own.
var (
	stopIT = set(`
		a ad al allo alla ai agli alle all c ci col coi con d da dal dallo dalla dai dagli dalle dall
		de del dello della dei degli delle dell di e ed fra gli i il in l la le li lo m ma ne nel
		nello nella nei negli nelle nell n o od per s si su sul sullo sulla sui sugli sulle sull t
		tra un uno una v
		anche anch come com cosa cos che chi cui dove dov quale quali qual quando quanto quanti
		se pero oppure quindi poi perche mentre anzi cioe ossia
		io tu lui lei noi voi loro me te mi ti vi lo ne mio mia miei mie tuo tua tuoi tue suo sua
		suoi sue nostro nostra nostri nostre vostro vostra vostri vostre
		questo questa questi queste quest quello quella quelli quelle quell quei quegli stesso stessa
		essere sono sei siamo siete era erano ero sara saranno sia siano stato stata stati state
		avere ho hai ha abbiamo avete hanno avevo aveva avuto abbia
		posso puoi puo possiamo potete possono potrei potrebbe devo devi deve dobbiamo dovete devono
		dovrei dovrebbe voglio vuoi vuole vorrei
		fare faccio fa fanno fatto
		piu molto molta molti molte poco po gia ancora sempre mai ora adesso solo tutto tutta tutti
		tutte tutt altro altra altri altre ogni qualche qualcosa nessun nessuno
		ecco cosi tanto tanta
	`)
	stopEN = set(`
		a an the and or but if of to in on at by for with from into onto about as than then so
		is are was were be been being am do does did doing done have has had having
		i me my mine we us our ours you your yours he him his she her hers it its they them their
		theirs this that these those there here what which who whom whose when where why how
		can could would should will shall may might must
		too very just also any some all each both more most such own same other another
		up down out off over under again only s t d ll re ve m
		get got
	`)
)
