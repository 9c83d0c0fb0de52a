// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"testing"
)

// crossValidate scores k-fold cross-validation on the training split
// (k = 2: Italian against English, see crossValidateNLL).
// Training options were chosen with it; the dev split is never used here.
func crossValidate(t *testing.T, exs []SeverityExample, opt trainOptions, k int) (u, i, ty Scores) {
	t.Helper()
	u, i, ty, _ = crossValidateNLL(t, exs, opt, k, nil)
	return u, i, ty
}

// crossValidateNLL also returns, for each temperature, the mean held-out
// negative log-likelihood of the three heads' model probabilities (before
// rules).
func crossValidateNLL(t *testing.T, exs []SeverityExample, opt trainOptions, k int, temps []float64) (u, i, ty Scores, nll []float64) {
	t.Helper()
	nll = make([]float64, len(temps))
	fold := func(n int, _ SeverityExample) int { return n % k }
	if k == 2 {
		// Two folds split by language: most training situations are
		// written in both languages, and a random fold would test a case
		// whose twin it trained on.
		fold = func(_ int, ex SeverityExample) int {
			if ex.Lang == English {
				return 1
			}
			return 0
		}
	}
	var gu, pu, gi, pi, gt, pt []string
	for f := 0; f < k; f++ {
		var train, test []SeverityExample
		for n, ex := range exs {
			if fold(n, ex) == f {
				test = append(test, ex)
			} else {
				train = append(train, ex)
			}
		}
		m, err := trainSeverity(train, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range test {
			fs := severityFeatures(ex.Text, ex.Lang, FindCues(ex.Text))
			for ti, temp := range temps {
				for _, head := range []struct {
					m    *logReg
					gold string
				}{{m.urgency, ex.Urgency}, {m.impact, ex.Impact}, {m.kind, ex.Type}} {
					head.m.temperature = temp
					p, _, _ := head.m.predict(fs)
					nll[ti] -= math.Log(math.Max(p[indexOf(head.m.classes, head.gold)], 1e-12)) / float64(3*len(exs))
					head.m.temperature = opt.temperature
				}
			}
			s := m.Assess(context.Background(), ex.Text, ex.Lang)
			gu, pu = append(gu, ex.Urgency), append(pu, s.Urgency.Level)
			gi, pi = append(gi, ex.Impact), append(pi, s.Impact.Level)
			gt, pt = append(gt, ex.Type), append(pt, s.Type.Level)
		}
	}
	return Score(Levels, gu, pu), Score(Levels, gi, pi), Score(Types, gt, pt), nll
}

// TestSeverityTemperature logs the held-out log-loss per temperature (the
// default was chosen from it) and checks the default is near the best.
func TestSeverityTemperature(t *testing.T) {
	exs, err := ReadSeverityExamples(bytes.NewReader(severityTrain))
	if err != nil {
		t.Fatal(err)
	}
	temps := []float64{1, 1.5, 2, 3, 4, 5, 6, 8}
	_, _, _, nll := crossValidateNLL(t, exs, defaultTrainOptions, 2, temps)
	best := 0
	for i := range temps {
		t.Logf("temperature %.1f: held-out log-loss %.3f", temps[i], nll[i])
		if nll[i] < nll[best] {
			best = i
		}
	}
	def := indexOfFloat(temps, defaultTrainOptions.temperature)
	if def < 0 || nll[def] > nll[best]*1.1 {
		t.Errorf("default temperature %.1f is not within 10%% of the best %.1f", defaultTrainOptions.temperature, temps[best])
	}
}

func indexOfFloat(xs []float64, x float64) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func TestSeverityCrossValidation(t *testing.T) {
	exs, err := ReadSeverityExamples(bytes.NewReader(severityTrain))
	if err != nil {
		t.Fatal(err)
	}
	opts := []trainOptions{defaultTrainOptions}
	if os.Getenv("NLP_CV_SWEEP") != "" {
		for _, e := range []int{20, 40, 80} {
			for _, r := range []float64{0.05, 0.2, 0.5} {
				for _, l2 := range []float64{1e-4, 1e-3, 1e-2} {
					for _, b := range []bool{false, true} {
						opts = append(opts, trainOptions{e, r, l2, b, 1})
					}
				}
			}
		}
	}
	for _, opt := range opts {
		u, i, ty := crossValidate(t, exs, opt, 2)
		t.Logf("%s urgency F1 %.3f impact F1 %.3f type F1 %.3f", fmt.Sprint(opt), u.MacroF1, i.MacroF1, ty.MacroF1)
		if opt == defaultTrainOptions && (u.MacroF1 < 0.6 || i.MacroF1 < 0.5 || ty.MacroF1 < 0.6) {
			t.Errorf("5-fold macro-F1 too low: urgency %.3f impact %.3f type %.3f", u.MacroF1, i.MacroF1, ty.MacroF1)
		}
	}
}
