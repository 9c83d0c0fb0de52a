// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"math"
	"math/rand/v2"
	"sort"
)

// logReg is a multinomial logistic regression over binary string
// features. It is small on purpose: a few thousand features, three or four
// classes, trained in milliseconds, and every decision can be explained as
// a sum of named weights.
type logReg struct {
	classes []string
	index   map[string]int // feature → column
	names   []string       // column → feature
	w       [][]float64    // [class][column]; the last column is the bias
	// temperature divides the scores before the softmax when predicting.
	// Trained with class weights and little regularisation, the raw
	// probabilities are close to 0 or 1; the temperature (chosen by
	// cross-validation to minimise held-out log-loss) makes a confidence
	// of 0.7 mean roughly "right 7 times in 10".
	temperature float64
}

// trainOptions are the knobs of training. They were chosen by
// cross-validation on the training split (see TestSeverityCrossValidation),
// never on the dev split.
type trainOptions struct {
	epochs      int
	rate        float64
	l2          float64
	balanced    bool    // weight classes by inverse frequency
	temperature float64 // for predictions; 0 means 1
}

var defaultTrainOptions = trainOptions{epochs: 40, rate: 0.2, l2: 1e-3, balanced: true, temperature: 1}

// trainLogReg fits the model with stochastic gradient descent over a fixed
// seeded order, so two runs give the same weights.
func trainLogReg(classes []string, xs [][]string, ys []string, opt trainOptions) *logReg {
	m := &logReg{classes: classes, index: map[string]int{}, temperature: opt.temperature}
	rows := make([][]int, len(xs))
	for i, fs := range xs {
		rows[i] = m.columns(fs, true)
	}
	bias := len(m.names)
	m.w = make([][]float64, len(classes))
	for k := range m.w {
		m.w[k] = make([]float64, bias+1)
	}
	label := make([]int, len(ys))
	count := make([]float64, len(classes))
	for i, y := range ys {
		label[i] = indexOf(classes, y)
		if label[i] >= 0 {
			count[label[i]]++
		}
	}
	weight := make([]float64, len(classes))
	for k := range weight {
		weight[k] = 1
		if opt.balanced && count[k] > 0 {
			weight[k] = float64(len(ys)) / (float64(len(classes)) * count[k])
		}
	}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := make([]float64, len(classes))
	for epoch := 0; epoch < opt.epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := opt.rate / (1 + 0.05*float64(epoch))
		for _, i := range order {
			y := label[i]
			if y < 0 {
				continue
			}
			m.probsAt(rows[i], p, 1)
			for k := range classes {
				g := p[k]
				if k == y {
					g--
				}
				g *= weight[y]
				wk := m.w[k]
				for _, c := range rows[i] {
					wk[c] -= rate * (g + opt.l2*wk[c])
				}
				wk[bias] -= rate * g
			}
		}
	}
	return m
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// columns maps features to columns; unknown features are dropped unless
// grow is set (training).
func (m *logReg) columns(fs []string, grow bool) []int {
	out := make([]int, 0, len(fs))
	seen := make(map[int]bool, len(fs))
	for _, f := range fs {
		c, ok := m.index[f]
		if !ok {
			if !grow {
				continue
			}
			c = len(m.names)
			m.index[f] = c
			m.names = append(m.names, f)
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// probs fills p with the class probabilities of a row of columns, at the
// model's temperature.
func (m *logReg) probs(cols []int, p []float64) {
	t := m.temperature
	if t <= 0 {
		t = 1
	}
	m.probsAt(cols, p, t)
}

func (m *logReg) probsAt(cols []int, p []float64, temp float64) {
	bias := len(m.w[0]) - 1
	maxZ := math.Inf(-1)
	for k := range m.classes {
		z := m.w[k][bias]
		for _, c := range cols {
			z += m.w[k][c]
		}
		p[k] = z / temp
		maxZ = math.Max(maxZ, p[k])
	}
	var sum float64
	for k := range p {
		p[k] = math.Exp(p[k] - maxZ)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
}

// contribution is one feature's push towards a class.
type contribution struct {
	feature string
	weight  float64
}

// predict returns the class probabilities of features fs and, for the
// most likely class, the features that pushed it most (weight for that
// class minus the mean weight of the others), strongest first.
func (m *logReg) predict(fs []string) (p []float64, best int, why []contribution) {
	cols := m.columns(fs, false)
	p = make([]float64, len(m.classes))
	m.probs(cols, p)
	for k := range p {
		if p[k] > p[best] {
			best = k
		}
	}
	for _, c := range cols {
		var others float64
		for k := range m.classes {
			if k != best {
				others += m.w[k][c]
			}
		}
		push := m.w[best][c] - others/float64(len(m.classes)-1)
		if push > 0.05 {
			why = append(why, contribution{m.names[c], push})
		}
	}
	sort.Slice(why, func(i, j int) bool { return why[i].weight > why[j].weight })
	return p, best, why
}
