// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
)

// The confidence of a hit is the probability that it answers the query:
// a logistic model over features of the hit and of the hits around it,
// fitted on the project's own labelled queries (`helpdesk kb calibrate`,
// cross-validated: the figures published for it come from queries the
// fold's model was not fitted on). The fitted model is calibration.json,
// embedded; the threshold that reaches a target precision is read from
// the same cross-validated predictions.

// featureNames name the inputs of the confidence model, in order.
var featureNames = []string{
	"local_coverage",  // query weight matched by the head and one passage
	"head_coverage",   // … by the title, phrasings and tags alone
	"coverage",        // … anywhere in the entry
	"phrasing",        // closeness of the best title or phrasing
	"bm25",            // BM25F over the query's weight
	"proximity",       // neighbouring query words close in a phrasing
	"unknown",         // share of the query's weight the index never saw
	"evidence",        // matched weight in idf units, capped
	"score",           // the ranking score
	"gap_to_first",    // first hit's score minus this one's
	"margin_next",     // this hit's score minus the next one's
	"margin_third",    // first hit's score minus the third's
	"is_first",        // rank 1
	"is_second",       // rank 2
	"query_words",     // log(1 + clauses of the query)
	"mean_rarity",     // mean idf of the query's clauses, over the largest idf
	"synonym_or_typo", // share of the query's weight matched only through a synonym or a typo fix
}

// calibrationDepth is how many hits of a query the model was fitted on
// (and is meant for): the first three, the most a user is shown.
const calibrationDepth = 3

// Calibration is a fitted confidence model and what cross-validation
// said of it.
type Calibration struct {
	Features []string  `json:"features"`
	Mean     []float64 `json:"mean"`
	Scale    []float64 `json:"scale"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
	// FittedOn names the query files the model was fitted on.
	FittedOn []string `json:"fitted_on"`
	// Folds is the number of cross-validation folds.
	Folds int `json:"folds"`
	// Operating lists, from the cross-validated predictions, for each
	// threshold on the first hit's confidence, the share of in-scope
	// queries answered and the precision of all those answers, and the
	// precision of the answers given at that confidence (the band of 0.1
	// above the threshold). Out-of-scope queries answered count as wrong.
	Operating []OperatingPoint `json:"operating"`
	// Reliability is the reliability diagram of the cross-validated
	// confidences of the hits the model is meant for.
	Reliability []ReliabilityBin `json:"reliability"`
}

// OperatingPoint is one threshold with what it yields.
type OperatingPoint struct {
	Threshold float64 `json:"threshold"`
	Answered  float64 `json:"answered"`
	Precision float64 `json:"precision"`
	// Band: answers with a confidence in [Threshold, Threshold+0.1), and
	// the share of them that were right.
	Band          int     `json:"band"`
	BandPrecision float64 `json:"band_precision"`
}

// ReliabilityBin compares, for the hits whose confidence fell in
// [Lo, Hi), the mean confidence (Expected) with the share that were right
// (Observed).
type ReliabilityBin struct {
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	N        int     `json:"n"`
	Expected float64 `json:"expected"`
	Observed float64 `json:"observed"`
}

//go:embed calibration.json
var calibrationJSON []byte

// shipped is the embedded model (nil until calibration.json holds one:
// confidence then falls back to the older hand-fitted formula).
var shipped = mustCalibration(calibrationJSON)

func mustCalibration(b []byte) *Calibration {
	c, err := ParseCalibration(b)
	if err != nil {
		panic(err)
	}
	return c
}

// ParseCalibration reads a calibration file; an empty object gives nil.
func ParseCalibration(b []byte) (*Calibration, error) {
	var c Calibration
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("kb calibration: %w", err)
	}
	if len(c.Weights) == 0 {
		return nil, nil
	}
	n := len(featureNames)
	if len(c.Features) != n || len(c.Mean) != n || len(c.Scale) != n || len(c.Weights) != n {
		return nil, fmt.Errorf("kb calibration: %d features, the code has %d: refit with helpdesk kb calibrate", len(c.Weights), n)
	}
	for i, f := range c.Features {
		if f != featureNames[i] {
			return nil, fmt.Errorf("kb calibration: feature %d is %q, the code has %q: refit", i, f, featureNames[i])
		}
	}
	return &c, nil
}

// ShippedCalibration returns the embedded model (nil when none).
func ShippedCalibration() *Calibration { return shipped }

// Predict is the probability for one feature vector.
func (c *Calibration) Predict(x []float64) float64 {
	z := c.Bias
	for i, v := range x {
		z += c.Weights[i] * (v - c.Mean[i]) / c.Scale[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// ThresholdFor returns the answer threshold for a target precision: the
// lowest confidence at which the answers given at that confidence (the
// band of 0.1 above it) were right at least target of the time in
// cross-validation, and so were those of every higher band. Each answer
// the bot gives, not only their average, is then likely enough; the
// average precision of all answers comes out higher. A band of fewer than
// minBand answers says too little and is passed over. When no band
// reaches the target, the highest threshold is returned.
func (c *Calibration) ThresholdFor(target float64) float64 {
	if c == nil || len(c.Operating) == 0 {
		return legacyThreshold
	}
	best := c.Operating[len(c.Operating)-1].Threshold
	// Operating is sorted by increasing threshold: walk down from the top.
	for i := len(c.Operating) - 1; i >= 0; i-- {
		p := c.Operating[i]
		if p.Band >= minBand && p.BandPrecision < target {
			break
		}
		best = p.Threshold
	}
	return best
}

// minBand is the fewest answers in a band that can stop ThresholdFor.
const minBand = 8

// DefaultTargetPrecision is the precision the answer threshold is chosen
// for when the configuration does not say (kb.target_precision).
const DefaultTargetPrecision = 0.8

// ThresholdForPrecision is the shipped model's threshold for target.
func ThresholdForPrecision(target float64) float64 { return shipped.ThresholdFor(target) }
