// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

type reportQueries struct {
	Volumes          string `query:"volumes"`
	SLA              string `query:"sla"`
	Backlog          string `query:"backlog"`
	RateTickets      string `query:"rate-tickets"`
	RateEscalated    string `query:"rate-escalated"`
	RateResolved     string `query:"rate-resolved"`
	RateFirstContact string `query:"rate-first-contact"`
	RateConvs        string `query:"rate-conversations"`
	RateSolvedByBot  string `query:"rate-solved-by-bot"`
	Satisfaction     string `query:"satisfaction"`
}

// Report is what a contract is judged by, for one period.
type Report struct {
	From         time.Time     `json:"from"`
	To           time.Time     `json:"to"`
	Volumes      []VolumeRow   `json:"volumes"`
	SLA          []SLARow      `json:"sla"`
	Backlog      []BacklogRow  `json:"backlog"`
	Rates        Rates         `json:"rates"`
	Satisfaction []RatingCount `json:"satisfaction"`
}

// VolumeRow counts the tickets opened in the period with one value of a
// dimension (channel, category, type, priority, level).
type VolumeRow struct {
	Dimension string `db:"dimension" json:"dimension"`
	Value     string `db:"value" json:"value"`
	Count     int    `db:"count" json:"count"`
}

// SLARow is the compliance with one target of the tickets opened in the
// period, and their mean and median working time to reach it.
type SLARow struct {
	Target        string  `db:"target" json:"target"`
	Measured      int     `db:"measured" json:"measured"`
	Met           int     `db:"met" json:"met"`
	MeanSeconds   float64 `db:"mean_seconds" json:"mean_seconds"`
	MedianSeconds float64 `db:"median_seconds" json:"median_seconds"`
}

// Compliance is the share of measured tickets that met the target.
func (r SLARow) Compliance() float64 {
	if r.Measured == 0 {
		return 0
	}
	return float64(r.Met) / float64(r.Measured)
}

// BacklogRow is the open tickets of a priority by age at the period's end.
type BacklogRow struct {
	Priority string `db:"priority" json:"priority"`
	Under1d  int    `db:"under_1d" json:"under_1d"`
	D1to3    int    `db:"d1_3" json:"d1_3"`
	D3to7    int    `db:"d3_7" json:"d3_7"`
	Over7d   int    `db:"over_7d" json:"over_7d"`
	Total    int    `db:"total" json:"total"`
}

// Rates are the period's escalation, first-contact resolution and bot
// deflection counts.
type Rates struct {
	Tickets       int `db:"tickets" json:"tickets"`
	Escalated     int `db:"escalated" json:"escalated"`
	Resolved      int `db:"resolved" json:"resolved"`
	FirstContact  int `db:"first_contact" json:"first_contact"`
	Conversations int `db:"conversations" json:"conversations"`
	SolvedByBot   int `db:"solved_by_bot" json:"solved_by_bot"`
}

// RatingCount is how many satisfaction answers gave a rating.
type RatingCount struct {
	Rating int `db:"rating" json:"rating"`
	Count  int `db:"count" json:"count"`
}

