// SPDX-License-Identifier: EUPL-1.2

package nlp

// Scores are the figures of one classification task.
type Scores struct {
	Labels   []string
	Accuracy float64
	// MacroF1 averages the F1 of every label that occurs in the gold
	// labels or the predictions, so a label never predicted counts as 0.
	MacroF1 float64
	// Confusion[i][j] counts cases of gold Labels[i] predicted Labels[j];
	// a gold or predicted value outside Labels is not counted.
	Confusion [][]int
	// F1 per label, in Labels order.
	F1 []float64
}

// Score compares predictions with gold labels over the given label set.
func Score(labels, gold, pred []string) Scores {
	s := Scores{Labels: labels, Confusion: make([][]int, len(labels)), F1: make([]float64, len(labels))}
	for i := range s.Confusion {
		s.Confusion[i] = make([]int, len(labels))
	}
	correct := 0
	for i := range gold {
		if gold[i] == pred[i] {
			correct++
		}
		g, p := indexOf(labels, gold[i]), indexOf(labels, pred[i])
		if g >= 0 && p >= 0 {
			s.Confusion[g][p]++
		}
	}
	if len(gold) > 0 {
		s.Accuracy = float64(correct) / float64(len(gold))
	}
	used := 0
	var sum float64
	for k := range labels {
		var tp, fp, fn int
		for i := range gold {
			switch {
			case gold[i] == labels[k] && pred[i] == labels[k]:
				tp++
			case pred[i] == labels[k]:
				fp++
			case gold[i] == labels[k]:
				fn++
			}
		}
		if tp+fp+fn == 0 {
			continue
		}
		used++
		s.F1[k] = 2 * float64(tp) / float64(2*tp+fp+fn)
		sum += s.F1[k]
	}
	if used > 0 {
		s.MacroF1 = sum / float64(used)
	}
	return s
}
