// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"testing"
)

func TestCalibrateNeedsFolds(t *testing.T) {
	var s Searcher
	if _, err := s.Calibrate(context.Background(), nil, 1, 0.8, nil); err == nil {
		t.Error("one fold accepted")
	}
	// Folds follow the query, not its place in the file.
	q := EvalQuery{Query: "vpn non va", Lang: "it"}
	if a, b := fold(q, 5), fold(q, 5); a != b || a >= 5 {
		t.Error("fold is not a stable function of the query")
	}
}
