// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"regexp"
	"strings"

	"helpdesk/tickets"
)

// assessmentView is the bot's assessment of a ticket as the agent reads it:
// every level, type and cue in the page's language, confidences as
// percentages, the guides it offered by title.
type assessmentView struct {
	Urgency, Impact, Type                   string
	UrgencyConf, ImpactConf, TypeConf       string // "" when not recorded
	Why                                     []string
	Query                                   string
	Tried                                   []triedEntry
	HasLevels, HasConfidence, HasAssessment bool
	// Floor is the confidence below which the agent should check the
	// estimate with the requester, in the page's number format.
	Floor string
}

// assessmentOf translates a ticket's assessment for lang.
func (c *Console) assessmentOf(ctx context.Context, lang string, a tickets.Assessment) assessmentView {
	v := assessmentView{HasAssessment: !a.IsZero(), Query: a.Query, Floor: formatPercent(lang, 60)}
	label := func(prefix, value string) string {
		if value == "" {
			return ""
		}
		if _, ok := Text[prefix+value]; ok {
			return Text.T(lang, prefix+value)
		}
		return value
	}
	v.Urgency, v.Impact, v.Type = label("level.", a.Urgency), label("level.", a.Impact), label("type.", a.Type)
	v.HasLevels = a.Urgency != "" || a.Impact != ""
	pct := func(x float64) string {
		if x <= 0 {
			return ""
		}
		return formatPercent(lang, 100*x)
	}
	v.UrgencyConf, v.ImpactConf, v.TypeConf = pct(a.UrgencyConfidence), pct(a.ImpactConfidence), pct(a.TypeConfidence)
	v.HasConfidence = v.UrgencyConf != "" || v.ImpactConf != "" || v.TypeConf != ""
	v.Why = whyWords(lang, a.Why)
	v.Tried = c.triedEntries(ctx, a.Tried)
	return v
}

// triedEntries names the knowledge-base entries by their titles (the id
// when the entry is gone).
func (c *Console) triedEntries(ctx context.Context, ids []string) []triedEntry {
	var out []triedEntry
	for _, id := range ids {
		te := triedEntry{ID: id, Title: id}
		if e, err := c.kb.Get(ctx, id); err == nil {
			te.Title = e.Title
		}
		out = append(out, te)
	}
	return out
}

// The severity model explains itself in English phrases (nlp: `word
// "ricett"`, `words "non funziona"`, `blocked: "non riesco"`, `everyone
// affected: "tutti"` …). These patterns put them in the agent's language;
// a phrase of a shape not known here is shown as it is, never dropped.
var (
	whyWord    = regexp.MustCompile(`^word "(.*)"$`)
	whyWords2  = regexp.MustCompile(`^words "(.*)"$`)
	whyAlone   = regexp.MustCompile(`^"(.*)" alone does not decide$`)
	whyLabeled = regexp.MustCompile(`^([a-z_ ]+): "(.*)"$`)
)

// whyWords translates the model's reasons, each once.
func whyWords(lang string, why []string) []string {
	t := func(key string, args ...any) string { return Text.T(lang, key, args...) }
	seen := map[string]bool{}
	var out []string
	for _, w := range why {
		s := w
		if m := whyWord.FindStringSubmatch(w); m != nil {
			s = t("why.word", m[1])
		} else if m := whyWords2.FindStringSubmatch(w); m != nil {
			s = t("why.words", m[1])
		} else if m := whyAlone.FindStringSubmatch(w); m != nil {
			s = t("why.alone", m[1])
		} else if m := whyLabeled.FindStringSubmatch(w); m != nil {
			key := "why." + strings.ReplaceAll(m[1], " ", "_")
			if _, ok := Text[key]; ok {
				s = t("why.cue", t(key), m[2])
			}
		} else if key := "why." + strings.ReplaceAll(w, " ", "_"); Text[key] != nil {
			s = t(key)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
