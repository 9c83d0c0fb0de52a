// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"helpdesk/internal/csvsafe"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// periodReport is the whole report: the tickets' figures and the
// knowledge base's.
type periodReport struct {
	*tickets.Report
	KB kb.Stats `json:"kb"`
}

// runReport prints the report for a period as JSON or CSV.
func runReport(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fromS := fs.String("from", "", "first day, YYYY-MM-DD (default: start of the current quarter)")
	toS := fs.String("to", "", "last day included, YYYY-MM-DD (default: end of the quarter of -from)")
	format := fs.String("format", "json", "json | csv")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *format != "json" && *format != "csv" {
		return fmt.Errorf("-format must be json or csv, not %q", *format)
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	loc := cfg.Location()
	from, to := tickets.Quarter(time.Now(), loc)
	if *fromS != "" {
		if from, err = time.ParseInLocation("2006-01-02", *fromS, loc); err != nil {
			return fmt.Errorf("-from: %q is not a date like 2026-10-01", *fromS)
		}
		_, to = tickets.Quarter(from, loc)
	}
	if *toS != "" {
		last, err := time.ParseInLocation("2006-01-02", *toS, loc)
		if err != nil {
			return fmt.Errorf("-to: %q is not a date like 2026-12-31", *toS)
		}
		to = last.AddDate(0, 0, 1)
	}
	if !to.After(from) {
		return fmt.Errorf("-to must not be before -from")
	}
	pool, err := env.openDB(ctx, cfg, cfg.Database.MigrateOnStart)
	if err != nil {
		return err
	}
	defer pool.Close()
	store, err := tickets.NewStore(tickets.Options{Location: loc})
	if err != nil {
		return err
	}
	rep, err := store.Report(ctx, pool, from, to)
	if err != nil {
		return err
	}
	kbs, err := kb.NewStore(pool, nil)
	if err != nil {
		return err
	}
	stats, err := kbs.Stats(ctx, kb.StatsOptions{Since: from})
	if err != nil {
		return err
	}
	full := periodReport{Report: rep, KB: stats}
	if *format == "json" {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(full)
	}
	return writeReportCSV(env.stdout, full)
}

// writeReportCSV writes every table of the report as sections of one CSV
// stream: a row naming the section, its header, its rows, a blank line.
func writeReportCSV(out io.Writer, r periodReport) error {
	w := csv.NewWriter(out)
	section := func(name string, header []string, rows [][]string) {
		w.Write([]string{"# " + name})
		w.Write(header)
		for _, row := range rows {
			w.Write(csvsafe.Row(row)) // queries typed by anyone: no live formulas
		}
		w.Write(nil)
	}
	itoa := strconv.Itoa
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	var rows [][]string
	for _, v := range r.Volumes {
		rows = append(rows, []string{v.Dimension, v.Value, itoa(v.Count)})
	}
	section("volumes", []string{"dimension", "value", "tickets"}, rows)
	rows = nil
	for _, s := range r.SLA {
		rows = append(rows, []string{s.Target, itoa(s.Measured), itoa(s.Met), f(100 * s.Compliance()), f(s.MeanSeconds / 3600), f(s.MedianSeconds / 3600)})
	}
	section("sla", []string{"target", "measured", "met", "compliance_pct", "mean_working_hours", "median_working_hours"}, rows)
	rows = nil
	for _, b := range r.Backlog {
		rows = append(rows, []string{b.Priority, itoa(b.Under1d), itoa(b.D1to3), itoa(b.D3to7), itoa(b.Over7d), itoa(b.Total)})
	}
	section("backlog", []string{"priority", "under_1_day", "1_3_days", "3_7_days", "over_7_days", "total"}, rows)
	rt := r.Rates
	section("rates", []string{"tickets", "escalated", "resolved", "first_contact", "conversations", "solved_by_bot"},
		[][]string{{itoa(rt.Tickets), itoa(rt.Escalated), itoa(rt.Resolved), itoa(rt.FirstContact), itoa(rt.Conversations), itoa(rt.SolvedByBot)}})
	rows = nil
	for _, s := range r.Satisfaction {
		rows = append(rows, []string{itoa(s.Rating), itoa(s.Count)})
	}
	section("satisfaction", []string{"rating", "answers"}, rows)
	rows = nil
	for _, u := range r.KB.MostUsed {
		rows = append(rows, []string{u.Entry, itoa(u.Shown), itoa(u.Helpful), itoa(u.NotHelpful)})
	}
	section("kb_most_used", []string{"entry", "shown", "helpful", "not_helpful"}, rows)
	rows = nil
	for _, g := range r.KB.Gaps {
		rows = append(rows, []string{g.Query, itoa(g.Times), f(g.BestConfidence)})
	}
	section("kb_unanswered", []string{"query", "times", "best_confidence"}, rows)
	w.Flush()
	return w.Error()
}
