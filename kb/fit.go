// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
)

// Fitting the confidence model (helpdesk kb calibrate). Each labelled
// query gives its first calibrationDepth hits as samples: features, and
// whether the hit is one of the expected entries. The model is a logistic
// regression with a small L2 penalty on standardised features. Its
// figures come from k-fold cross-validation by query: each query is
// scored by the model fitted on the other folds, never on itself.

// calibrationSample is one hit of one labelled query.
type calibrationSample struct {
	query int
	rank  int
	entry string
	x     []float64
	right bool
}

// calibrationSamples runs each query through the index (public audience,
// as the bot searches) and returns the features of its first hits.
func (s *Searcher) calibrationSamples(queries []EvalQuery) []calibrationSample {
	set := s.ix.Load()
	var out []calibrationSample
	for qi, q := range queries {
		ix := set.byLang[q.Lang]
		if q.Lang != LangIT && q.Lang != LangEN {
			ix = set.byLang[LangIT]
		}
		if ix == nil {
			continue
		}
		cs := ix.buildQuery(q.Lang, q.Query)
		var total float32
		for _, c := range cs {
			total += c.weight
		}
		cands := ix.search(cs, filter{lang: q.Lang, audience: AudiencePublic}, 0, isTrouble(q.Query))
		qf := ix.queryFeatures(cs, total)
		for i := 0; i < len(cands) && i < calibrationDepth; i++ {
			id := ix.docs[cands[i].doc].entry.ID
			out = append(out, calibrationSample{query: qi, rank: i, entry: id,
				x: candidateFeatures(cands, i, total, qf), right: slices.Contains(q.Expected, id)})
		}
	}
	return out
}

// fold assigns a query to one of k folds by a hash of its text, so the
// folds do not depend on the order of the files.
func fold(q EvalQuery, k int) int {
	h := fnv.New32a()
	h.Write([]byte(q.Lang + "\x00" + q.Query))
	return int(h.Sum32() % uint32(k))
}

