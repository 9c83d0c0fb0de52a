// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"strings"

	"helpdesk/nlp"
)

// Short user queries name a thing and say it is broken: "ricetta non va",
// "telefono non va", "vpn won't connect". The words that say "broken"
// carry no topic and rarely meet the entry's own ("La ricetta elettronica
// non parte o resta in attesa"), so a short query matches a how-to entry
// on the same thing as well as the troubleshooting one. Search marks the
// queries and the entries (by their title and phrasings) that speak of a
// fault, and the ranking prefers, among entries on the same topic, the
// kind of entry the query asks for.

// troubleWords say by themselves that something is wrong (folded, as
// nlp.Words returns them; prefixes end in '*').
var troubleWords = wordSet(`
	errore errori error errors guasto guasti bloccato bloccata bloccati bloccate impallato
	impallata piantato piantata giu down broken fails failed failing failure stuck locked
	rifiutato rifiutata rifiuta rejected rejects scaduto scaduta expired muto muta dead
	fallito fallita disservizio outage lento lenta slow
`)

// negated are the verbs that say a fault after a negation ("non va",
// "non si collega", "does not work", "won't connect").
var negated = wordSet(`
	va vanno funziona funzionano funge parte partono apre accende risponde collega connette
	stampa legge riconosce prende accetta accettato arriva arrivano invia inviata manda
	entra carica vede rileva esce disponibile
	work works working connect connects connecting start starts open opens print prints
	read reads accept accepted accepting arrive arriving send sent sending recognise
	recognised recognize recognized load loads respond responding available
`)

var negations = wordSet(`non nn nun not no cannot cant`)

// skippable may stand between a negation and its verb ("non si collega",
// "non mi va", "non più parte", "does not really work").
var skippable = wordSet(`si mi ci ti piu be really get gets`)

// isTrouble reports whether text says that something does not work.
func isTrouble(text string) bool {
	ws := nlp.Words(text)
	for i, w := range ws {
		if _, ok := troubleWords[w]; ok {
			return true
		}
		if _, ok := negations[w]; !ok {
			continue
		}
		for j := i + 1; j < len(ws) && j <= i+3; j++ {
			if _, ok := negated[ws[j]]; ok {
				return true
			}
			if _, ok := skippable[ws[j]]; !ok {
				break
			}
		}
	}
	return false
}

// entryTrouble reports whether an entry is about a fault: its title or one
// of its phrasings says so.
func entryTrouble(e *Entry) bool {
	return isTrouble(e.Title + " . " + strings.Join(e.Questions, " . "))
}
