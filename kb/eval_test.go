// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestReadEvalQueries(t *testing.T) {
	in := `{"query": "a", "lang": "it", "expected": ["x"]}

{"query": "b", "lang": "en", "expected": []}
`
	qs, err := ReadEvalQueries(strings.NewReader(in))
	if err != nil || len(qs) != 2 || qs[1].Lang != "en" || len(qs[1].Expected) != 0 {
		t.Fatalf("%v %+v", err, qs)
	}
	for _, bad := range []string{`{"query": "a", "langue": "it"}`, `{"query": ""}`, `not json`} {
		if _, err := ReadEvalQueries(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestEvaluateMetrics(t *testing.T) {
	queries := []EvalQuery{
		{Query: "first, confident", Expected: []string{"a"}},
		{Query: "first, not confident", Expected: []string{"a"}},
		{Query: "second", Expected: []string{"a"}},
		{Query: "absent", Expected: []string{"a"}},
		{Query: "out, abstains", Expected: nil},
		{Query: "out, answers", Expected: nil},
	}
	results := map[string][]Hit{
		"first, confident":     {{EntryID: "a", Confidence: 0.9}, {EntryID: "b"}},
		"first, not confident": {{EntryID: "a", Confidence: 0.2}},
		"second":               {{EntryID: "b", Confidence: 0.9}, {EntryID: "a"}},
		"absent":               {{EntryID: "b", Confidence: 0.9}},
		"out, abstains":        {{EntryID: "b", Confidence: 0.1}},
		"out, answers":         {{EntryID: "b", Confidence: 0.8}},
	}
	search := func(_ context.Context, q EvalQuery) ([]Hit, error) { return results[q.Query], nil }
	r, err := Evaluate(context.Background(), queries, search, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if r.Queries != 6 || r.InScope != 4 || r.OutOfScope != 2 ||
		!near(r.Top1, 0.25) || !near(r.Top1Ranked, 0.5) || !near(r.HitAt3, 0.75) ||
		!near(r.MRRAt10, (1+1+0.5)/4) || r.AbstainOK == nil || !near(*r.AbstainOK, 0.5) {
		t.Fatalf("result = %+v (abstain %v)", r, *r.AbstainOK)
	}
	if len(r.Misses) != 4 {
		t.Errorf("misses = %+v", r.Misses)
	}

	r, _ = Evaluate(context.Background(), queries[:1], search, 0.5)
	if r.AbstainOK != nil {
		t.Error("abstain_ok set without out-of-scope queries")
	}
	boom := errors.New("boom")
	if _, err := Evaluate(context.Background(), queries, func(context.Context, EvalQuery) ([]Hit, error) { return nil, boom }, 0.5); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}
