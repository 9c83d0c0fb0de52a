// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"slices"
	"strings"
	"testing"

	"helpdesk/kb"
	"helpdesk/tickets"
)

// TestAssessmentOf: the bot's assessment as the agent reads it — levels
// and type in words, confidences as percentages in the page's number
// format, the guides offered by title (by id when the entry is gone) —
// and no assessment at all for a ticket without one.
func TestAssessmentOf(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	ctx := context.Background()
	if _, _, err := d.c.kb.Save(ctx, kb.Entry{ID: "vpn", Kind: kb.KindFAQ, Lang: "it", Title: "La VPN non si collega", Body: "Riavvia.",
		Questions: []string{"vpn"}, Audience: kb.AudiencePublic, Status: kb.StatusDraft}, "ed", ""); err != nil {
		t.Fatal(err)
	}
	a := tickets.Assessment{Urgency: "high", Impact: "low", Type: "incident", UrgencyConfidence: 0.755, ImpactConfidence: 0,
		Why: []string{`word "ricett"`, `word "ricett"`}, Query: "vpn casa", Tried: []string{"vpn", "sparita"}}
	v := d.c.assessmentOf(ctx, "it", a)
	if !v.HasAssessment || !v.HasLevels || !v.HasConfidence {
		t.Errorf("flags %+v", v)
	}
	if v.Urgency != Text.T("it", "level.high") || v.Impact != Text.T("it", "level.low") || v.Type != Text.T("it", "type.incident") {
		t.Errorf("levels %q %q %q", v.Urgency, v.Impact, v.Type)
	}
	if v.UrgencyConf != "75,5\u00a0%" || v.ImpactConf != "" || v.Floor != "60,0\u00a0%" {
		t.Errorf("confidences %q %q, floor %q", v.UrgencyConf, v.ImpactConf, v.Floor)
	}
	if len(v.Why) != 1 || !strings.Contains(v.Why[0], "ricett") || v.Query != "vpn casa" {
		t.Errorf("why %v, query %q", v.Why, v.Query)
	}
	if want := []triedEntry{{"vpn", "La VPN non si collega"}, {"sparita", "sparita"}}; !slices.Equal(v.Tried, want) {
		t.Errorf("tried %v, want %v", v.Tried, want)
	}
	if en := d.c.assessmentOf(ctx, "en", a); en.UrgencyConf != "75.5%" || en.Urgency != Text.T("en", "level.high") {
		t.Errorf("English: %q %q", en.UrgencyConf, en.Urgency)
	}
	// A value the catalogue does not know is shown as it is.
	if v := d.c.assessmentOf(ctx, "it", tickets.Assessment{Urgency: "cosmic"}); v.Urgency != "cosmic" || v.HasConfidence {
		t.Errorf("unknown level: %+v", v)
	}
	if v := d.c.assessmentOf(ctx, "it", tickets.Assessment{}); v.HasAssessment || v.HasLevels || len(v.Tried) != 0 {
		t.Errorf("no assessment: %+v", v)
	}
}

// TestWhyWords: the severity model's English reasons in the agent's words.
func TestWhyWords(t *testing.T) {
	t.Parallel()
	got := whyWords("it", []string{`word "ricett"`, `words "non funziona"`, `blocked: "non riesco"`, `security incident`,
		`everyone affected: "tutti"`, `"urgente" alone does not decide`, `something new: "x"`, `word "ricett"`})
	want := []string{"la parola «ricett»", "le parole «non funziona»", "lavoro bloccato: «non riesco»", "incidente di sicurezza",
		"tutti coinvolti: «tutti»", "«urgente» da solo non basta a decidere", `something new: "x"`}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %q, want %q", i, got[i], want[i])
		}
	}
}
