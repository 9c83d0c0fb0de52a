// SPDX-License-Identifier: EUPL-1.2

package triage

import "helpdesk/internal/i18n"

// triageText holds what the triage relay writes in the triage channel, in
// Italian and English, by key. Cards use the configured language; answers
// to an agent use the agent's console language; answers to a chat user
// the desk does not know use both.
var triageText = i18n.Catalog{
	"card.title": {
		"it": "*Nuova conversazione da prendere in carico* (livello %d)",
		"en": "*New conversation to take over* (level %d)",
	},
	"card.ticket": {
		"it": "*Ticket:* %s · priorità %s",
		"en": "*Ticket:* %s · priority %s",
	},
	"card.noticket": {
		"it": "*Ticket:* nessuno",
		"en": "*Ticket:* none",
	},
	"card.from": {
		"it": "*Utente:* %s · canale %s",
		"en": "*User:* %s · channel %s",
	},
	"card.asked": {
		"it": "*Ha chiesto:* %s",
		"en": "*Asked:* %s",
	},
	"card.tried": {
		"it": "*Voci proposte dal bot:* %s",
		"en": "*Entries the bot tried:* %s",
	},
	"card.severity": {
		"it": "*Gravità:* urgenza %s, impatto %s, tipo %s",
		"en": "*Severity:* urgency %s, impact %s, type %s",
	},
	"card.why": {
		"it": "*Perché:* %s",
		"en": "*Why:* %s",
	},
	"card.reason": {
		"it": "*Motivo del passaggio:* %s",
		"en": "*Handoff reason:* %s",
	},
	"card.hint": {
		"it": "Rispondi in questo thread: il testo arriva all'utente sul suo canale. Comandi: `prendi`, `escala [motivo]`, `inoltra ENTE [e-mail]`, `risolvi CODICE [nota]`, `restituisci`, `nota …` o `%s…` per una nota interna.",
		"en": "Reply in this thread: the text reaches the user on their own channel. Commands: `take`, `escalate [reason]`, `route ORG [email]`, `resolve CODE [note]`, `handback`, `note …` or `%s…` for an internal note.",
	},
	"button.take": {
		"it": "Prendi in carico",
		"en": "Take",
	},
	"button.escalate": {
		"it": "Escala al 2° livello",
		"en": "Escalate",
	},
	"relay.user": {
		"it": "💬 *%s:* %s",
		"en": "💬 *%s:* %s",
	},
	"relay.bot": {
		"it": "🤖 _bot:_ %s",
		"en": "🤖 _bot:_ %s",
	},
	"relay.agent": {
		"it": "↩️ *%s* all'utente: %s",
		"en": "↩️ *%s* to the user: %s",
	},
	"relay.pressed": {
		"it": "(ha premuto: %s)",
		"en": "(pressed: %s)",
	},
	"someone": {
		"it": "un operatore",
		"en": "an agent",
	},
	"note.saved": {
		"it": "📝 Nota interna registrata sul ticket (non inviata all'utente).",
		"en": "📝 Internal note recorded on the ticket (not sent to the user).",
	},
	"err.unmapped": {
		"it": "⛔ Non ti riconosco come operatore dell'help desk: chiedi a un amministratore di collegare il tuo account (`helpdesk users link USERNAME -%s %s`). Non ho fatto nulla.",
		"en": "⛔ I do not know you as a help-desk agent: ask an administrator to link your account (`helpdesk users link USERNAME -%s %s`). Nothing was done.",
	},
	"err.role": {
		"it": "⛔ Il tuo ruolo (%s) non prevede la gestione delle conversazioni. Non ho fatto nulla.",
		"en": "⛔ Your role (%s) does not handle conversations. Nothing was done.",
	},
	"err.taken": {
		"it": "⛔ La conversazione è già in carico a %s.",
		"en": "⛔ The conversation is already taken by %s.",
	},
	"err.level": {
		"it": "⛔ Questa conversazione richiede il livello %d e tu sei di livello %d: può prenderla un operatore di 2° livello o un supervisore.",
		"en": "⛔ This conversation needs level %d and you are level %d: a level-2 agent or a supervisor can take it.",
	},
	"err.notholder": {
		"it": "⛔ Non hai in carico questa conversazione (è di %s): scrivi `prendi` se è in coda.",
		"en": "⛔ You do not hold this conversation (%s does): write `take` when it is queued.",
	},
	"err.state": {
		"it": "⛔ Non è possibile ora: la conversazione è nello stato «%s». Per rispondere all'utente scrivi prima `prendi`.",
		"en": "⛔ Not possible now: the conversation is in state “%s”. To answer the user, write `take` first.",
	},
	"err.resolve": {
		"it": "⛔ Manca il codice di chiusura: `risolvi CODICE [nota]`, per esempio `risolvi solved Riavviato il servizio`. Codici: %s.",
		"en": "⛔ The closure code is missing: `resolve CODE [note]`, e.g. `resolve solved Restarted the service`. Codes: %s.",
	},
	"err.closure_code": {
		"it": "⛔ «%s» non è un codice di chiusura di questo servizio: nulla è stato chiuso. Codici: %s.",
		"en": "⛔ “%s” is not one of this desk's closure codes: nothing was resolved. Codes: %s.",
	},
	"err.route": {
		"it": "⛔ Manca l'ente: `inoltra ENTE [e-mail]`.",
		"en": "⛔ The organisation is missing: `route ORG [email]`.",
	},
	"err.note": {
		"it": "⛔ La nota è vuota.",
		"en": "⛔ The note is empty.",
	},
	"err.invalid": {
		"it": "⛔ Richiesta non valida: %s",
		"en": "⛔ Invalid request: %s",
	},
	"err.undelivered": {
		"it": "⚠️ Risposta registrata sulla segnalazione ma NON consegnata all'utente (%s): verrà ritentata.",
		"en": "⚠️ Reply recorded on the ticket but NOT delivered to the user (%s): it will be retried.",
	},
	"err.internal": {
		"it": "⚠️ Non sono riuscito a eseguire il comando per un problema tecnico; riprova tra poco.",
		"en": "⚠️ I could not run the command because of a technical problem; please try again shortly.",
	},
}

// say gives text in lang; with lang empty, both languages, Italian first.
func say(lang, key string, args ...any) string {
	if lang == "" {
		return triageText.T("it", key, args...) + "\n" + triageText.T("en", key, args...)
	}
	return triageText.T(lang, key, args...)
}