// logistic fits weights and bias on standardised samples.
func logistic(xs [][]float64, ys []bool, lambda float64) ([]float64, float64) {
	n, d := len(xs), len(featureNames)
	w := make([]float64, d)
	var b float64
	grad := make([]float64, d)
	// Plain gradient descent: a few thousand rows of under twenty
	// features converge in well under a second.
	for iter := 0; iter < 4000; iter++ {
		clear(grad)
		var gb float64
		for i, x := range xs {
			z := b
			for j, v := range x {
				z += w[j] * v
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if ys[i] {
				y = 1
			}
			e := p - y
			for j, v := range x {
				grad[j] += e * v
			}
			gb += e
		}
		for j := range w {
			w[j] -= 0.5 * (grad[j]/float64(n) + lambda*w[j])
		}
		b -= 0.5 * gb / float64(n)
	}
	return w, b
}

// fitSamples fits a Calibration on samples (no cross-validation).
func fitSamples(samples []calibrationSample) *Calibration {
	d := len(featureNames)
	c := &Calibration{Features: slices.Clone(featureNames), Mean: make([]float64, d), Scale: make([]float64, d)}
	n := float64(len(samples))
	for _, s := range samples {
		for j, v := range s.x {
			c.Mean[j] += v / n
		}
	}
	for _, s := range samples {
		for j, v := range s.x {
			c.Scale[j] += (v - c.Mean[j]) * (v - c.Mean[j]) / n
		}
	}
	for j := range c.Scale {
		c.Scale[j] = math.Sqrt(c.Scale[j])
		if c.Scale[j] < 1e-9 {
			c.Scale[j] = 1
		}
	}
	xs := make([][]float64, len(samples))
	ys := make([]bool, len(samples))
	for i, s := range samples {
		z := make([]float64, d)
		for j, v := range s.x {
			z[j] = (v - c.Mean[j]) / c.Scale[j]
		}
		xs[i], ys[i] = z, s.right
	}
	c.Weights, c.Bias = logistic(xs, ys, 1e-3)
	return c
}

// CalibrationReport is what `kb calibrate` found: the model fitted on all
// the queries, and the metrics of the cross-validated predictions.
type CalibrationReport struct {
	Model *Calibration
	// CV is the evaluation of the cross-validated confidences under the
	// policy of the model's threshold for the target precision.
	CV        EvalResult
	Threshold float64
	Samples   int
}

// Calibrate fits the confidence model on queries with k-fold
// cross-validation and returns the model fitted on all of them, with the
// operating points and reliability diagram of the cross-validated
// predictions and the evaluation at the threshold for target.
func (s *Searcher) Calibrate(ctx context.Context, queries []EvalQuery, folds int, target float64, files []string) (CalibrationReport, error) {
	if folds < 2 {
		return CalibrationReport{}, fmt.Errorf("kb calibrate: %d folds, need at least 2", folds)
	}
	samples := s.calibrationSamples(queries)
	if len(samples) == 0 {
		return CalibrationReport{}, fmt.Errorf("kb calibrate: no query found any entry")
	}
	cv := make([]float64, len(samples))
	for k := range folds {
		var train []calibrationSample
		for _, sm := range samples {
			if fold(queries[sm.query], folds) != k {
				train = append(train, sm)
			}
		}
		m := fitSamples(train)
		for i, sm := range samples {
			if fold(queries[sm.query], folds) == k {
				cv[i] = m.Predict(sm.x)
			}
		}
	}
	model := fitSamples(samples)
	model.FittedOn, model.Folds = files, folds

	// Hits per query with their cross-validated confidences.
	hits := make([][]Hit, len(queries))
	for i, sm := range samples {
		hits[sm.query] = append(hits[sm.query], Hit{EntryID: sm.entry, Confidence: cv[i]})
	}
	model.Operating = operatingPoints(queries, hits)
	model.Reliability = reliability(samples, cv)
	th := model.ThresholdFor(target)
	next := 0 // EvaluatePolicy asks for the queries in order
	res, err := EvaluatePolicy(ctx, queries, func(context.Context, EvalQuery) ([]Hit, error) {
		next++
		return hits[next-1], nil
	}, PolicyFor(th))
	if err != nil {
		return CalibrationReport{}, err
	}
	return CalibrationReport{Model: model, CV: res, Threshold: th, Samples: len(samples)}, nil
}

// operatingPoints tabulates thresholds 0.01…0.99 on the first hit's
// confidence: the share of in-scope queries answered, and the precision
// of all answers (an out-of-scope query answered counts as wrong).
func operatingPoints(queries []EvalQuery, hits [][]Hit) []OperatingPoint {
	var inScope float64
	for _, q := range queries {
		if len(q.Expected) > 0 {
			inScope++
		}
	}
	var out []OperatingPoint
	for t := 1; t <= 99; t++ {
		th := float64(t) / 100
		var answered, answeredIn, right, bandRight float64
		p := OperatingPoint{Threshold: th}
		for i, q := range queries {
			if len(hits[i]) == 0 || hits[i][0].Confidence < th {
				continue
			}
			ok := slices.Contains(q.Expected, hits[i][0].EntryID)
			answered++
			if len(q.Expected) > 0 {
				answeredIn++
			}
			if ok {
				right++
			}
			if hits[i][0].Confidence < th+0.1 {
				p.Band++
				if ok {
					bandRight++
				}
			}
		}
		if p.Band > 0 {
			p.BandPrecision = round3(bandRight / float64(p.Band))
		}
		if inScope > 0 {
			p.Answered = round3(answeredIn / inScope)
		}
		if answered > 0 {
			p.Precision = round3(right / answered)
		}
		out = append(out, p)
	}
	return out
}

// reliability bins the cross-validated confidences by tenths.
func reliability(samples []calibrationSample, cv []float64) []ReliabilityBin {
	bins := make([]ReliabilityBin, 10)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/10, float64(i+1)/10
	}
	for i, sm := range samples {
		b := min(int(cv[i]*10), 9)
		bins[b].N++
		bins[b].Expected += cv[i]
		if sm.right {
			bins[b].Observed++
		}
	}
	for i := range bins {
		if n := float64(bins[i].N); n > 0 {
			bins[i].Expected = round3(bins[i].Expected / n)
			bins[i].Observed = round3(bins[i].Observed / n)
		}
	}
	return bins
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
