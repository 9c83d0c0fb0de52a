// SPDX-License-Identifier: EUPL-1.2

package nlp

// Asking for a ticket or a person, the way users write it. The engine
// recognises these before any knowledge-base search.
var (
	openTicketPhrases = list(`aprire una segnalazione, aprire segnalazione, apri una segnalazione, apri segnalazione, aprite una segnalazione,
		aprire un ticket, aprire ticket, apri un ticket, apri ticket, aprite un ticket, aprirmi un ticket, aprirmi una segnalazione,
		fare una segnalazione, fare segnalazione, faccio una segnalazione, nuova segnalazione, nuovo ticket, nuova richiesta di assistenza,
		inviare una segnalazione, mandare una segnalazione, registrare una segnalazione, vorrei segnalare, voglio segnalare, devo segnalare,
		segnalare un problema, segnalare un guasto, apertura ticket, apertura segnalazione, aprire una richiesta, aprire una pratica,
		open a ticket, open a new ticket, open a case, create a ticket, raise a ticket, file a ticket,
		submit a ticket, log a ticket, new ticket, report a problem, report an issue, report a fault, i want to report, i would like to report`)

	// requestWords are the words of such requests: what is left once they
	// (and stop words) are taken away is the user's description, if any.
	requestWords = set(`vorrei voglio volevo devo posso potete potreste puoi per favore cortesia gentilmente aprire apri aprite
		aprirmi fare faccio nuova nuovo inviare mandare registrare segnalare segnalazione ticket richiesta pratica apertura
		assistenza parlare operatore operatrice persona umano tecnico agente qualcuno passami passatemi vera reale subito
		please want would like need open create raise file submit log new report problem issue fault talk speak operator
		person human agent someone real someone case una uno un con with an a the to i me mi ci ho bisogno need`)

	// typoTargets are the words a request hinges on: a word one edit away
	// from one of them ("segnalzione", "opertore", "tiket") is read as it.
	typoTargets = []string{"segnalazione", "segnalare", "operatore", "operatrice", "ticket", "annulla", "annullare",
		"aprire", "persona", "richiesta", "operator", "cancel", "person", "assistenza", "parlare"}
)

// RequestOnly reports whether text only asks for a ticket or a person,
// with no description of the problem ("vorrei aprire una segnalazione",
// "voglio un operatore"): the engine then asks for one, or queues the
// conversation with what was said before.
func RequestOnly(text, lang string) bool {
	left := 0
	for _, w := range correctTypos(Words(text)) {
		if _, ok := requestWords[w]; ok || IsStopWord(lang, w) || len(w) <= 2 {
			continue
		}
		left++
	}
	return left < 2
}

// correctTypos replaces words one edit (insertion, deletion, substitution
// or swap of neighbours) away from a request word by that word. Short
// words are left alone: at four letters one edit makes another word.
func correctTypos(words []string) []string {
	for i, w := range words {
		if len(w) < 5 || isTypoTarget(w) {
			continue
		}
		for _, t := range typoTargets {
			if w != t && oneEdit(w, t) {
				words[i] = t
				break
			}
		}
	}
	return words
}

func isTypoTarget(w string) bool {
	for _, t := range typoTargets {
		if w == t {
			return true
		}
	}
	return false
}

// oneEdit reports whether a and b differ by exactly one edit (the optimal
// string alignment distance is 1).
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swap
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}
