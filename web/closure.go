// SPDX-License-Identifier: EUPL-1.2

package web

import "helpdesk/internal/i18n"

// ClosureCode is one code an agent may resolve with, and its labels
// (configuration: console.closure_codes).
type ClosureCode struct {
	Code string
	IT   string
	EN   string
}

// defaultClosureCodes are used when Options.ClosureCodes is empty; they
// are config.DefaultClosureCodes (a test keeps the two lists equal).
var defaultClosureCodes = closureList{
	{Code: "solved", IT: "Risolto", EN: "Solved"},
	{Code: "workaround", IT: "Aggirato (soluzione temporanea)", EN: "Workaround"},
	{Code: "no_reply", IT: "Nessuna risposta del richiedente", EN: "No reply from the requester"},
	{Code: "duplicate", IT: "Duplicato", EN: "Duplicate"},
	{Code: "routed", IT: "Inoltrato ad altra organizzazione", EN: "Routed to another organisation"},
	{Code: "not_reproducible", IT: "Non riproducibile", EN: "Not reproducible"},
}

// closureList is the desk's list, in its order.
type closureList []ClosureCode

// Valid says whether code is on the list.
func (cc closureList) Valid(code string) bool {
	for _, c := range cc {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Label is code in lang; a code no longer on the list (an old ticket's)
// is shown as it was recorded.
func (cc closureList) Label(lang, code string) string {
	for _, c := range cc {
		if c.Code == code {
			if i18n.Normalize(lang) == "en" {
				return c.EN
			}
			return c.IT
		}
	}
	return code
}

// closureOption is one entry of the resolve form's list.
type closureOption struct{ Code, Label string }

// Options lists the codes with their labels in lang, for a <select>.
func (cc closureList) Options(lang string) []closureOption {
	out := make([]closureOption, len(cc))
	for i, c := range cc {
		out[i] = closureOption{Code: c.Code, Label: cc.Label(lang, c.Code)}
	}
	return out
}
