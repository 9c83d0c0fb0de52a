// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"strings"
)

// Cue is one piece of evidence found in a message: a named signal
// ("everyone", "deadline_today") and the words that showed it.
type Cue struct {
	Name  string
	Match string
}

// cueNames lists the cues, in the order explanations show them.
var cueNames = []string{"security", "compromise", "no_harm", "everyone", "people_count", "group", "self", "blocked",
	"workaround", "since_today", "since_days", "deadline_today", "deadline_soon", "waiting", "question", "suggestion",
	"request", "cosmetic", "urgent_word"}

// cueLexicon maps each cue to phrases in Italian and English, folded as
// Normalize folds them. A phrase ending in "*" matches any word that
// starts with it ("bloccat*" matches "bloccato", "bloccata").
var cueLexicon = map[string][]string{
	"security": split(`virus, phishing, ransomware, riscatto, ransom, malware, data breach, violazione dei dati, violazione, rubato, rubata,
		rubati, stolen, furto, hacker, defacciat*, defaced, truffa, scam, fattura falsa, fake invoice, sospett*, suspicious, spam a tutti,
		spam to all, accessi che non ho fatto, accesses i did not make, used my credentials, usato le mie credenziali, quarantena, quarantined,
		antivirus, credenziali rubate, password was stolen, rubato la password, cifrat*, encrypted by, trojan, attacco, attack`),
	"compromise": split(`ho cliccato, ho inserito, ho dato, ho aperto un allegato, ho risposto, ho gia risposto, hanno inserito, l hanno gia aperto,
		hanno aperto, clicked, i entered, entered their, typed my, gave away, i gave, opened a suspicious, opened a fake, already opened,
		opened an attachment, used my credentials, usato le mie credenziali, rubat*, stolen, ransomware, riscatto, ransom, defacciat*, defaced,
		data breach, violazione, per errore a, by mistake, visibili da internet, reachable from the internet, cifrato da, encrypted by,
		many did, molti l hanno fatto, spam a tutti, spam to all, virus su, segnala un virus, virus alert`),
	"no_harm": split(`non ho cliccato, non l ho aperta, non l ho aperto, non ho aperto, did not click, did not open, have not clicked,
		non ho cliccato nulla, did not click anything, come riconosco, how can i recognise, how do i recognise, come si segnala, how to report,
		how do i report, spiegarmi come`),
	"everyone": split(`tutti, tutte le, tutto l ufficio, tutta la sede, tutto il palazzo, tutta l azienda, tutta la rete, tutto lo, tutta la,
		nessuno, nessun, nessuna, intero, intera, in tutto, whole, entire, everyone, everybody, nobody, no one, no user, no doctor, all users,
		all the, all doctors, all offices, every office, every department, every user, every service, every server, every counter, across the,
		many users, molti utenti, in tanti, lots of people, organisation, organization, azienda sanitaria, health authority, della provincia,
		in the province, del distretto, in the district, ogni sportello, at any counter, at every counter, all citizens, i cittadini,
		citizens cannot, nothing works, non funziona piu nulla, tutto fermo, everything has stopped, tutto e fermo, all the pcs, tutti i pc`),
	"group": split(`colleghi, colleagues, reparto, ward, gruppo, group, team, unit, department, ufficio, office, condivis*, shared, di rete,
		network printer, stampante di rete, sportello, counter, front desk, reception, sala riunioni, meeting room, sala d attesa, waiting room,
		segreteria, secretariat, accettazione, studio associato, group practice, medicina di gruppo, ambulatorio di, our, nostro, nostra,
		nostri, nostre, we, noi, piano, floor`),
	"self": split(`mio, mia, miei, mie, my, mine, io, i, me, mi, ho, sono, i m, i am, non riesco, i can not`),
	"blocked": split(`non riesco, non riescono, non posso, non possono, non funziona, non funzionano, non stampa, non stampano,
		non si collega, non si connette, non carica, non entra, non parte, non si accende, non si apre, non risponde, non stampa, non legge, fermo,
		ferma, bloccat*, irraggiungibile, inaccessibile, giu, down, can not, cannot, unable, does not work, do not work, not working, will not,
		won t, no way, fuori servizio, out of order, errore, error, errors, fails, rejects, rifiuta, nothing works, dead, mute, muti, caduta,
		went down, blue screen, schermo blu, non accetta, locked, bloccato, does not respond, not responding, times out, stuck, non mi fa,
		will not let me, keeps sending me back, mi rimanda, no credentials, senza, without, no internet, non ha l utenza, has no account`),
	"workaround": split(`per ora, intanto, comunque, riesco comunque, ma funziona, poi funziona, ma si riesce, uso il, uso la, uso quello,
		usiamo, meanwhile, for now, still works, but it works, but works, then it works, i use, we use, i manage, we manage, workaround, a mano,
		by hand, l altra funziona, the other one works, altri si, others work, the others work, gli altri si, ma posso, but i can,
		can still, posso continuare, can click through, riesco a lavorare, can work, but we can, sotto controllo, under control`),
	"since_today": split(`da stamattina, da questa mattina, stamattina, this morning, dalle, since, da un ora, da mezz ora, for an hour,
		for half an hour, da stanotte, da poco`),
	"since_days": split(`da ieri, since yesterday, da giorni, da qualche giorno, for a few days, for days, da una settimana, for a week,
		ogni tanto, now and then, every so often, sometimes, a volte, spesso, often`),
	"deadline_today": split(`oggi, entro oggi, scade oggi, in giornata, stasera, stanotte, entro mezzanotte, entro le, fra un ora,
		tra un ora, fra mezz ora, tra mezz ora, today, by today, today s, tonight, by midnight, in an hour, in half an hour, this afternoon,
		oggi pomeriggio, subito, right away, right now, adesso, by 1 pm, by 5 pm, at 3 pm, at 5 pm, pm`),
	"deadline_soon": split(`domani, tomorrow, entro venerdi, by friday, lunedi, monday, settimana prossima, next week, entro la settimana,
		by the end of the week, fine mese, end of the month, tra dieci giorni, scade, expires, entro, by`),
	"waiting": split(`pazienti in attesa, in attesa, sala d attesa piena, coda, fila, waiting, queue, davanti, at my desk, ho pazienti,
		ho visite, ho l ambulatorio, patients booked, patients in, i have patients, clinic opens, on call, di turno, di guardia, on duty,
		guardia medica, persone in attesa, people are waiting, citizens are calling, ci stanno chiamando, are calling, chiamano, in sala`),
	"question": split(`come, dove, quando, quale, quali, qual, posso, si puo, e possibile, esiste, c e, cos e, che cos, quanto, how, where,
		when, which, what, can i, may i, is there, is it, do i, does, do you, who, perche, why`),
	"suggestion": split(`sarebbe, sarebbe utile, sarebbe bello, sarebbe comodo, propongo, proposta, suggerisco, suggerimento, suggerirei, idea,
		si potrebbe, potrebbe, vi suggerisco, consiglio di, secondo me, it would, would be, would help, suggest, suggestion, proposal, propose,
		could show, could also, could be, could remember, please consider, you could, in my opinion, should be simpler, andrebbe`),
	"request": split(`vorrei, mi serve, mi servirebbe, servono, serve, richiedo, chiediamo, potete, mi potete, mi attivate, abilitatemi,
		abilitazione, installazione, installare, installate, creare, nuovo account, nuova utenza, i d like, i would like, we d like, please install,
		please enable, please disable, please rename, need, needs, could you, can you, can i have, can i get, request, richiesta, attivare,
		disattivazione, disable, enable, set up, configurare, configured`),
	"cosmetic": split(`sfondo, colore, tema, icona, logo, font, typo, errore di battitura, wallpaper, colour, color, theme, icon, label,
		cursore, pointer, misspelled, scritto male, nome sbagliato, sgranato, blurry, formato, format, accenti, accented, ortografico, spell,
		immagine, image, anteprima di stampa, print preview, piu piccolo, tiny, leggibili, hard to read`),
	"urgent_word": split(`urgente, urgenti, urgentissimo, urgentissima, urgenza, urgent, urgently, asap, emergency, emergenza, prioritario`),
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		star := strings.HasSuffix(strings.TrimSpace(p), "*")
		p = Normalize(strings.TrimSuffix(strings.TrimSpace(p), "*"))
		if p == "" {
			continue
		}
		if star {
			p += "*"
		}
		out = append(out, p)
	}
	return out
}

