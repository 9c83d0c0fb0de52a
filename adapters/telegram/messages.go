// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"strings"

	"helpdesk/internal/i18n"
)

// telegramText holds what the adapter itself says (the engine says the rest), in
// Italian and English, by key.
var telegramText = i18n.Catalog{
	// Command descriptions shown in Telegram's command menu (setMyCommands:
	// at most 256 characters each).
	"cmd.start":  {"it": "Inizia: cosa può fare l'assistente", "en": "Start: what the assistant can do"},
	"cmd.help":   {"it": "Aiuto e menu delle funzioni", "en": "Help and the menu of what I can do"},
	"cmd.ticket": {"it": "Apri una segnalazione all'help desk", "en": "Open a ticket with the help desk"},
	"cmd.status": {"it": "Stato delle tue segnalazioni (es. /status HD-2026-000123)", "en": "Status of your tickets (e.g. /status HD-2026-000123)"},

	"callback.expired": {
		"it": "Questo pulsante non è più valido: scrivi di nuovo la tua richiesta.",
		"en": "This button is no longer valid: please write your request again.",
	},
	"text.only": {
		"it": "Per ora leggo solo messaggi di testo: descrivi il problema a parole.",
		"en": "For now I can only read text messages: please describe the problem in words.",
	},
	"too.long": {
		"it": "Il messaggio è troppo lungo: dividilo in parti più brevi.",
		"en": "The message is too long: please split it into shorter parts.",
	},
	"error.internal": {
		"it": "Scusa, c'è stato un problema tecnico. Riprova tra poco.",
		"en": "Sorry, something went wrong on our side. Please try again shortly.",
	},
	"private.only": {
		"it": "Scrivimi in una chat privata: nei gruppi non rispondo.",
		"en": "Please write to me in a private chat: I do not answer in groups.",
	},
}

// profileLang maps a Telegram language_code ("en-GB", "it", "de") to a
// language the engine stores ("it", "en"), or "" when the user's language
// is neither, so the engine falls back to its default.
func profileLang(code string) string {
	c := strings.ToLower(code)
	switch {
	case strings.HasPrefix(c, "en"):
		return "en"
	case strings.HasPrefix(c, "it"):
		return "it"
	}
	return ""
}
