// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"regexp"
	"strconv"
	"strings"
)

// IntentKind is what a message wants from the bot.
type IntentKind string

// The intents the conversation engine acts on.
const (
	IntentGreeting     IntentKind = "greeting"
	IntentThanksBye    IntentKind = "thanks_bye"
	IntentHuman        IntentKind = "human"         // asks for an operator
	IntentOpenTicket   IntentKind = "open_ticket"   // asks to open a ticket ("vorrei aprire una segnalazione")
	IntentTicketStatus IntentKind = "ticket_status" // asks where a ticket stands
	IntentProblem      IntentKind = "problem"       // describes a problem or asks a question
	IntentFeedbackYes  IntentKind = "feedback_yes"  // "yes", "solved", "it worked"
	IntentFeedbackNo   IntentKind = "feedback_no"   // "no", "still broken"
	IntentCancel       IntentKind = "cancel"
	IntentSuggestion   IntentKind = "suggestion" // an improvement for the service
	IntentSmallTalk    IntentKind = "smalltalk"  // small talk or out of scope
)

// IntentKinds lists every intent, for evaluation tables.
var IntentKinds = []IntentKind{IntentGreeting, IntentThanksBye, IntentHuman, IntentOpenTicket, IntentTicketStatus, IntentProblem,
	IntentFeedbackYes, IntentFeedbackNo, IntentCancel, IntentSuggestion, IntentSmallTalk}

// Intent is the classification of one message.
type Intent struct {
	Kind IntentKind
	// Confidence in [0, 1]. Below about 0.5 the engine should prefer the
	// dialogue's expectation (after "Did this solve it?", a bare "ok" is
	// feedback) or ask.
	Confidence float64
	// TicketRef is the ticket number the message names: the full public
	// number ("HD-2026-000123") when written in full, otherwise the bare
	// sequence ("123"), empty when there is none. It is filled for any
	// intent, so "annulla il ticket 45" carries 45 too.
	TicketRef string
	// Cue is the phrase that decided, for logs and tests.
	Cue string
}

// ticketFull matches a public ticket number, tolerating spaces, dots or
// no separator and a short sequence ("hd 2026 123").
var ticketFull = regexp.MustCompile(`(?i)\bhd[\s\-_./]*(\d{4})[\s\-_./]*(\d{1,6})\b`)

// ticketBare matches a bare number after a ticket-ish word or a "#", "n."
// marker. It runs on the Normalize form, where "#" and "." are spaces, so
// the markers are words.
var ticketBare = regexp.MustCompile(`\b(?:ticket|tickets|pratica|richiesta|segnalazione|numero|num|nr|n|no|number|stato|status|id|caso|case|request)\s+(?:n\s+|nr\s+|numero\s+|number\s+|no\s+)?(\d{1,9})\b`)

// hashNumber matches "#123" in the raw text.
var hashNumber = regexp.MustCompile(`#\s?(\d{1,9})\b`)

// ExtractTicketRef returns the ticket number a message names: the full
// public number normalised to HD-YYYY-NNNNNN, or the bare number, or "".
func ExtractTicketRef(text string) string {
	if m := ticketFull.FindStringSubmatch(text); m != nil {
		seq, _ := strconv.Atoi(m[2])
		return "HD-" + m[1] + "-" + leftPad(strconv.Itoa(seq), 6)
	}
	if m := hashNumber.FindStringSubmatch(text); m != nil {
		return trimZeros(m[1])
	}
	if m := ticketBare.FindStringSubmatch(Normalize(text)); m != nil {
		return trimZeros(m[1])
	}
	return ""
}

func leftPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

func trimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}

// phrases is a set of normalised phrases matched on word boundaries. Each
// is stored with a space on both sides, so matching allocates nothing.
type phrases []string

func list(s string) phrases {
	var out phrases
	for _, p := range strings.Split(s, ",") {
		if p = Normalize(p); p != "" {
			out = append(out, " "+p+" ")
		}
	}
	return out
}

// find returns the first phrase found in padded (" w1 w2 … "), unpadded.
func (ps phrases) find(padded string) string {
	for _, p := range ps {
		if strings.Contains(padded, p) {
			return p[1 : len(p)-1]
		}
	}
	return ""
}

// startsWith returns the phrase padded begins with, unpadded.
func (ps phrases) startsWith(padded string) string {
	for _, p := range ps {
		if strings.HasPrefix(padded, p) {
			return p[1 : len(p)-1]
		}
	}
	return ""
}

