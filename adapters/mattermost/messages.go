// SPDX-License-Identifier: EUPL-1.2

package mattermost

import "helpdesk/internal/i18n"

// mattermostText holds the adapter's own user-facing strings (the engine writes
// everything else).
var mattermostText = i18n.Catalog{
	"choices.hint": {"it": "Rispondi con il numero della scelta", "en": "Reply with the number of your choice"},
	"too.long": {
		"it": "Il messaggio è troppo lungo: dividilo in parti più brevi e invialo di nuovo.",
		"en": "Your message is too long: please split it into shorter parts and send it again.",
	},
	"error.internal": {
		"it": "Scusa, c'è stato un problema tecnico e il messaggio non è stato registrato. Riprova tra poco.",
		"en": "Sorry, something went wrong on our side and your message was not recorded. Please try again shortly.",
	},
	"action.unavailable": {
		"it": "Il servizio è momentaneamente non disponibile: riprova tra qualche istante.",
		"en": "The service is briefly unavailable: please try again in a moment.",
	},
}
