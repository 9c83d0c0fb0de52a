// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"helpdesk/bots"
	"helpdesk/internal/i18n"
)

// defaultClosureCodes are used when Options.ClosureCodes is empty.
var defaultClosureCodes = closureList(bots.DefaultClosureCodes)

// closureList is the desk's list, in its order.
type closureList bots.ClosureCodes

// Valid says whether code is on the list.
func (cc closureList) Valid(code string) bool { return bots.ClosureCodes(cc).Valid(code) }

// Label is code in lang; a code no longer on the list (an old ticket's)
// is shown as it was recorded.
func (cc closureList) Label(lang, code string) string {
	return bots.ClosureCodes(cc).Label(i18n.Normalize(lang), code)
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

// Codes lists the codes alone: "solved, workaround, …".
func (cc closureList) Codes() string { return bots.ClosureCodes(cc).Codes() }
