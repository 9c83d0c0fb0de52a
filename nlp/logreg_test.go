// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"math"
	"slices"
	"testing"
)

// On separable data the model learns each class's words: the right class
// is the most likely, the probabilities sum to 1, the reasons name the
// deciding word, a word never seen changes nothing, and two trainings
// give the same weights (the order is seeded).
func TestLogRegLearnsAndExplains(t *testing.T) {
	classes := []string{"high", "low"}
	var xs [][]string
	var ys []string
	for range 20 {
		xs = append(xs, []string{"bloccato", "tutti"}, []string{"domanda", "info"})
		ys = append(ys, "high", "low")
	}
	m := trainLogReg(classes, xs, ys, defaultTrainOptions)
	for _, tc := range []struct {
		fs   []string
		want int
		why  string
	}{
		{[]string{"bloccato"}, 0, "bloccato"},
		{[]string{"info", "mai-visto"}, 1, "info"},
	} {
		p, best, why := m.predict(tc.fs)
		if best != tc.want {
			t.Errorf("%v: class %s, want %s (p %v)", tc.fs, classes[best], classes[tc.want], p)
		}
		if sum := p[0] + p[1]; math.Abs(sum-1) > 1e-9 {
			t.Errorf("%v: probabilities sum to %v", tc.fs, sum)
		}
		if len(why) == 0 || why[0].feature != tc.why {
			t.Errorf("%v: reasons %v, want %s first", tc.fs, why, tc.why)
		}
	}
	pNone, _, _ := m.predict(nil)
	pUnseen, _, _ := m.predict([]string{"mai-visto"})
	if !slices.Equal(pNone, pUnseen) {
		t.Errorf("an unseen word moved the prediction: %v vs %v", pUnseen, pNone)
	}
	again := trainLogReg(classes, xs, ys, defaultTrainOptions)
	for k := range m.w {
		if !slices.Equal(m.w[k], again.w[k]) {
			t.Fatal("two trainings on the same data differ")
		}
	}
}
