// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
)

// gathered reads reg's figures as "name{label=value}" → value.
func gathered(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			// A figure is a gauge or a counter; the other getter reads 0.
			out[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return out
}

// TestDBMetrics: each figure is the database's count at the scrape, per
// level and kind; a database that cannot be read reads -1.
func TestDBMetrics(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	convs, err := bots.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	tks, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	if err := registerDBMetrics(reg, pool, convs, tks); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"helpdesk_queue_length{level=1}": 0, "helpdesk_queue_length{level=2}": 0,
		"helpdesk_sla_events_total{kind=warning}": 0, "helpdesk_sla_events_total{kind=breach}": 0,
		"helpdesk_tickets_open{}": 0,
	}
	check := func(when string) {
		t.Helper()
		got := gathered(t, reg)
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", when, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", when, k, got[k], v)
			}
		}
	}
	check("empty desk")

	var open, resolved *tickets.Ticket
	now := time.Now()
	err = db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		var err error
		if open, err = tks.Create(ctx, tx, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Printer"}); err != nil {
			return err
		}
		if resolved, err = tks.Create(ctx, tx, "test", tickets.NewTicket{OriginChannel: "web", Subject: "VPN"}); err != nil {
			return err
		}
		if _, err := tks.Resolve(ctx, tx, resolved.ID, "test", "solved", ""); err != nil {
			return err
		}
		for _, level := range []int{2, 2, 1} {
			c, _, err := convs.LockOpen(ctx, tx, "telegram", "chat-"+time.Now().Format("150405.000000000"), nil, "it", now)
			if err != nil {
				return err
			}
			c.State, c.Level = bots.StateQueued, level
			if err := convs.Save(ctx, tx, c); err != nil {
				return err
			}
		}
		// sla_events are written by the SLA scan; one of each kind here.
		_, err = tx.Exec(`INSERT INTO sla_events (ticket_id, target, kind, at, elapsed_seconds)
			VALUES ($1, 'take_charge', 'warning', now(), 60), ($1, 'resolution', 'warning', now(), 60), ($1, 'take_charge', 'breach', now(), 90)`, open.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]float64{
		"helpdesk_queue_length{level=1}": 1, "helpdesk_queue_length{level=2}": 2,
		"helpdesk_sla_events_total{kind=warning}": 2, "helpdesk_sla_events_total{kind=breach}": 1,
		"helpdesk_tickets_open{}": 1,
	}
	check("after the changes")

	if err := registerDBMetrics(reg, pool, convs, tks); err == nil {
		t.Fatal("registered twice on one registry")
	}
	closed := testdb.New(t)
	closed.Close()
	reg = prometheus.NewRegistry()
	if err := registerDBMetrics(reg, closed, convs, tks); err != nil {
		t.Fatal(err)
	}
	for k := range want {
		want[k] = -1
	}
	check("database closed")
}
