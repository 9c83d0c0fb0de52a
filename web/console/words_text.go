// SPDX-License-Identifier: EUPL-1.2

package console

import "fmt"

// wordsText are the console's words for what the machine records: who
// did something (never "agent:7"), what a timeline event means, field and
// value names, the bot's assessment. Kept apart from console_text.go and
// merged into Text at start, as contacts_text.go does.
var wordsText = map[string]map[string]string{
	"nav.shortcuts": {"it": "Scorciatoie:", "en": "Shortcuts:"},
	// What a screen reader hears when a live list gets something new (console.js).
	"live.inbox_new":      {"it": "Nuova conversazione nell'elenco", "en": "New conversation in the list"},
	"conv.pane":           {"it": "Messaggi, dal più vecchio al più recente", "en": "Messages, oldest to newest"},
	"live.message_new":    {"it": "Nuovo messaggio", "en": "New message"},
	"nav.shortcut_tab":    {"it": "passa al campo successivo", "en": "moves to the next field"},
	"who.agent":           {"it": "Un operatore", "en": "An agent"},
	"who.requester":       {"it": "Il richiedente", "en": "The requester"},
	"who.requester_named": {"it": "%s (richiedente)", "en": "%s (requester)"},
	"who.bot":             {"it": "L'assistente (bot)", "en": "The assistant (bot)"},
	"who.api":             {"it": "Un'applicazione (API)", "en": "An application (API)"},
	"who.mail":            {"it": "La posta in arrivo", "en": "Incoming mail"},
	"who.system":          {"it": "Il sistema", "en": "The system"},

	"tl.created":           {"it": "ha aperto il ticket (priorità %s)", "en": "opened the ticket (priority %s)"},
	"tl.change":            {"it": "%s: %s → %s", "en": "%s: %s → %s"},
	"tl.took":              {"it": "ha preso in carico", "en": "took charge"},
	"tl.assigned":          {"it": "ha assegnato il ticket a %s", "en": "assigned the ticket to %s"},
	"tl.unassigned":        {"it": "ha tolto l'assegnazione a %s", "en": "unassigned %s"},
	"tl.level":             {"it": "Livello di supporto: %s° → %s°", "en": "Support level: %s → %s"},
	"tl.routed":            {"it": "ha inoltrato il ticket a %s", "en": "routed the ticket to %s"},
	"tl.follow_up":         {"it": "ha scritto dopo la chiusura: il messaggio ha aperto il ticket %s", "en": "wrote after closure: the message opened ticket %s"},
	"tl.follow_up_of":      {"it": "ha aperto questo ticket come seguito di %s, già chiuso", "en": "opened this ticket as a follow-up of %s, already closed"},
	"tl.unrouted":          {"it": "ha ripreso il ticket dall'organizzazione esterna", "en": "took the ticket back from the outside organisation"},
	"tl.comment":           {"it": "ha risposto al richiedente", "en": "replied to the requester"},
	"tl.note":              {"it": "ha scritto una nota interna", "en": "wrote an internal note"},
	"tl.attachment":        {"it": "ha allegato %s", "en": "attached %s"},
	"tl.delivered":         {"it": "la risposta è stata consegnata al richiedente", "en": "the reply reached the requester"},
	"tl.other":             {"it": "altro evento", "en": "other event"},
	"ticket.callback":      {"it": "Richiamare", "en": "Call back"},
	"ticket.callback.yes":  {"it": "messaggio in segreteria: richiamare il richiedente", "en": "voicemail: call the requester back"},
	"ticket.callback.done": {"it": "Richiamato", "en": "Called back"},
	"tl.called_back":       {"it": "ha richiamato il richiedente", "en": "called the requester back"},
	"ticket.attachments":   {"it": "Allegati", "en": "Attachments"},
	"ticket.audio":         {"it": "Ascolta %s", "en": "Listen to %s"},
	"tl.calendar_changed": {"it": "l'orario del calendario «%s» è cambiato: le scadenze seguono il nuovo orario",
		"en": "the hours of calendar “%s” changed: due times follow the new hours"},

	"field.state":          {"it": "Stato", "en": "State"},
	"field.type":           {"it": "Tipo", "en": "Type"},
	"field.subject":        {"it": "Oggetto", "en": "Subject"},
	"field.category":       {"it": "Categoria", "en": "Category"},
	"field.product":        {"it": "Prodotto", "en": "Product"},
	"field.urgency":        {"it": "Urgenza", "en": "Urgency"},
	"field.impact":         {"it": "Impatto", "en": "Impact"},
	"field.priority":       {"it": "Priorità", "en": "Priority"},
	"field.group":          {"it": "Coda/gruppo", "en": "Queue/group"},
	"field.external_email": {"it": "E-mail dell'organizzazione esterna", "en": "Outside organisation's e-mail"},
	"field.closure_code":   {"it": "Codice di chiusura", "en": "Closure code"},
	"field.closure_note":   {"it": "Nota di chiusura", "en": "Closure note"},
	"value.empty":          {"it": "(vuoto)", "en": "(empty)"},
	"value.level":          {"it": "%v° livello", "en": "level %v"},

	"type.incident":   {"it": "guasto", "en": "incident"},
	"type.request":    {"it": "richiesta", "en": "request"},
	"type.question":   {"it": "domanda", "en": "question"},
	"type.suggestion": {"it": "suggerimento", "en": "suggestion"},

	"channel.web":        {"it": "Web", "en": "Web"},
	"channel.webchat":    {"it": "Chat web", "en": "Web chat"},
	"channel.email":      {"it": "E-mail", "en": "E-mail"},
	"channel.telegram":   {"it": "Telegram", "en": "Telegram"},
	"channel.slack":      {"it": "Slack", "en": "Slack"},
	"channel.mattermost": {"it": "Mattermost", "en": "Mattermost"},
	"channel.terminal":   {"it": "Terminale", "en": "Terminal"},
	"channel.memory":     {"it": "Prova (in memoria)", "en": "Test (in memory)"},
	"channel.api":        {"it": "API", "en": "API"},

	"conv.pressed_label": {"it": "ha premuto «%s»", "en": "pressed “%s”"},
	"conv.pressed_any":   {"it": "ha premuto un pulsante", "en": "pressed a button"},
	"conv.pick_entry":    {"it": "ha scelto la guida «%s»", "en": "picked the guide “%s”"},
	"conv.rating":        {"it": "ha dato il voto %s su 5", "en": "rated %s out of 5"},
	"conv.offered":       {"it": "Pulsanti mostrati all'utente", "en": "Buttons shown to the user"},
	"conv.newest":        {"it": "Vai all'ultimo messaggio", "en": "Go to the newest message"},
	"conv.shortcuts":     {"it": "Scorciatoie: Alt+R risposta, Alt+M messaggi, Ctrl+Invio invia.", "en": "Shortcuts: Alt+R reply, Alt+M messages, Ctrl+Enter sends."},

	"assess.title":            {"it": "Valutazione del bot", "en": "The bot's assessment"},
	"assess.urgency":          {"it": "Urgenza", "en": "Urgency"},
	"assess.impact":           {"it": "Impatto", "en": "Impact"},
	"assess.type":             {"it": "Tipo", "en": "Type"},
	"assess.why":              {"it": "Perché", "en": "Why"},
	"assess.confidence":       {"it": "Affidabilità della stima", "en": "Confidence of the estimate"},
	"assess.tried":            {"it": "Guide proposte dal bot", "en": "Guides the bot offered"},
	"assess.query":            {"it": "Ha cercato nelle guide", "en": "Searched the guides for"},
	"assess.confidence_short": {"it": "affidabilità %s", "en": "confidence %s"},
	"assess.confidence_note":  {"it": "L'affidabilità è la probabilità che il modello assegna alla sua stima: sotto il %s verifica con il richiedente.", "en": "Confidence is the probability the model gives its estimate: below %s check with the requester."},
	"value.no_category":       {"it": "Senza categoria", "en": "No category"},
	"assess.none":             {"it": "Nessuna valutazione del bot: il ticket è stato aperto da una persona.", "en": "No assessment by the bot: a person opened this ticket."},

	// The severity model's reasons (nlp/severity.go), in words.
	"why.word":                         {"it": "la parola «%s»", "en": "the word “%s”"},
	"why.words":                        {"it": "le parole «%s»", "en": "the words “%s”"},
	"why.alone":                        {"it": "«%s» da solo non basta a decidere", "en": "“%s” alone does not decide"},
	"why.cue":                          {"it": "%s: «%s»", "en": "%s: “%s”"},
	"why.security":                     {"it": "sicurezza", "en": "security"},
	"why.compromise":                   {"it": "possibile compromissione", "en": "possible compromise"},
	"why.security_incident":            {"it": "incidente di sicurezza", "en": "security incident"},
	"why.no_harm":                      {"it": "nessun danno", "en": "no harm done"},
	"why.no_harm_done":                 {"it": "nessun danno", "en": "no harm done"},
	"why.everyone":                     {"it": "tutti coinvolti", "en": "everyone affected"},
	"why.everyone_affected":            {"it": "tutti coinvolti", "en": "everyone affected"},
	"why.people_count":                 {"it": "numero di persone", "en": "number of people"},
	"why.several_people":               {"it": "più persone", "en": "several people"},
	"why.group":                        {"it": "un gruppo", "en": "a group"},
	"why.self":                         {"it": "solo chi scrive", "en": "only the writer"},
	"why.blocked":                      {"it": "lavoro bloccato", "en": "work blocked"},
	"why.blocked_with_no_time_to_wait": {"it": "bloccato e senza tempo per attendere", "en": "blocked with no time to wait"},
	"why.workaround":                   {"it": "esiste un modo per aggirarlo", "en": "a workaround exists"},
	"why.a_workaround_exists":          {"it": "esiste un modo per aggirarlo", "en": "a workaround exists"},
	"why.since_today":                  {"it": "da oggi", "en": "since today"},
	"why.since_days":                   {"it": "da giorni", "en": "for days"},
	"why.deadline_today":               {"it": "scadenza oggi", "en": "deadline today"},
	"why.deadline_soon":                {"it": "scadenza vicina", "en": "deadline soon"},
	"why.waiting":                      {"it": "qualcuno attende", "en": "someone waiting"},
	"why.question":                     {"it": "una domanda", "en": "a question"},
	"why.suggestion":                   {"it": "un suggerimento", "en": "a suggestion"},
	"why.a_suggestion":                 {"it": "un suggerimento", "en": "a suggestion"},
	"why.request":                      {"it": "una richiesta", "en": "a request"},
	"why.cosmetic":                     {"it": "difetto estetico", "en": "cosmetic"},
	"why.urgent_word":                  {"it": "dichiarato urgente", "en": "called urgent"},
}

func init() {
	for k, v := range wordsText {
		if _, dup := Text[k]; dup {
			panic(fmt.Sprintf("console: string %q defined twice", k))
		}
		Text[k] = v
	}
}
