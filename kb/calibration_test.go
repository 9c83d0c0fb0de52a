// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShippedCalibrationIsReproducible refits the confidence model from
// the files it names and checks that the embedded calibration.json is what
// `helpdesk kb calibrate` makes of them today: the model is not edited by
// hand, not fitted on a held-out set, and not stale after a change of the
// ranking or the content (refit: helpdesk kb calibrate --kb content/kb
// --queries content/eval/kb-dev-*.jsonl --out kb/calibration.json).
func TestShippedCalibrationIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo knowledge base")
	}
	c := ShippedCalibration()
	if c == nil {
		t.Fatal("no calibration embedded")
	}
	if len(c.FittedOn) == 0 {
		t.Fatal("calibration.json does not name what it was fitted on")
	}
	var queries []EvalQuery
	for _, f := range c.FittedOn {
		if strings.Contains(f, "holdout") {
			t.Fatalf("fitted on a held-out set: %s", f)
		}
		fh, err := os.Open(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		qs, err := ReadEvalQueries(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, qs...)
	}
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "../content/kb", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sr, err := NewSearcher(ctx, s, SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sr.Calibrate(ctx, queries, c.Folds, DefaultTargetPrecision, c.FittedOn)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range rep.Model.Weights {
		if math.Abs(w-c.Weights[i]) > 1e-6 {
			t.Fatalf("weight of %s: refit %v, shipped %v — refit with helpdesk kb calibrate", featureNames[i], w, c.Weights[i])
		}
	}
	for i, b := range rep.Model.Reliability {
		if b != c.Reliability[i] {
			t.Fatalf("reliability bin %d: refit %+v, shipped %+v", i, b, c.Reliability[i])
		}
	}
	if th := ThresholdForPrecision(DefaultTargetPrecision); th != rep.Threshold || DefaultThreshold != th {
		t.Errorf("threshold: shipped %v, default %v, refit %v", th, DefaultThreshold, rep.Threshold)
	}
	// The cross-validated answers at that threshold meet the target.
	if rep.CV.Precision == nil || *rep.CV.Precision < DefaultTargetPrecision {
		t.Errorf("cross-validated precision %v below the target", rep.CV.Precision)
	}
}

// TestReliabilityDiagramInDocs: the reliability diagram published in
// docs/kb-search.md is the shipped model's.
func TestReliabilityDiagramInDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/kb-search.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- reliability -->")
	table, _, ok2 := strings.Cut(rest, "<!-- /reliability -->")
	if !ok || !ok2 {
		t.Fatal("docs/kb-search.md has no reliability table")
	}
	var rows int
	for _, b := range ShippedCalibration().Reliability {
		if b.N == 0 {
			continue
		}
		row := fmt.Sprintf("| %.1f–%.1f | %d | %.3f | %.3f |", b.Lo, b.Hi, b.N, b.Expected, b.Observed)
		if !strings.Contains(table, row) {
			t.Errorf("docs lack the row %q", row)
		}
		rows++
	}
	if got := strings.Count(table, "\n|") - 2; got != rows {
		t.Errorf("docs table has %d rows, the model %d", got, rows)
	}
}

func TestThresholdForTarget(t *testing.T) {
	c := &Calibration{Operating: []OperatingPoint{
		{Threshold: 0.5, Band: 20, BandPrecision: 0.6},
		{Threshold: 0.6, Band: 20, BandPrecision: 0.75},
		{Threshold: 0.7, Band: 3, BandPrecision: 0.3}, // too few to decide
		{Threshold: 0.8, Band: 20, BandPrecision: 0.9},
		{Threshold: 0.9, Band: 20, BandPrecision: 0.97},
	}}
	tests := []struct{ target, want float64 }{
		{0.5, 0.5}, {0.7, 0.6}, {0.8, 0.7}, {0.95, 0.9}, {0.99, 0.9},
	}
	for _, tc := range tests {
		if got := c.ThresholdFor(tc.target); got != tc.want {
			t.Errorf("ThresholdFor(%v) = %v, want %v", tc.target, got, tc.want)
		}
	}
	var none *Calibration
	if none.ThresholdFor(0.8) != legacyThreshold {
		t.Error("no calibration: the legacy threshold")
	}
	prev := 0.0
	for _, target := range []float64{0.5, 0.6, 0.7, 0.8, 0.9, 0.95} {
		th := ThresholdForPrecision(target)
		if th < prev {
			t.Errorf("shipped: a higher target %v lowers the threshold to %v", target, th)
		}
		prev = th
	}
}

func TestParseCalibration(t *testing.T) {
	if c, err := ParseCalibration([]byte(`{}`)); c != nil || err != nil {
		t.Errorf("empty: %v %v", c, err)
	}
	for _, bad := range []string{`{"weights": [1]}`, `not json`} {
		if _, err := ParseCalibration([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	b, _ := os.ReadFile("calibration.json")
	renamed := strings.Replace(string(b), `"local_coverage"`, `"local_cover"`, 1)
	if _, err := ParseCalibration([]byte(renamed)); err == nil || !strings.Contains(err.Error(), "refit") {
		t.Errorf("renamed feature: %v", err)
	}
}
