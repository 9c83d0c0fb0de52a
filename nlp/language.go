// SPDX-License-Identifier: EUPL-1.2

package nlp

import "strings"

// Detection is the language guessed for a message.
type Detection struct {
	// Lang is Italian or English: the guess when Sure, otherwise the
	// fallback the caller passed (the channel profile's language).
	Lang string
	// Confidence is in [0, 1]: how far apart the two languages' evidence is.
	Confidence float64
	// Sure is false when the message says too little ("ok", "123", an
	// emoji) or mixes both languages; Lang is then the fallback.
	Sure bool
}

// minSure is the confidence below which DetectLanguage falls back. It is
// set so that one distinctive word ("grazie", "thanks") is enough, while a
// tie or a bare "ok" is not.
const minSure = 0.5

// DetectLanguage guesses whether a short message is Italian or English.
// Help-desk messages are short and full of shared technical words
// ("PC", "VPN", "email", "password"), so character n-gram models trained
// on prose do poorly; instead each word votes with a weight when it is a
// function word, a greeting or a help-desk word typical of one language,
// and word endings add a weak vote (Italian words end in a vowel). When the
// evidence is thin or balanced, fallback (the channel profile's language)
// wins; an unknown fallback counts as Italian.
func DetectLanguage(text, fallback string) Detection {
	if fallback != English {
		fallback = Italian
	}
	var it, en float64
	words := Words(text)
	for i, w := range words {
		it += itWords[w]
		en += enWords[w]
		if i > 0 {
			pair := words[i-1] + " " + w
			it += itWords[pair]
			en += enWords[pair]
		}
		if len(w) >= 4 && !isDigits(w) {
			switch last := w[len(w)-1]; {
			case strings.IndexByte("aeio", last) >= 0:
				it += 0.15
			case strings.IndexByte("bdfghkmnprstwy", last) >= 0:
				en += 0.15
			}
			if strings.Contains(w, "zion") || strings.Contains(w, "gli") || strings.HasSuffix(w, "mente") {
				it += 0.3
			}
			if strings.HasSuffix(w, "ing") || strings.HasSuffix(w, "tion") || strings.Contains(w, "th") || strings.ContainsAny(w, "wky") {
				en += 0.3
			}
		}
	}
	// Accented letters are Italian in this desk's two languages.
	if strings.ContainsAny(text, "àèéìòùÀÈÉÌÒÙ") {
		it += 0.8
	}
	total := it + en
	if total == 0 {
		return Detection{Lang: fallback}
	}
	lang, top, other := Italian, it, en
	if en > it {
		lang, top, other = English, en, it
	}
	// Margin over total, damped while the total evidence is small.
	conf := (top - other) / total * (total / (total + 0.4))
	if conf < minSure {
		return Detection{Lang: fallback, Confidence: conf}
	}
	return Detection{Lang: lang, Confidence: conf, Sure: true}
}

// weights builds a word → weight table from "weight: words…" lines.
func weights(spec string) map[string]float64 {
	m := map[string]float64{}
	for _, line := range strings.Split(spec, "\n") {
		w, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var weight float64
		switch strings.TrimSpace(w) {
		case "strong":
			weight = 2
		case "medium":
			weight = 1
		case "weak":
			weight = 0.5
		}
		for _, p := range strings.Split(rest, ",") {
			if p = strings.TrimSpace(p); p != "" {
				m[p] = weight
			}
		}
	}
	return m
}

// Words of one language only, folded as Normalize folds them. Words both
// languages use ("no", "ok", "email", "a", "in", "computer") are absent.
// Two-word entries are matched on adjacent words.
var (
	itWords = weights(`
strong: ciao, buongiorno, buonasera, salve, grazie, arrivederci, buondi, per favore, cortesemente, vorrei, riesco, funziona, perche, sono, della, delle, degli, nella, sulla, stampante, non riesco, non funziona, posso, dove, quando, aiuto, scusate, scusa, operatore, annulla, lascia perdere, ancora, gia, niente, nessuno, tutti, ufficio, oggi, domani, ieri, stamattina, pazienti, ricette, ricetta, mio, mia, miei, anche, pero, questo, questa, sempre, dopo, prima, bene, male, problema, errore, si, risolto, grazie mille
medium: il, lo, la, gli, le, un, una, di, da, del, dei, che, non, per, con, su, mi, ci, ho, ha, hanno, come, cosa, chi, qual, quale, va, fa, sto, stato, mai, piu, molto, tutto, ogni, solo, devo, deve, serve, nuovo, nuova, collega, colleghi, ticket numero, sportello, pratica, pratiche, firma, posta, rete, accesso, utenza, certificato, medico, grazie ancora
weak: e, o, ma, se, al, alla, allo, ai, nel
`)
	enWords = weights(`
strong: hello, hi, hey, thanks, thank, please, bye, goodbye, the, can not, does not, do not, is not, did not, cannot, cant, doesnt, dont, isnt, didnt, wont, my, printer, not working, where, when, why, what, which, would, could, should, need, help, operator, cancel, never mind, nobody, everyone, office, today, tomorrow, yesterday, morning, patients, prescription, prescriptions, still, already, nothing, error, problem, yes, solved, works, worked, thx, human, someone, status, update, anything, whole
medium: is, are, was, were, be, been, have, has, had, i, you, we, they, it, this, that, these, those, of, to, with, for, from, and, on, at, by, an, can, will, get, got, how, who, me, our, your, their, there, here, new, colleague, colleagues, again, every, all, some, any, since, after, before, just, only, very, much, about, login, log in, access, account, mailbox, certificate, doctor
weak: or, but, if, as, so, up, out
`)
)
