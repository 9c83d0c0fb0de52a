package nlp

import (
	"bytes"
	"fmt"
	"os"
	"testing"
)

// crossValidate scores k-fold cross-validation on the training split.
// Training options were chosen with it; the dev split is never used here.
func crossValidate(t *testing.T, exs []SeverityExample, opt trainOptions, k int) (u, i, ty Scores) {
	t.Helper()
	var gu, pu, gi, pi, gt, pt []string
	for f := 0; f < k; f++ {
		var train, test []SeverityExample
		for n, ex := range exs {
			if n%k == f {
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
			s := m.Assess(ex.Text, ex.Lang)
			gu, pu = append(gu, ex.Urgency), append(pu, s.Urgency.Level)
			gi, pi = append(gi, ex.Impact), append(pi, s.Impact.Level)
			gt, pt = append(gt, ex.Type), append(pt, s.Type.Level)
		}
	}
	return Score(Levels, gu, pu), Score(Levels, gi, pi), Score(Types, gt, pt)
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
						opts = append(opts, trainOptions{e, r, l2, b})
					}
				}
			}
		}
	}
	for _, opt := range opts {
		u, i, ty := crossValidate(t, exs, opt, 5)
		t.Logf("%s urgency F1 %.3f impact F1 %.3f type F1 %.3f", fmt.Sprint(opt), u.MacroF1, i.MacroF1, ty.MacroF1)
		if opt == defaultTrainOptions && (u.MacroF1 < 0.6 || i.MacroF1 < 0.5 || ty.MacroF1 < 0.6) {
			t.Errorf("5-fold macro-F1 too low: urgency %.3f impact %.3f type %.3f", u.MacroF1, i.MacroF1, ty.MacroF1)
		}
	}
}