// Lexicons, Italian and English together: a message is often mixed and
// the phrases rarely collide.
var (
	greetingWords = list(`ciao, salve, buongiorno, buonasera, buon pomeriggio, buondi, buona sera, hey, hi, hello, hallo, good morning,
		good afternoon, good evening, ehi, ehila, hola, hi there, hello there, morning, a tutti, all, everyone, there, bot, assistente, assistant`)
	thanksByeWords = list(`grazie, grazie mille, mille grazie, ti ringrazio, vi ringrazio, ringrazio, arrivederci, a presto, buona giornata,
		buona serata, buon lavoro, ciao ciao, thanks, thank you, thank you very much, thanks a lot, many thanks, thx, ty, bye, bye bye, goodbye,
		see you, have a nice day, have a good day, cheers, alla prossima, a dopo, gentilissimi, gentilissimo, gentile, kind, very kind`)
	fillerWords = list(`ok, okay, va bene, perfetto, ottimo, benissimo, great, perfect, fine, good, nice, allora, so, well, e, and, molto, very,
		tante, tanto, much, again, ancora, di nuovo, tutto, everything, per, for, the, help, aiuto, l, il, la, your, vostro, tuo, you, a, ti, vi,
		per l, davvero, really, super, grande, top, so much, mille, tutti, voi, te, cortese, cortesia, sera, serata, giornata, day, a tutti,
		sono, i am, this is, qui, here, it s, di nuovo`)
	okOnly       = list(`ok, okay, va bene, d accordo, capito, got it, understood, alright, all right`)
	humanPhrases = list(`operatore, un operatore, operatrice, persona vera, persona reale, una persona, essere umano, umano, parlare con qualcuno,
		parlare con un tecnico, un tecnico, tecnico, agente, passami, passatemi, voglio parlare, posso parlare, mi chiami, chiamatemi, richiamatemi,
		human, a human, real person, a person, someone real, talk to someone, speak to someone, talk to a person, speak to a person, operator,
		an agent, live agent, agent, talk to an agent, call me, call me back, technician, support staff, un umano, una persona fisica`)
	statusPhrases = list(`a che punto, che punto, stato del ticket, stato della richiesta, stato della pratica, stato della segnalazione, stato ticket,
		lo stato, qual e lo stato, stato del, stato della, novita, aggiornamenti, aggiornamento, notizie, ci sono novita, il mio ticket, mio ticket, la mia segnalazione, la mia richiesta,
		status, status of, ticket status, my ticket, my request, any update, any updates, update on, news on, progress, where is my,
		what happened to my, e stato preso in carico, preso in carico, been picked up, tracking, traccia, seguire il ticket, track`)
	cancelPhrases = list(`annulla, annullare, annullate, annulli, lascia perdere, lascia stare, lasciate perdere, non importa, non fa niente,
		non serve piu, non serve, ritiro, chiudi il ticket, chiudete il ticket, chiudere il ticket, stop, basta, cancel, cancel it, never mind,
		nevermind, forget it, forget about it, no longer needed, not needed anymore, do not need it, close my ticket, close the ticket, withdraw,
		abort, cancella, cancellate, cancellare, elimina la richiesta`)
	suggestionPhrases = list(`suggerimento, suggerimenti, suggerisco, suggerirei, propongo, proposta, proporrei, sarebbe utile, sarebbe bello,
		sarebbe comodo, sarebbe meglio, sarebbe carino, si potrebbe, si potrebbero, potreste aggiungere, idea, un idea, consiglio di, miglioramento,
		migliorare il servizio, migliorie, suggestion, suggestions, i suggest, suggest, propose, i propose, proposal, it would be nice,
		it would be great, it would be useful, it would help, would be nice, would be great, would be useful, would be handy, could you add,
		you could add, feature request, improvement, improve the service, idea for, my idea, wish, vorrei suggerire, would like to suggest`)
	yesPhrases = list(`si, sì, yes, yep, yeah, yup, certo, certamente, esatto, risolto, ha funzionato, funziona, ora funziona, adesso funziona,
		funziona ora, tutto a posto, tutto ok, a posto, problema risolto, risolto grazie, solved, it worked, worked, works, works now, it works,
		fixed, all good, sorted, resolved, problem solved, that did it, that helped, mi e stato utile, utile, helpful, was helpful, correct,
		giusto, ok risolto, proprio cosi, that s it, thats it, y`)
	noPhrases = list(`no, nope, non risolto, non e risolto, non ha funzionato, non funziona ancora, ancora non funziona, non funziona, non va,
		ancora niente, niente da fare, non e servito, non mi e stato utile, non utile, not solved, not resolved, did not work, does not work,
		still not working, still broken, still does not work, not working, no luck, did not help, not helpful, not fixed, no it did not,
		unsolved, nope still, negativo, purtroppo no, sbagliato, wrong, n`)
	smallTalkPhrases = list(`come stai, come va, tutto bene, chi sei, cosa sei, sei un robot, sei un bot, sei umano, come ti chiami, barzelletta,
		raccontami, che tempo fa, meteo, che ore sono, ti amo, sei simpatico, sei stupido, partita, calcio, juve, inter, milan, 
		pizza, caffe, how are you, who are you, what are you, are you a bot, are you a robot, are you human, what is your name, your name,
		joke, tell me a joke, weather, what time is it, i love you, you are stupid, football, soccer, pizza, coffee, lol, ahah, haha, lunch,
		pranzo, weekend, vacanze, holiday plans, sing, canta, poesia, poem, meaning of life, test, prova, testing, blah, asdf`)
	problemPhrases = list(`non funziona, non va, non riesco, non posso, non si apre, non parte, non si accende, non stampa, non vedo, non trovo,
		non mi arriva, non ricevo, errore, problema, problemi, guasto, bloccato, bloccata, blocca, lento, lenta, rotto, rotta, si blocca,
		come faccio, come si, come posso, dove trovo, dove si, posso, vorrei, mi serve, serve, ho bisogno, aiuto, help, does not work,
		do not work, is not working, not working, can not, cannot, unable, error, problem, issue, broken, stuck, slow, crash, crashes, fails,
		failed, down, how do i, how can i, how to, where can i, where do i, i need, need, i would like, i d like, can you, could you, please,
		password, stampante, printer, vpn, email, mail, pec, firma, ricetta, ricette, certificato, account, login, accesso, access, portal,
		portale, scanner, pc, computer, software, programma, gestionale, internet, wifi, rete, network, server, telefono, phone, smart card`)
)

