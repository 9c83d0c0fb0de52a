// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"time"

	"helpdesk/tickets"
)

// DefaultFirstResponse is the first-response time promised per priority,
// in working hours, when the configuration sets none. The web form's
// confirmation promises the same as the chat.
func DefaultFirstResponse() map[tickets.Priority]time.Duration {
	return map[tickets.Priority]time.Duration{
		tickets.P1: time.Hour, tickets.P2: 4 * time.Hour, tickets.P3: 8 * time.Hour, tickets.P4: 16 * time.Hour,
	}
}

// FormatWhen says an instant as the bot says it to a requester, in the
// desk's zone loc and relative to now: "oggi alle 15:00", "tomorrow at
// 08:00", "lunedì 7 dicembre alle 08:00". The web pages use it so that
// the form's confirmation and the chat promise in the same words.
func FormatWhen(lang string, when, now time.Time, loc *time.Location) string {
	return formatWhen(lang, when, now, loc)
}
