// SPDX-License-Identifier: EUPL-1.2

package bots

import "strings"

// ClosureCode is one code an agent may resolve with, and its labels
// (configuration: console.closure_codes). The reports count tickets by
// code, so every place an agent resolves from — the console, the triage
// thread, the REST API — checks the code against the same list.
type ClosureCode struct {
	Code string
	IT   string
	EN   string
}

// ClosureCodes is the desk's list, in its order.
type ClosureCodes []ClosureCode

// DefaultClosureCodes is the list of a desk that configured none; it is
// config.DefaultClosureCodes (a test in cmd/helpdesk keeps the two equal).
var DefaultClosureCodes = ClosureCodes{
	{Code: "solved", IT: "Risolto", EN: "Solved"},
	{Code: "workaround", IT: "Aggirato (soluzione temporanea)", EN: "Workaround"},
	{Code: "no_reply", IT: "Nessuna risposta del richiedente", EN: "No reply from the requester"},
	{Code: "duplicate", IT: "Duplicato", EN: "Duplicate"},
	{Code: "routed", IT: "Inoltrato ad altra organizzazione", EN: "Routed to another organisation"},
	{Code: "not_reproducible", IT: "Non riproducibile", EN: "Not reproducible"},
}

// Valid says whether code is on the list.
func (cc ClosureCodes) Valid(code string) bool {
	for _, c := range cc {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Label is code in lang ("it" or "en"); a code no longer on the list (an
// old ticket's) is shown as it was recorded.
func (cc ClosureCodes) Label(lang, code string) string {
	for _, c := range cc {
		if c.Code == code {
			if lang == "en" {
				return c.EN
			}
			return c.IT
		}
	}
	return code
}

// Codes lists the codes alone, in order ("solved, workaround, …" in an
// API error).
func (cc ClosureCodes) Codes() string {
	out := make([]string, len(cc))
	for i, c := range cc {
		out[i] = c.Code
	}
	return strings.Join(out, ", ")
}
