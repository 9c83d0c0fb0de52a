package kb

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// EvalQuery is one line of an evaluation file: a query as a user would
// write it, its language, and the ids of the entries that answer it
// (empty: out of scope, the right outcome is no confident answer).
type EvalQuery struct {
	Query    string   `json:"query"`
	Lang     string   `json:"lang"`
	Expected []string `json:"expected"`
}

// ReadEvalQueries reads JSON lines of EvalQuery; blank lines are skipped.
func ReadEvalQueries(r io.Reader) ([]EvalQuery, error) {
	var out []EvalQuery
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
		var q EvalQuery
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if strings.TrimSpace(q.Query) == "" {
			return nil, fmt.Errorf("line %d: empty query", line)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// EvalResult holds the metrics of an evaluation. Top1 counts a query as
// right only when the first hit is expected and confident (a correct
// entry given with too little confidence is no answer for the user);
// HitAt3 and MRRAt10 judge the ranking alone. They are over the queries
// with an expected entry; AbstainOK is over the others (nil when none).
type EvalResult struct {
	Queries    int      `json:"queries"`
	Top1       float64  `json:"top1"`
	HitAt3     float64  `json:"hit_at_3"`
	MRRAt10    float64  `json:"mrr_at_10"`
	AbstainOK  *float64 `json:"abstain_ok"`
	InScope    int      `json:"-"`
	OutOfScope int      `json:"-"`
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
// hit is confident when its confidence is at least threshold.
func Evaluate(ctx context.Context, queries []EvalQuery, search SearchFunc, threshold float64) (EvalResult, error) {
	var r EvalResult
	var top1, top1r, hit3, mrr, abstain float64
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
		confident := first != "" && conf >= threshold
		if len(q.Expected) == 0 {
			r.OutOfScope++
			if !confident {
				abstain++
			} else {
				r.Misses = append(r.Misses, EvalMiss{q, first, conf, "answered an out-of-scope query"})
			}
			continue
		}
		r.InScope++
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
			r.Misses = append(r.Misses, EvalMiss{q, first, conf, "right entry first, but not confident"})
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
	}
	if r.OutOfScope > 0 {
		a := abstain / float64(r.OutOfScope)
		r.AbstainOK = &a
	}
	return r, nil
}
