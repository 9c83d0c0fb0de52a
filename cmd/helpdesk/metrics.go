// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
)

// registerDBMetrics exports figures that live in the database, so every
// instance reports the same value: queue lengths, and SLA warnings and
// breaches (rows of sla_events, which the unique key keeps exact).
func registerDBMetrics(reg prometheus.Registerer, pool *sqlx.DB) error {
	count := func(query string, args ...any) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var n float64
			if err := pool.GetContext(ctx, &n, query, args...); err != nil {
				return -1 // the scrape still succeeds; -1 says "could not read"
			}
			return n
		}
	}
	var cs []prometheus.Collector
	for _, level := range []string{"1", "2"} {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "helpdesk_queue_length", Help: "Conversations waiting for an agent, by support level.",
			ConstLabels: prometheus.Labels{"level": level},
		}, count(`SELECT count(*) FROM conversations WHERE state = 'queued' AND level = $1`, level)))
	}
	for _, kind := range []string{"warning", "breach"} {
		cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "helpdesk_sla_events_total", Help: "SLA warnings and breaches recorded (once per ticket and target).",
			ConstLabels: prometheus.Labels{"kind": kind},
		}, count(`SELECT count(*) FROM sla_events WHERE kind = $1`, kind)))
	}
	cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "helpdesk_tickets_open", Help: "Tickets not yet resolved, closed or cancelled.",
	}, count(`SELECT count(*) FROM tickets WHERE state IN ('new', 'open', 'waiting_requester', 'waiting_third_party')`)))
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
