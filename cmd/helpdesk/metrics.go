// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/bots"
	"helpdesk/tickets"
)

// registerDBMetrics exports figures that live in the database, so every
// instance reports the same value: queue lengths, and SLA warnings and
// breaches (rows of sla_events, which the unique key keeps exact). Each
// figure is asked of the package that owns its table.
func registerDBMetrics(reg prometheus.Registerer, pool *sqlx.DB, convs *bots.Store, tks *tickets.Store) error {
	count := func(read func(ctx context.Context) (int, error)) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := read(ctx)
			if err != nil {
				return -1 // the scrape still succeeds; -1 says "could not read"
			}
			return float64(n)
		}
	}
	var cs []prometheus.Collector
	for _, level := range []int{1, 2} {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "helpdesk_queue_length", Help: "Conversations waiting for an agent, by support level.",
			ConstLabels: prometheus.Labels{"level": strconv.Itoa(level)},
		}, count(func(ctx context.Context) (int, error) { return convs.QueueLength(ctx, pool, level) })))
	}
	for _, kind := range []string{"warning", "breach"} {
		cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "helpdesk_sla_events_total", Help: "SLA warnings and breaches recorded (once per ticket and target).",
			ConstLabels: prometheus.Labels{"kind": kind},
		}, count(func(ctx context.Context) (int, error) { return tks.CountSLAEvents(ctx, pool, kind) })))
	}
	cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "helpdesk_tickets_open", Help: "Tickets not yet resolved, closed or cancelled.",
	}, count(func(ctx context.Context) (int, error) { return tks.CountOpen(ctx, pool) })))
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