// Report computes the report for [from, to). Its queries are independent:
// on a pool they run at the same time, each on its own connection.
func (s *Store) Report(ctx context.Context, q Querier, from, to time.Time) (*Report, error) {
	r := &Report{From: from, To: to}
	asOf := to
	if now := s.now(); now.Before(asOf) {
		asOf = now
	}
	parts := []func() error{
		func() error {
			var groups []volumeGroup
			if err := q.SelectContext(ctx, &groups, s.rep.Volumes, from, to); err != nil {
				return wrap("volumes", err)
			}
			r.Volumes = rollUp(groups)
			return nil
		},
		func() error { return wrap("sla", s.slaRows(ctx, q, &r.SLA, from, to)) },
		func() error {
			return wrap("backlog", q.SelectContext(ctx, &r.Backlog, s.rep.Backlog, asOf, OpenStatesArg()))
		},
		func() error { return wrap("rates", q.GetContext(ctx, &r.Rates.Tickets, s.rep.RateTickets, from, to)) },
		func() error {
			return wrap("rates", q.GetContext(ctx, &r.Rates.Escalated, s.rep.RateEscalated, from, to))
		},
		func() error { return wrap("rates", q.GetContext(ctx, &r.Rates.Resolved, s.rep.RateResolved, from, to)) },
		func() error {
			return wrap("rates", q.GetContext(ctx, &r.Rates.FirstContact, s.rep.RateFirstContact, from, to))
		},
		func() error {
			return wrap("rates", q.GetContext(ctx, &r.Rates.Conversations, s.rep.RateConvs, from, to))
		},
		func() error {
			return wrap("rates", q.GetContext(ctx, &r.Rates.SolvedByBot, s.rep.RateSolvedByBot, from, to))
		},
		func() error {
			return wrap("satisfaction", q.SelectContext(ctx, &r.Satisfaction, s.rep.Satisfaction, from, to))
		},
	}
	if _, pooled := q.(*sqlx.DB); !pooled {
		// A transaction's connection runs one query at a time.
		for _, p := range parts {
			if err := p(); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = p() }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

// slaRows computes the SLA table, one target per query; on a pool the
// four run at the same time, each with enough work memory to sort its
// median in memory (set for its own transaction only).
func (s *Store) slaRows(ctx context.Context, q Querier, dst *[]SLARow, from, to time.Time) error {
	rows := make([]SLARow, len(Targets))
	errs := make([]error, len(Targets))
	one := func(i int) {
		target := string(Targets[i])
		pool, ok := q.(*sqlx.DB)
		if !ok {
			errs[i] = q.GetContext(ctx, &rows[i], s.rep.SLA, from, to, target)
			return
		}
		errs[i] = db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
			if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
				return err
			}
			return tx.GetContext(ctx, &rows[i], s.rep.SLA, from, to, target)
		})
	}
	if _, pooled := q.(*sqlx.DB); pooled {
		var wg sync.WaitGroup
		for i := range Targets {
			wg.Add(1)
			go func() { defer wg.Done(); one(i) }()
		}
		wg.Wait()
	} else {
		for i := range Targets {
			one(i)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Measured > 0 || r.MeanSeconds > 0 {
			*dst = append(*dst, r)
		}
	}
	return nil
}

// volumeGroup is one combination of the report's dimensions.
type volumeGroup struct {
	Channel  string `db:"channel"`
	Category string `db:"category"`
	Type     string `db:"type"`
	Priority string `db:"priority"`
	Level    int    `db:"level"`
	Count    int    `db:"count"`
}

// rollUp adds the groups up per dimension, largest first.
func rollUp(groups []volumeGroup) []VolumeRow {
	totals := map[[2]string]int{}
	for _, g := range groups {
		totals[[2]string{"channel", g.Channel}] += g.Count
		totals[[2]string{"category", g.Category}] += g.Count
		totals[[2]string{"type", g.Type}] += g.Count
		totals[[2]string{"priority", g.Priority}] += g.Count
		totals[[2]string{"level", strconv.Itoa(g.Level)}] += g.Count
	}
	rows := make([]VolumeRow, 0, len(totals))
	for k, n := range totals {
		rows = append(rows, VolumeRow{Dimension: k[0], Value: k[1], Count: n})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Dimension != b.Dimension {
			return a.Dimension < b.Dimension
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Value < b.Value
	})
	return rows
}

func wrap(part string, err error) error {
	if err != nil {
		return fmt.Errorf("report %s: %w", part, err)
	}
	return nil
}

// Quarter returns the bounds of the calendar quarter holding t, in loc.
func Quarter(t time.Time, loc *time.Location) (time.Time, time.Time) {
	t = t.In(loc)
	q := (int(t.Month()) - 1) / 3
	from := time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 3, 0)
}