// phraseIndex finds phrases of a lexicon by their first word, so a
// message costs a map look-up per word instead of a scan per phrase.
type phraseIndex struct {
	first    map[string][][]string // first word → phrases, as words
	prefixes []string              // "bloccat" of "bloccat*"
}

func newPhraseIndex(ps []string) *phraseIndex {
	ix := &phraseIndex{first: map[string][][]string{}}
	for _, p := range ps {
		if strings.HasSuffix(p, "*") {
			ix.prefixes = append(ix.prefixes, strings.TrimSuffix(p, "*"))
			continue
		}
		ws := strings.Fields(p)
		ix.first[ws[0]] = append(ix.first[ws[0]], ws)
	}
	return ix
}

// find returns the longest phrase at the earliest position of words, or
// a word starting with one of the prefixes; "" when none.
func (ix *phraseIndex) find(words []string) string {
	for i, w := range words {
		best := []string(nil)
		for _, ws := range ix.first[w] {
			if len(ws) > len(best) && i+len(ws) <= len(words) && equalWords(words[i:i+len(ws)], ws) {
				best = ws
			}
		}
		if best != nil {
			return strings.Join(best, " ")
		}
		for _, p := range ix.prefixes {
			if strings.HasPrefix(w, p) {
				return w
			}
		}
	}
	return ""
}

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cueIndex is cueLexicon indexed once.
var cueIndex = func() map[string]*phraseIndex {
	m := map[string]*phraseIndex{}
	for name, ps := range cueLexicon {
		m[name] = newPhraseIndex(ps)
	}
	return m
}()

