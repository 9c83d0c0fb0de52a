// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// defaultHeldOut is where retrain scores a new version: the project's own
// held-out severity cases, never trained on.
const defaultHeldOut = "content/eval/severity-holdout.jsonl"

// severityStore opens the database and a tickets store with the
// configured priority matrix (figures map levels as the service does).
func severityStore(ctx context.Context, env *environment) (*sqlx.DB, *tickets.Store, error) {
	cfg, err := env.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	matrix, err := priorityMatrix(env)
	if err != nil {
		return nil, nil, err
	}
	pool, err := env.openDB(ctx, cfg, cfg.Database.MigrateOnStart)
	if err != nil {
		return nil, nil, err
	}
	st, err := tickets.NewStore(tickets.Options{Matrix: matrix, Location: cfg.Location()})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return pool, st, nil
}

// runRetrain trains a new version from the shipped data plus the agents'
// labels, scores it and the version in use on the held-out cases, and
// stores it (not in use: `nlp use` switches).
func runRetrain(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("nlp retrain", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cases := fs.String("cases", defaultHeldOut, "held-out cases the figures are measured on")
	by := fs.String("by", "cli", "who retrains (kept with the version)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(env.stderr, nlpUsage)
		return errUsage
	}
	if _, err := readSeverityFile(*cases); err != nil {
		return err // before opening the database: a wrong path is the usual mistake
	}
	pool, st, err := severityStore(ctx, env)
	if err != nil {
		return err
	}
	defer pool.Close()
	var heldOut []nlp.SeverityExample
	r, err := st.RetrainSeverity(ctx, pool, func() ([]nlp.SeverityExample, error) {
		var err error
		heldOut, err = readSeverityFile(*cases)
		return heldOut, err
	}, *by, 0)
	if err != nil {
		return err
	}
	v, inUse, before, after, labels := r.Version, r.InUse, r.Before, r.After, r.Labels
	env.printf("version %d: shipped data + %d labels from agents; figures on %d held-out cases (%s):\n", v, labels, len(heldOut), *cases)
	env.printf("  %-22s %-11s %-10s %-12s %-8s %s\n", "", "urgency F1", "impact F1", "priority F1", "type F1", "priority accuracy")
	row := func(name string, f tickets.SeverityFigures) {
		env.printf("  %-22s %-11.3f %-10.3f %-12.3f %-8.3f %.3f\n", name, f.UrgencyF1, f.ImpactF1, f.PriorityF1, f.TypeF1, f.PriorityAccuracy)
	}
	row(fmt.Sprintf("in use (%s)", versionName(inUse)), before)
	row(fmt.Sprintf("new (version %d)", v), after)
	env.printf("not in use yet: helpdesk nlp use %d\n", v)
	return nil
}

func versionName(v int) string {
	if v == 0 {
		return "shipped"
	}
	return "version " + strconv.Itoa(v)
}

// runModels lists the stored versions and which is in use.
func runModels(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		fmt.Fprintln(env.stderr, nlpUsage)
		return errUsage
	}
	pool, st, err := severityStore(ctx, env)
	if err != nil {
		return err
	}
	defer pool.Close()
	vs, err := st.SeverityModels(ctx, pool)
	if err != nil {
		return err
	}
	mark := func(b bool) string {
		if b {
			return "*"
		}
		return " "
	}
	anyActive := false
	for _, v := range vs {
		anyActive = anyActive || v.Active
	}
	newLabels, err := st.NewSeverityLabels(ctx, pool)
	if err != nil {
		return err
	}
	env.printf("  version  created           by          labels  priority F1 (held-out)\n")
	env.printf("%s shipped  -                 -           0       -\n", mark(!anyActive))
	for _, v := range vs {
		env.printf("%s %-8d %-17s %-11s %-7d %.3f\n", mark(v.Active), v.Version, v.CreatedAt.UTC().Format("2006-01-02 15:04"), v.CreatedBy, v.Labels, v.Figures.PriorityF1)
	}
	env.printf("labels from agents since the latest version: %d\n", newLabels)
	return nil
}

// runUse switches the version in use ("shipped" or 0 goes back to the
// shipped model); running services follow within their refresh interval.
func runUse(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, nlpUsage)
		return errUsage
	}
	v := 0
	if args[0] != "shipped" {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			fmt.Fprintln(env.stderr, nlpUsage)
			return errUsage
		}
		v = n
	}
	pool, st, err := severityStore(ctx, env)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error { return st.UseSeverityModel(ctx, tx, v) }); err != nil {
		return err
	}
	env.printf("severity model in use: %s (running services switch within 10 s)\n", versionName(v))
	return nil
}
