// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"math"
	"testing"
)

func TestPolicyDecide(t *testing.T) {
	p := Policy{Answer: 0.8, Choices: 0.8}
	h := func(confs ...float64) []Hit {
		var hs []Hit
		for i, c := range confs {
			hs = append(hs, Hit{EntryID: string(rune('a' + i)), Confidence: c})
		}
		return hs
	}
	tests := []struct {
		name   string
		policy Policy
		hits   []Hit
		want   Outcome
		shown  int
	}{
		{"no hits", p, nil, OutcomeNone, 0},
		{"first likely enough", p, h(0.85, 0.1), OutcomeAnswer, 1},
		{"exactly the threshold", p, h(0.8), OutcomeAnswer, 1},
		{"two together", p, h(0.5, 0.35, 0.1), OutcomeChoices, 2},
		{"three together", p, h(0.4, 0.3, 0.2, 0.05), OutcomeChoices, 3},
		{"even three not enough", p, h(0.3, 0.2, 0.1, 0.1), OutcomeNone, 0},
		{"a hopeless title is not a choice", p, h(0.7, 0.04, 0.04), OutcomeNone, 0},
		{"one hit alone is never a choice list", p, h(0.7), OutcomeNone, 0},
		{"choices off", Policy{Answer: 0.8}, h(0.5, 0.4), OutcomeNone, 0},
		{"custom floor", Policy{Answer: 0.8, Choices: 0.8, MinChoice: 0.3}, h(0.5, 0.25, 0.2), OutcomeNone, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.policy.Decide(tc.hits)
			if d.Outcome != tc.want || len(d.Hits) != tc.shown {
				t.Errorf("Decide = %v with %d hits, want %v with %d", d.Outcome, len(d.Hits), tc.want, tc.shown)
			}
		})
	}
	if OutcomeAnswer.String() != "answer" || OutcomeChoices.String() != "choices" || OutcomeNone.String() != "none" {
		t.Error("outcome names")
	}
}

func TestEvaluatePolicyUserMetrics(t *testing.T) {
	queries := []EvalQuery{
		{Query: "answered right", Expected: []string{"a"}},
		{Query: "answered wrong", Expected: []string{"a"}},
		{Query: "choices with it", Expected: []string{"a"}},
		{Query: "choices without it", Expected: []string{"a"}},
		{Query: "nothing", Expected: []string{"a"}},
		{Query: "uncovered, gives up", Uncovered: true},
		{Query: "uncovered, offers choices", Uncovered: true},
		{Query: "out, answers"},
	}
	results := map[string][]Hit{
		"answered right":            {{EntryID: "a", Confidence: 0.9}},
		"answered wrong":            {{EntryID: "b", Confidence: 0.95}, {EntryID: "a", Confidence: 0.01}},
		"choices with it":           {{EntryID: "b", Confidence: 0.5}, {EntryID: "a", Confidence: 0.4}},
		"choices without it":        {{EntryID: "b", Confidence: 0.5}, {EntryID: "c", Confidence: 0.4}, {EntryID: "a", Confidence: 0.3}},
		"nothing":                   {{EntryID: "a", Confidence: 0.1}},
		"uncovered, gives up":       {{EntryID: "b", Confidence: 0.1}},
		"uncovered, offers choices": {{EntryID: "b", Confidence: 0.5}, {EntryID: "c", Confidence: 0.4}},
		"out, answers":              {{EntryID: "b", Confidence: 0.9}},
	}
	search := func(_ context.Context, q EvalQuery) ([]Hit, error) { return results[q.Query], nil }
	r, err := EvaluatePolicy(context.Background(), queries, search, Policy{Answer: 0.8, Choices: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if r.InScope != 5 || !near(r.Answered, 2.0/5) || r.Precision == nil || !near(*r.Precision, 0.5) ||
		!near(r.Choices, 2.0/5) || !near(r.ShownHit, 2.0/5) {
		t.Errorf("answered %v precision %v choices %v shown %v", r.Answered, r.Precision, r.Choices, r.ShownHit)
	}
	// By confidence: wrong 0.95, right 0.9, wrong 0.5 (choices with it:
	// its first hit is b), wrong 0.5, right 0.1 → errors at k=1..5:
	// 1/1, 1/2, 2/3, 3/4, 3/5.
	if want := (1 + 0.5 + 2.0/3 + 0.75 + 0.6) / 5; !near(r.AURC, want) {
		t.Errorf("AURC = %v, want %v", r.AURC, want)
	}
	if r.UncoveredAbstainOK == nil || !near(*r.UncoveredAbstainOK, 0.5) || r.AbstainOK == nil || !near(*r.AbstainOK, 2.0/3) {
		t.Errorf("uncovered %v abstain %v", r.UncoveredAbstainOK, r.AbstainOK)
	}
	var reasons []string
	for _, m := range r.Misses {
		reasons = append(reasons, m.Reason)
	}
	for _, want := range []string{"offered choices on an uncovered query", "answered an out-of-scope query"} {
		found := false
		for _, got := range reasons {
			found = found || got == want
		}
		if !found {
			t.Errorf("misses %q lack %q", reasons, want)
		}
	}

	// Nothing answered: precision is unknown, not 0.
	r, _ = EvaluatePolicy(context.Background(), queries[4:5], search, Policy{Answer: 0.8})
	if r.Precision != nil || r.Answered != 0 {
		t.Errorf("precision %v answered %v", r.Precision, r.Answered)
	}
}