// numberWords are counts of people that mean "a group" ("i tre operatori").
var numberWords = map[string]int{"due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9,
	"dieci": 10, "venti": 20, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"twenty": 20, "several": 3, "diversi": 3, "alcuni": 3, "vari": 3, "many": 10, "molti": 10}

var peopleWords = map[string]bool{"medici": true, "operatori": true, "impiegati": true, "addetti": true, "colleghi": true,
	"utenti": true, "persone": true, "postazioni": true, "pc": true, "dipendenti": true, "doctors": true, "clerks": true,
	"employees": true, "users": true, "people": true, "workstations": true, "pcs": true, "colleagues": true, "staff": true,
	"operators": true, "nurses": true, "infermieri": true, "macchine": true, "machines": true, "computers": true, "uffici": true,
	"offices": true, "sportelli": true, "counters": true, "desks": true}

// FindCues returns the cues of a message, each once, in cueNames order,
// with the first phrase that showed it. It works on the Normalize form, so
// accents, case and punctuation do not matter.
func FindCues(text string) []Cue {
	words := Words(text)
	var out []Cue
	for _, name := range cueNames {
		if ix := cueIndex[name]; ix != nil {
			if m := ix.find(words); m != "" {
				out = append(out, Cue{Name: name, Match: m})
				continue
			}
		}
		switch name {
		case "people_count":
			if m, _ := peopleCount(words); m != "" {
				out = append(out, Cue{Name: name, Match: m})
			}
		case "question":
			if strings.Contains(text, "?") {
				out = append(out, Cue{Name: name, Match: "?"})
			}
		}
	}
	return out
}

// peopleCount finds "<number> <up to one word> <people>" and returns the
// phrase and the number.
func peopleCount(words []string) (string, int) {
	for i, w := range words {
		n, ok := numberWords[w]
		if !ok {
			if v, isNum := smallNumber(w); isNum {
				n, ok = v, v >= 2
			}
		}
		if !ok {
			continue
		}
		for j := i + 1; j <= i+2 && j < len(words); j++ {
			if peopleWords[words[j]] {
				return strings.Join(words[i:j+1], " "), n
			}
		}
	}
	return "", 0
}

func smallNumber(w string) (int, bool) {
	if !isDigits(w) || len(w) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(w); i++ {
		n = n*10 + int(w[i]-'0')
	}
	return n, true
}

// hasCue reports whether cues holds name.
func hasCue(cues []Cue, name string) bool {
	for _, c := range cues {
		if c.Name == name {
			return true
		}
	}
	return false
}
