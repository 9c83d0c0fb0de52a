// SPDX-License-Identifier: EUPL-1.2

package intake

import "helpdesk/internal/i18n"

// mailText is the confirmation mail, in Italian and English.
var mailText = i18n.Catalog{
	"mail.confirm": {"it": "Abbiamo ricevuto la tua richiesta «%s» con il numero %s (priorità %s).\n\nPuoi seguirla e aggiungere informazioni dal collegamento qui sotto, oppure rispondendo a questa e-mail.", "en": "We have received your request “%s” with number %s (priority %s).\n\nYou can follow it and add information from the link below, or by replying to this e-mail."},
}
