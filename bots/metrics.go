// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the engine's Prometheus series.
type metrics struct {
	in       *prometheus.CounterVec
	out      *prometheus.CounterVec
	handling *prometheus.HistogramVec
	tickets  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		in: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "helpdesk_messages_in_total", Help: "Inbound messages handled, by channel (redeliveries counted as duplicate, messages over a user's rate limit as rate_limited).",
		}, []string{"channel", "outcome"}),
		out: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "helpdesk_messages_out_total", Help: "Replies delivered to a channel, or failed and queued for retry.",
		}, []string{"channel", "result"}),
		handling: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "helpdesk_message_handling_seconds", Help: "Time to handle one inbound message: transaction, decision and sending.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"channel"}),
		tickets: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "helpdesk_tickets_opened_total", Help: "Tickets opened by the engine, by channel and priority.",
		}, []string{"channel", "priority"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.in, m.out, m.handling, m.tickets} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) handled(channel string, res Result, err error, took time.Duration) {
	outcome := "ok"
	switch {
	case err != nil:
		outcome = "error"
	case res.Duplicate:
		outcome = "duplicate"
	case res.RateLimited:
		outcome = "rate_limited"
	}
	m.in.WithLabelValues(channel, outcome).Inc()
	m.handling.WithLabelValues(channel).Observe(took.Seconds())
}
