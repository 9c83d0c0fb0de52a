// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// EvalQuery is one line of an evaluation file: a query as a user would
// write it, its language, and the ids of the entries that answer it
// (empty: out of scope, the right outcome is no confident answer).
// Uncovered marks an out-of-scope query that is in the desk's domain but
// on a topic the knowledge base lacks (booking a visit at the CUP): the
// nearest manual is then the tempting wrong answer.
type EvalQuery struct {
	Query     string   `json:"query"`
	Lang      string   `json:"lang"`
	Expected  []string `json:"expected"`
	Uncovered bool     `json:"uncovered,omitempty"`
}

// ReadEvalQueries reads JSON lines of EvalQuery; blank lines are skipped.
func ReadEvalQueries(r io.Reader) ([]EvalQuery, error) {
	return readJSONLines(r, func(q EvalQuery) error {
		if strings.TrimSpace(q.Query) == "" {
			return errors.New("empty query")
		}
		return nil
	})
}

// readJSONLines reads one strict JSON value of T per line (unknown fields
// refused, blank lines skipped), each checked by valid; errors name the line.
func readJSONLines[T any](r io.Reader, valid func(T) error) ([]T, error) {
	var out []T
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(t))
		dec.DisallowUnknownFields()
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if err := valid(v); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// EvalResult holds the metrics of an evaluation. Top1 counts a query as
// right only when the first hit is expected and confident (a correct
// entry given with too little confidence is no answer for the user);
// HitAt3 and MRRAt10 judge the ranking alone. They are over the queries
// with an expected entry; AbstainOK is over the others (nil when none).
//
// The next four judge what the user meets under the decision policy
// (Policy.Decide), over the queries with an expected entry: Answered is
// the share given a single answer, Precision the share of those answers
// that are right (nil when none), ShownHit the share where a right entry
// is shown at all (the answer or one of the choices), and AURC the area
// under the risk–coverage curve of the first hit's confidence (answer the
// k most confident queries, k = 1…n; the mean error rate; lower is better,
// it does not depend on a threshold).
type EvalResult struct {
	Queries   int      `json:"queries"`
	Top1      float64  `json:"top1"`
	HitAt3    float64  `json:"hit_at_3"`
	MRRAt10   float64  `json:"mrr_at_10"`
	AbstainOK *float64 `json:"abstain_ok"`
	Answered  float64  `json:"answered"`
	Precision *float64 `json:"precision"`
	ShownHit  float64  `json:"shown_hit"`
	AURC      float64  `json:"aurc"`
	// Choices is the share of in-scope queries offered choices.
	Choices float64 `json:"choices"`
	// UncoveredAbstainOK is AbstainOK over the queries marked uncovered
	// alone: neither an answer nor choices (nil when none).
	UncoveredAbstainOK *float64 `json:"uncovered_abstain_ok"`
	InScope            int      `json:"-"`
	OutOfScope         int      `json:"-"`
	// Top1Ranked is top-1 ignoring confidence: how often the right entry is
	// ranked first at all.
	Top1Ranked float64 `json:"-"`
	// Misses lists the queries that went wrong, for reading.
	Misses []EvalMiss `json:"-"`
}

// EvalMiss is one query the system got wrong.
type EvalMiss struct {
	Query      EvalQuery
	Got        string // first hit ("" when none)
	Confidence float64
	Reason     string
}

// SearchFunc runs one evaluation query.
type SearchFunc func(ctx context.Context, q EvalQuery) ([]Hit, error)

// Evaluate runs every query through search and computes the metrics; a
// hit is confident when its confidence is at least threshold, and no
// choices are offered.
func Evaluate(ctx context.Context, queries []EvalQuery, search SearchFunc, threshold float64) (EvalResult, error) {
	return EvaluatePolicy(ctx, queries, search, Policy{Answer: threshold})
}

// EvaluatePolicy is Evaluate with the bot's whole decision policy: a hit
// is confident when the policy answers with it, and the choices it offers
// count for ShownHit.
func EvaluatePolicy(ctx context.Context, queries []EvalQuery, search SearchFunc, p Policy) (EvalResult, error) {
	var r EvalResult
	var top1, top1r, hit3, mrr, abstain float64
	var answered, right, shown, choices, uncovered, uncoveredOK float64
	type risk struct {
		conf  float64
		wrong bool
	}
	var curve []risk
	for _, q := range queries {
		hits, err := search(ctx, q)
		if err != nil {
			return r, fmt.Errorf("query %q: %w", q.Query, err)
		}
		r.Queries++
		var first string
		var conf float64
		if len(hits) > 0 {
			first, conf = hits[0].EntryID, hits[0].Confidence
		}
		d := p.Decide(hits)
		confident := d.Outcome == OutcomeAnswer
		if len(q.Expected) == 0 {
			r.OutOfScope++
			if q.Uncovered {
				uncovered++
				if d.Outcome == OutcomeNone {
					uncoveredOK++
				}
			}
			switch d.Outcome {
			case OutcomeNone:
				abstain++
			case OutcomeChoices:
				abstain++ // no answer given; the choices end with "none of these"
				if q.Uncovered {
					r.Misses = append(r.Misses, EvalMiss{q, first, conf, "offered choices on an uncovered query"})
				}
			default:
				r.Misses = append(r.Misses, EvalMiss{q, first, conf, "answered an out-of-scope query"})
			}
			continue
		}
		r.InScope++
		curve = append(curve, risk{conf, first == "" || !slices.Contains(q.Expected, first)})
		switch d.Outcome {
		case OutcomeAnswer:
			answered++
			if slices.Contains(q.Expected, first) {
				right++
				shown++
			}
		case OutcomeChoices:
			choices++
			for _, h := range d.Hits {
				if slices.Contains(q.Expected, h.EntryID) {
					shown++
					break
				}
			}
		}
		rank := 0
		for i, h := range hits {
			if i == 10 {
				break
			}
			if slices.Contains(q.Expected, h.EntryID) {
				rank = i + 1
				break
			}
		}
		switch {
		case rank == 1 && confident:
			top1++
			top1r++
		case rank == 1:
			top1r++
			reason := "right entry first, but not confident"
			if d.Outcome == OutcomeChoices {
				reason = "right entry first, offered among choices"
			}
			r.Misses = append(r.Misses, EvalMiss{q, first, conf, reason})
		default:
			r.Misses = append(r.Misses, EvalMiss{q, first, conf, fmt.Sprintf("expected entry ranked %d", rank)})
		}
		if rank >= 1 && rank <= 3 {
			hit3++
		}
		if rank > 0 {
			mrr += 1 / float64(rank)
		}
	}
	if r.InScope > 0 {
		n := float64(r.InScope)
		r.Top1, r.Top1Ranked, r.HitAt3, r.MRRAt10 = top1/n, top1r/n, hit3/n, mrr/n
		r.Answered, r.ShownHit, r.Choices = answered/n, shown/n, choices/n
		if answered > 0 {
			pr := right / answered
			r.Precision = &pr
		}
		// Most confident first; ties keep the file's order, so the figure
		// is reproducible.
		slices.SortStableFunc(curve, func(a, b risk) int { return cmp.Compare(b.conf, a.conf) })
		var wrong, area float64
		for k, c := range curve {
			if c.wrong {
				wrong++
			}
			area += wrong / float64(k+1)
		}
		r.AURC = area / n
	}
	if r.OutOfScope > 0 {
		a := abstain / float64(r.OutOfScope)
		r.AbstainOK = &a
	}
	if uncovered > 0 {
		u := uncoveredOK / uncovered
		r.UncoveredAbstainOK = &u
	}
	return r, nil
}