// Classify tells what a message wants. lang is the conversation's language
// (Italian or English); the lexicons hold both languages, so lang only
// matters for stemming fallbacks. Classify never fails: an empty or
// unreadable message is small talk with zero confidence.
func Classify(text, lang string) Intent {
	ref := ExtractTicketRef(text)
	words := correctTypos(Words(text))
	if len(words) == 0 {
		return Intent{Kind: IntentSmallTalk, TicketRef: ref}
	}
	padded := " " + strings.Join(words, " ") + " "
	n := len(words)
	hasQuestion := strings.Contains(text, "?")
	problem := problemPhrases.find(padded)
	mk := func(k IntentKind, conf float64, cue string) Intent {
		return Intent{Kind: k, Confidence: conf, TicketRef: ref, Cue: cue}
	}

	// A short message that starts by cancelling is a cancel, whatever
	// follows ("annulla il ticket 45", "never mind, it works now").
	if c := cancelPhrases.startsWith(padded); c != "" && n <= 8 {
		return mk(IntentCancel, 0.9, c)
	}
	if c := cancelPhrases.find(padded); c != "" && n <= 6 && c != "stop" && c != "basta" {
		return mk(IntentCancel, 0.75, c)
	}
	if c := humanPhrases.find(padded); c != "" {
		return mk(IntentHuman, 0.85, c)
	}
	// Asking to open a ticket comes before status and search: "vorrei
	// aprire una segnalazione" names no topic, and the word "segnalare"
	// would otherwise find the phishing FAQ.
	if c := openTicketPhrases.find(padded); c != "" && statusPhrases.find(padded) == "" {
		return mk(IntentOpenTicket, 0.85, c)
	}
	// Status: a ticket number, or a status phrase together with a ticket
	// word; a status phrase alone in a short message counts too.
	c := statusPhrases.find(padded)
	if c == "" && strings.HasPrefix(padded, " stato ") {
		c = "stato"
	}
	if c != "" || ref != "" {
		ticketWord := ref != "" || ticketWords.find(padded) != ""
		switch {
		case strings.HasPrefix(ref, "HD-") && (problem == "" || c != ""):
			return mk(IntentTicketStatus, 0.95, "ticket number")
		case c != "" && ticketWord:
			return mk(IntentTicketStatus, 0.9, c)
		case ref != "" && n <= 4:
			return mk(IntentTicketStatus, 0.7, "number")
		case c != "" && n <= 6 && problem == "":
			return mk(IntentTicketStatus, 0.6, c)
		}
	}
	if c := suggestionPhrases.find(padded); c != "" {
		return mk(IntentSuggestion, 0.85, c)
	}
	// Feedback answers are short. A feedback phrase counts only when what
	// is left around it names no topic: "non funziona ancora" is feedback,
	// "la VPN non funziona" is a problem.
	if n <= 7 {
		bare := func(c string) bool {
			return problemPhrases.find(strings.Replace(padded, " "+c+" ", " ", 1)) == ""
		}
		if c := noPhrases.startsWith(padded); c != "" && (c == "no" || c == "nope" || bare(c)) {
			return mk(IntentFeedbackNo, 0.85, c)
		}
		if c := noPhrases.find(padded); c != "" && c != "no" && c != "n" && bare(c) {
			return mk(IntentFeedbackNo, 0.75, c)
		}
		if c := yesPhrases.startsWith(padded); c != "" && bare(c) {
			return mk(IntentFeedbackYes, 0.85, c)
		}
		if c := yesPhrases.find(padded); c != "" && c != "y" && c != "si" && bare(c) {
			return mk(IntentFeedbackYes, 0.7, c)
		}
		if okOnly.startsWith(padded) != "" && onlyFrom(padded, okOnly, fillerWords) {
			// "ok" after an answer most often means it helped; the low
			// confidence tells the engine to trust its own expectation.
			return mk(IntentFeedbackYes, 0.4, "ok")
		}
	}
	// Only greetings, thanks and filler words: a closing or an opening.
	if onlyFrom(padded, thanksByeWords, greetingWords, fillerWords) {
		if c := thanksByeWords.find(padded); c != "" {
			return mk(IntentThanksBye, 0.9, c)
		}
		if c := greetingWords.find(padded); c != "" {
			return mk(IntentGreeting, 0.9, c)
		}
	}
	if c := smallTalkPhrases.find(padded); c != "" && problem == "" {
		return mk(IntentSmallTalk, 0.8, c)
	}
	if problem != "" {
		return mk(IntentProblem, 0.8, problem)
	}
	if hasQuestion && n >= 3 {
		return mk(IntentProblem, 0.6, "?")
	}
	if c := greetingWords.startsWith(padded); c != "" && n <= 4 {
		return mk(IntentGreeting, 0.6, c)
	}
	if c := thanksByeWords.find(padded); c != "" && n <= 5 {
		return mk(IntentThanksBye, 0.6, c)
	}
	// Enough content words to be a description: a problem the bot did not
	// recognise; fewer is out of scope.
	content := 0
	for _, w := range words {
		if !IsStopWord(lang, w) && len(w) > 2 {
			content++
		}
	}
	if content >= 4 {
		return mk(IntentProblem, 0.45, "long message")
	}
	return mk(IntentSmallTalk, 0.3, "")
}

var ticketWords = list(`ticket, pratica, richiesta, segnalazione, request, case, numero, number`)

// onlyFrom reports whether every word of padded belongs to a phrase of one
// of the sets, greedily taking the longest phrase at each position.
func onlyFrom(padded string, sets ...phrases) bool {
	words := strings.Fields(padded)
	for i := 0; i < len(words); {
		best := 0
		for _, set := range sets {
			for _, p := range set {
				p = p[1 : len(p)-1]
				pw := strings.Count(p, " ") + 1
				if pw > best && i+pw <= len(words) && strings.Join(words[i:i+pw], " ") == p {
					best = pw
				}
			}
		}
		if best == 0 {
			// A name closing a greeting ("ciao Marco", "sono Anna",
			// "grazie Luca") is fine.
			prev := ""
			if i > 0 {
				prev = words[i-1]
			}
			if i == len(words)-1 && len(words) <= 4 && (prev == "sono" || prev == "am" || prev == "is" ||
				greetingWords.find(" "+prev+" ") != "" || thanksByeWords.find(" "+prev+" ") != "") &&
				problemPhrases.find(" "+words[i]+" ") == "" {
				i++
				continue
			}
			return false
		}
		i += best
	}
	return true
}
