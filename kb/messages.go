// SPDX-License-Identifier: EUPL-1.2

package kb

import "helpdesk/internal/i18n"

// editorText is what editors read: validation problems and workflow
// refusals, in Italian and English (checked by TestMessagesComplete).
var editorText = i18n.Catalog{
	"invalid_entry":    {"it": "voce non valida", "en": "invalid entry"},
	"required":         {"it": "obbligatorio", "en": "required"},
	"required_kind":    {"it": "obbligatorio (faq, tutorial o manual)", "en": "required (faq, tutorial or manual)"},
	"bad_id":           {"it": "%q: usare lettere minuscole, cifre, '-', '_' o '.'", "en": "%q: use lower-case letters, digits, '-', '_' or '.'"},
	"bad_kind":         {"it": "%q non è faq, tutorial né manual", "en": "%q is not faq, tutorial or manual"},
	"bad_lang":         {"it": "%q non è it né en", "en": "%q is not it or en"},
	"bad_status":       {"it": "%q non è draft, in_review, published né archived", "en": "%q is not draft, in_review, published or archived"},
	"bad_audience":     {"it": "%q non è public né internal", "en": "%q is not public or internal"},
	"bad_translation":  {"it": "%q non è un id valido", "en": "%q is not a valid id"},
	"self_translation": {"it": "una voce non può tradurre se stessa", "en": "an entry cannot translate itself"},
	"bad_media_type":   {"it": "%q non è uno tra %s", "en": "%q is not one of %s"},
	"bad_url":          {"it": "%q: solo link http(s) o relativi", "en": "%q: only http(s) or relative links"},
	"empty_body":       {"it": "vuoto", "en": "empty"},
	"transition":       {"it": "flusso editoriale: una voce non può passare da %s a %s", "en": "workflow: cannot move an entry from %s to %s"},
	"status.new":       {"it": "nuova", "en": "new"},
	"status.draft":     {"it": "bozza", "en": "draft"},
	"status.in_review": {"it": "in revisione", "en": "in review"},
	"status.published": {"it": "pubblicata", "en": "published"},
	"status.archived":  {"it": "archiviata", "en": "archived"},
}

// StatusLabel names a workflow status in lang ("it" or "en"), for the
// console.
func StatusLabel(lang string, s Status) string {
	if _, ok := editorText["status."+string(s)]; !ok {
		return string(s)
	}
	return editorText.T(lang, "status."+string(s))
}
