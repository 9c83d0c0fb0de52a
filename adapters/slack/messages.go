// SPDX-License-Identifier: EUPL-1.2

package slack

import "helpdesk/internal/i18n"

// slackText holds what the adapter itself says to users (everything else comes
// from the engine), in Italian and English, by key.
var slackText = i18n.Catalog{
	"too.long": {
		"it": "Il messaggio è troppo lungo per me: dividilo in parti più brevi e mandale una alla volta.",
		"en": "That message is too long for me: please split it into shorter parts and send them one at a time.",
	},
	"error.internal": {
		"it": "Scusa, non sono riuscito a elaborare il messaggio per un problema tecnico. Riprova tra poco.",
		"en": "Sorry, I could not process your message because of a technical problem. Please try again shortly.",
	},
	"more.buttons": {
		"it": "Altre scelte:",
		"en": "More choices:",
	},
}

// say returns the text for key in lang; when the language is unknown it
// gives both, Italian first, so nobody gets a message they cannot read.
func say(lang, key string) string {
	switch lang {
	case "it", "en":
		return slackText.T(lang, key)
	}
	return slackText.T("it", key) + "\n\n" + slackText.T("en", key)
}
