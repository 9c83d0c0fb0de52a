// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Each handled message is counted under its outcome, an error before a
// duplicate before a rate limit, and its handling time observed; the
// collectors register once (a second engine on the same registry is
// refused, not double-counted).
func TestMetricsOutcomes(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := newMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		res  Result
		err  error
		want string
	}{
		{Result{}, nil, "ok"},
		{Result{Duplicate: true}, nil, "duplicate"},
		{Result{RateLimited: true}, nil, "rate_limited"},
		{Result{Duplicate: true, RateLimited: true}, nil, "duplicate"},
		{Result{Duplicate: true}, errors.New("db down"), "error"},
	} {
		before := testutil.ToFloat64(m.in.WithLabelValues("slack", tc.want))
		m.handled("slack", tc.res, tc.err, 20*time.Millisecond)
		if got := testutil.ToFloat64(m.in.WithLabelValues("slack", tc.want)); got != before+1 {
			t.Errorf("%+v, %v: %s counted %v times, want %v", tc.res, tc.err, tc.want, got, before+1)
		}
	}
	if n := testutil.CollectAndCount(m.handling, "helpdesk_message_handling_seconds"); n != 1 {
		t.Errorf("%d handling series, want 1 (slack)", n)
	}
	if _, err := newMetrics(reg); err == nil {
		t.Error("the same collectors registered twice")
	}
	if m, err := newMetrics(nil); err != nil || m == nil {
		t.Errorf("without a registry: %v, %v", m, err)
	}
}
