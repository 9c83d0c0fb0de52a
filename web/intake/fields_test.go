// SPDX-License-Identifier: EUPL-1.2

package intake

import (
	"testing"

	"helpdesk/nlp"
	"helpdesk/tickets"
)

// TestSeverityLevels: known labels pass through; an unknown or empty one
// falls back to a ticket's defaults (incident, medium urgency, low impact),
// each field on its own.
func TestSeverityLevels(t *testing.T) {
	t.Parallel()
	sev := func(typ, urgency, impact string) nlp.Severity {
		return nlp.Severity{Type: nlp.Assessment{Level: typ}, Urgency: nlp.Assessment{Level: urgency}, Impact: nlp.Assessment{Level: impact}}
	}
	for _, tt := range []struct {
		name            string
		in              nlp.Severity
		typ             tickets.Type
		urgency, impact tickets.Level
	}{
		{"known", sev("request", "high", "high"), tickets.TypeRequest, tickets.High, tickets.High},
		{"known low", sev("suggestion", "low", "medium"), tickets.TypeSuggestion, tickets.Low, tickets.Medium},
		{"all unknown", sev("complaint", "urgent", "huge"), tickets.TypeIncident, tickets.Medium, tickets.Low},
		{"empty", nlp.Severity{}, tickets.TypeIncident, tickets.Medium, tickets.Low},
		{"case matters", sev("Request", "HIGH", "High"), tickets.TypeIncident, tickets.Medium, tickets.Low},
		{"only type unknown", sev("x", "high", "medium"), tickets.TypeIncident, tickets.High, tickets.Medium},
		{"only urgency unknown", sev("question", "x", "high"), tickets.TypeQuestion, tickets.Medium, tickets.High},
		{"only impact unknown", sev("question", "low", "x"), tickets.TypeQuestion, tickets.Low, tickets.Low},
	} {
		typ, urgency, impact := SeverityLevels(tt.in)
		if typ != tt.typ || urgency != tt.urgency || impact != tt.impact {
			t.Errorf("%s: got %s/%s/%s, want %s/%s/%s", tt.name, typ, urgency, impact, tt.typ, tt.urgency, tt.impact)
		}
	}
}
