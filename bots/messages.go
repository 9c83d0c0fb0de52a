// SPDX-License-Identifier: EUPL-1.2

package bots

import "helpdesk/internal/i18n"

// botText is every string the bot says, in Italian and English, by key.
var botText = i18n.Catalog{
	"greeting": {
		"it": "Ciao%s! Sono l'assistente dell'help desk. Posso cercare una risposta nelle nostre guide, aprire una segnalazione, dirti a che punto è un ticket o passarti a un operatore. Scrivi pure il problema con parole tue.",
		"en": "Hello%s! I am the help desk assistant. I can look for an answer in our guides, open a ticket, tell you where a ticket stands or put you through to an operator. Just describe the problem in your own words.",
	},
	"ratelimit.slow": {
		"it": "Stai scrivendo molto in fretta: ho registrato i tuoi messaggi, ma aspetta un minuto prima di scrivermi ancora, poi ti rispondo.",
		"en": "You are writing very fast: I have recorded your messages, but please wait a minute before writing again, then I will answer.",
	},
	"btn.faq":          {"it": "Cerca nelle guide", "en": "Search the guides"},
	"btn.ticket":       {"it": "Apri una segnalazione", "en": "Open a ticket"},
	"btn.track":        {"it": "Stato di un ticket", "en": "Ticket status"},
	"btn.human":        {"it": "Parla con un operatore", "en": "Talk to an operator"},
	"btn.solved":       {"it": "Risolto", "en": "Solved"},
	"btn.unsolved":     {"it": "Non risolto", "en": "Not solved"},
	"btn.none":         {"it": "Nessuna di queste", "en": "None of these"},
	"btn.skip":         {"it": "Salta", "en": "Skip"},
	"btn.dontknow":     {"it": "Non so", "en": "I don't know"},
	"btn.cancel":       {"it": "Annulla", "en": "Cancel"},
	"btn.full":         {"it": "Guida completa", "en": "Full guide"},
	"btn.cancelticket": {"it": "Annulla la segnalazione", "en": "Cancel the ticket"},
	"btn.cancelyes":    {"it": "Sì, annulla", "en": "Yes, cancel it"},
	"btn.stay":         {"it": "No, resto in coda", "en": "No, I stay in the queue"},

	"ask.question":  {"it": "Scrivi la domanda o il problema in poche parole.", "en": "Write your question or problem in a few words."},
	"answer.intro":  {"it": "Ho trovato questo nelle guide: **%s**", "en": "I found this in our guides: **%s**"},
	"answer.helped": {"it": "Ti è stato utile?", "en": "Did this help?"},
	"didyoumean":    {"it": "Intendevi una di queste?", "en": "Did you mean one of these?"},
	"noanswer": {
		"it": "Non ho una risposta affidabile nelle guide. Posso aprire una segnalazione per un operatore.",
		"en": "I could not find a reliable answer in our guides. I can open a ticket for an operator.",
	},
	"solved.thanks": {"it": "Bene, sono contento che sia risolto! Se serve altro, scrivimi.", "en": "Good, glad it is solved! Write to me if you need anything else."},

	"gather.describe": {
		"it": "Per aprire la segnalazione mi serve una descrizione: cosa stavi facendo, cosa non funziona e l'eventuale messaggio di errore.",
		"en": "To open the ticket I need a description: what you were doing, what does not work and any error message.",
	},
	"gather.describe.more": {
		"it": "Mi servono qualche dettaglio in più: cosa non funziona esattamente? C'è un messaggio di errore?",
		"en": "I need a few more details: what exactly does not work? Is there an error message?",
	},
	"gather.product": {
		"it": "Quale programma o servizio riguarda? (ad es. posta, VPN, certificati INPS, ricetta elettronica, stampante)",
		"en": "Which application or service is it about? (e.g. e-mail, VPN, INPS certificates, e-prescriptions, printer)",
	},
	"gather.email": {
		"it": "Se vuoi ricevere gli aggiornamenti anche per e-mail, scrivi il tuo indirizzo (facoltativo).",
		"en": "If you want updates by e-mail too, write your address (optional).",
	},
	"gather.email.bad": {
		"it": "Questo non sembra un indirizzo e-mail valido. Riprova o premi Salta.",
		"en": "That does not look like a valid e-mail address. Try again or press Skip.",
	},
	"gather.urgent": {
		"it": "Capisco che è un problema serio: apro subito una segnalazione con priorità alta.",
		"en": "I understand this is serious: I am opening a high-priority ticket right away.",
	},
	"gather.cancelled": {"it": "Va bene, non apro nessuna segnalazione.", "en": "All right, I will not open a ticket."},
	"nothing.cancel":   {"it": "Non c'è nulla da annullare.", "en": "There is nothing to cancel."},

	"ticket.opened": {
		"it": "Ho aperto la segnalazione **%s** (priorità %s). Conserva il numero per seguirla.",
		"en": "I opened ticket **%s** (priority %s). Keep the number to follow it up.",
	},
	"ticket.firstresponse": {
		"it": "Un operatore di primo livello ti risponderà entro %s.",
		"en": "A first-level operator will answer you by %s.",
	},
	"ticket.queued": {
		"it": "Ti metto in coda per un operatore: resta in questa chat, ti scriverà qui.",
		"en": "You are now in the queue for an operator: stay in this chat, they will write to you here.",
	},
	"closed.now": {
		"it": "In questo momento l'help desk è chiuso: riapre %s. La tua richiesta è registrata e un operatore la prenderà in carico alla riapertura.",
		"en": "The help desk is closed right now: it reopens %s. Your request is recorded and an operator will pick it up when we reopen.",
	},
	"mail.opened": {
		"it": "Abbiamo ricevuto la tua richiesta e l'abbiamo registrata con il numero %s (priorità %s). Per aggiungere informazioni rispondi a questa e-mail lasciando il numero nell'oggetto.",
		"en": "We have received your request and registered it as %s (priority %s). To add information, reply to this e-mail keeping the number in the subject.",
	},
	"mail.followup": {
		"it": "La richiesta %s è già chiusa, quindi abbiamo registrato il tuo messaggio come nuova richiesta %s (priorità %s), collegata alla precedente. Per aggiungere informazioni rispondi a questa e-mail lasciando il nuovo numero nell'oggetto.",
		"en": "Ticket %s is already closed, so we registered your message as a new ticket %s (priority %s), linked to the earlier one. To add information, reply to this e-mail keeping the new number in the subject.",
	},
	"mail.queued": {
		"it": "La tua richiesta **%s** è in coda per un operatore (posizione %d): ti risponderemo per e-mail entro %s.",
		"en": "Your request **%s** is in the queue for an operator (position %d): we will answer you by e-mail by %s.",
	},
	"mail.queued.late": {
		"it": "La tua richiesta **%s** è in coda per un operatore (posizione %d): ti risponderemo per e-mail appena possibile.",
		"en": "Your request **%s** is in the queue for an operator (position %d): we will answer you by e-mail as soon as possible.",
	},
	"suggestion.thanks": {
		"it": "Grazie del suggerimento! L'ho registrato con il numero **%s**: lo valuteremo.",
		"en": "Thank you for the suggestion! I recorded it as **%s**: we will consider it.",
	},

	"status.none":     {"it": "Non hai segnalazioni aperte con questo canale. Se hai un numero, scrivilo (es. HD-2026-000123).", "en": "You have no open tickets on this channel. If you have a number, write it (e.g. HD-2026-000123)."},
	"status.notfound": {"it": "Non trovo la segnalazione %s tra le tue. Controlla il numero (es. HD-2026-000123).", "en": "I cannot find ticket %s among yours. Check the number (e.g. HD-2026-000123)."},
	"status.line":     {"it": "**%s** — %s: %s", "en": "**%s** — %s: %s"},
	"status.update":   {"it": "Ultimo aggiornamento (%s): %s", "en": "Last update (%s): %s"},
	"status.noupdate": {"it": "Nessun aggiornamento pubblico per ora.", "en": "No public update yet."},
	"status.list":     {"it": "Le tue segnalazioni più recenti:", "en": "Your most recent tickets:"},

	"state.new":                 {"it": "registrata", "en": "registered"},
	"state.open":                {"it": "in lavorazione", "en": "being worked on"},
	"state.waiting_requester":   {"it": "in attesa di una tua risposta", "en": "waiting for your reply"},
	"state.waiting_third_party": {"it": "in attesa di un ente esterno", "en": "waiting for a third party"},
	"state.resolved":            {"it": "risolta", "en": "resolved"},
	"state.closed":              {"it": "chiusa", "en": "closed"},
	"state.cancelled":           {"it": "annullata", "en": "cancelled"},

	"handoff.joined": {
		"it": "%s (livello %d) è entrato nella conversazione e ti risponderà qui.",
		"en": "%s (level %d) has joined the conversation and will answer you here.",
	},
	"handoff.escalated": {
		"it": "Ho passato la tua richiesta a uno specialista di secondo livello, che ti risponderà qui.",
		"en": "I have passed your request to a second-level specialist, who will answer you here.",
	},
	"handoff.routed": {
		"it": "La tua richiesta è stata inoltrata a %s, che se ne occuperà. Ti terremo aggiornato sulla segnalazione %s.",
		"en": "Your request has been passed to %s, who will deal with it. We will keep you updated on ticket %s.",
	},
	"route.mail": {
		"it": "Gentile %s,\nvi affidiamo la segnalazione %s: «%s».\n\n%s\n\nVi preghiamo di rispondere a questa e-mail lasciando il numero nell'oggetto: la risposta sarà registrata sulla segnalazione.\n%s, help desk",
		"en": "Dear %s,\nwe are passing ticket %s to you: \"%s\".\n\n%s\n\nPlease reply to this e-mail keeping the number in the subject: your answer will be recorded on the ticket.\n%s, help desk",
	},
	"handoff.handback": {
		"it": "L'operatore ti ha ripassato all'assistente automatico: scrivimi pure se serve altro.",
		"en": "The operator has handed you back to the assistant: write to me if you need anything else.",
	},
	"handoff.resolved": {
		"it": "La tua richiesta %s è stata risolta.",
		"en": "Your request %s has been resolved.",
	},
	"handoff.reopen": {
		"it": "Se il problema non è risolto, rispondi «non risolto» entro %d giorni e la riapriamo.",
		"en": "If the problem is not solved, reply \"not solved\" within %d days and we will reopen it.",
	},
	"handoff.reopened": {
		"it": "Ho riaperto la segnalazione %s: un operatore la riprenderà al più presto.",
		"en": "I have reopened ticket %s: an operator will pick it up again as soon as possible.",
	},
	"csat.ask": {
		"it": "Quanto sei soddisfatto dell'assistenza? (1 = per niente, 5 = moltissimo)",
		"en": "How satisfied are you with the help you got? (1 = not at all, 5 = very)",
	},
	"csat.thanks":  {"it": "Grazie per il tuo giudizio!", "en": "Thank you for your rating!"},
	"thanks.reply": {"it": "Prego! Buona giornata.", "en": "You're welcome! Have a good day."},
	"smalltalk":    {"it": "Sono l'assistente dell'help desk: posso aiutarti con problemi e domande sui servizi informatici. Ecco cosa posso fare:", "en": "I am the help desk assistant: I can help with problems and questions about IT services. Here is what I can do:"},
	"queued.wait": {
		"it": "La tua segnalazione **%s** è in coda per un operatore (posizione %d). Ti risponderemo entro %s: resta in questa chat, ti scriverà qui.",
		"en": "Your ticket **%s** is in the queue for an operator (position %d). We will answer you by %s: stay in this chat, they will write to you here.",
	},
	"queued.wait.late": {
		"it": "La tua segnalazione **%s** è in coda per un operatore (posizione %d): ti risponderemo appena possibile, resta in questa chat.",
		"en": "Your ticket **%s** is in the queue for an operator (position %d): we will answer you as soon as possible, stay in this chat.",
	},
	"queued.closed": {"it": "L'help desk ora è chiuso e riapre %s.", "en": "The help desk is closed now and reopens %s."},
	"queued.added": {
		"it": "Ho aggiunto il tuo messaggio alla segnalazione **%s**: l'operatore lo leggerà prima di risponderti.",
		"en": "I have added your message to ticket **%s**: the operator will read it before answering you.",
	},
	"queued.describe": {
		"it": "Intanto scrivi pure qui il problema: lo aggiungo alla segnalazione per l'operatore.",
		"en": "Meanwhile, describe the problem here: I will add it to the ticket for the operator.",
	},
	"queued.cancel.ask": {
		"it": "Vuoi annullare la segnalazione **%s** e uscire dalla coda?",
		"en": "Do you want to cancel ticket **%s** and leave the queue?",
	},
	"queued.cancelled": {
		"it": "Ho annullato la segnalazione **%s**. Se ti serve altro, scrivimi.",
		"en": "I have cancelled ticket **%s**. Write to me if you need anything else.",
	},
	"queued.stay":    {"it": "Va bene, resti in coda.", "en": "All right, you stay in the queue."},
	"handoff.asked":  {"it": "Il richiedente ha chiesto di parlare con un operatore.", "en": "The requester asked to talk to an operator."},
	"choice.stale":   {"it": "Questa scelta non è più valida.", "en": "This choice is no longer valid."},
	"error.internal": {"it": "Scusa, c'è stato un problema tecnico. Riprova tra poco.", "en": "Sorry, something went wrong on our side. Please try again shortly."},
	"too.long":       {"it": "Il messaggio è troppo lungo: dividilo in parti più brevi.", "en": "The message is too long: please split it into shorter parts."},
}
