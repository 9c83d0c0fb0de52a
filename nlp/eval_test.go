// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"math"
	"testing"
)

func TestScore(t *testing.T) {
	labels := []string{"a", "b", "c"}
	gold := []string{"a", "a", "b", "b", "c"}
	pred := []string{"a", "b", "b", "b", "a"}
	s := Score(labels, gold, pred)
	if s.Accuracy != 0.6 {
		t.Errorf("accuracy = %v, want 0.6", s.Accuracy)
	}
	// F1: a = 2·1/(2+1+1) = 0.5, b = 2·2/(4+1+0) = 0.8, c = 0.
	if want := (0.5 + 0.8 + 0) / 3; math.Abs(s.MacroF1-want) > 1e-9 {
		t.Errorf("macro-F1 = %v, want %v", s.MacroF1, want)
	}
	if s.Confusion[0][1] != 1 || s.Confusion[2][0] != 1 || s.Confusion[1][1] != 2 {
		t.Errorf("confusion = %v", s.Confusion)
	}
	// A label absent from gold and predictions does not drag the mean.
	s = Score([]string{"a", "b", "z"}, []string{"a", "b"}, []string{"a", "b"})
	if s.MacroF1 != 1 {
		t.Errorf("macro-F1 with an unused label = %v, want 1", s.MacroF1)
	}
	if s = Score(labels, nil, nil); s.Accuracy != 0 || s.MacroF1 != 0 {
		t.Errorf("empty = %+v", s)
	}
}
