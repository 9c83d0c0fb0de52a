// SPDX-License-Identifier: EUPL-1.2

package intake

import (
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// The fields of a request, checked alike by the requesters' web form
// (web/portal) and the contact an agent records (web/console): both open
// their tickets here, so both refuse the same things.

// Field limits, in bytes (MinDescriptionRunes in characters).
const (
	MaxNameBytes        = 120
	MaxEmailBytes       = 254
	MaxSubjectBytes     = 200
	MaxDescriptionBytes = 8000
	MinDescriptionRunes = 10
)

// FieldErrors maps a field name to the catalogue key of its problem.
type FieldErrors map[string]string

// SeverityLevels turns the model's assessment into ticket fields, with
// the defaults of a ticket when a label is unknown.
func SeverityLevels(sev nlp.Severity) (tickets.Type, tickets.Level, tickets.Level) {
	typ := tickets.Type(sev.Type.Level)
	if !typ.Valid() {
		typ = tickets.TypeIncident
	}
	urgency, impact := tickets.Level(sev.Urgency.Level), tickets.Level(sev.Impact.Level)
	if !urgency.Valid() {
		urgency = tickets.Medium
	}
	if !impact.Valid() {
		impact = tickets.Low
	}
	return typ, urgency, impact
}
