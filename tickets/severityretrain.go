// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"helpdesk/internal/db"
	"helpdesk/nlp"
)

// Retraining the severity model, by hand (`helpdesk nlp retrain`) or on a
// schedule when enough new labels exist (SeverityRetrainWorker). Either
// way the new version is only stored, with its figures on the held-out
// cases next to those of the version in use: a supervisor switches to it
// (`helpdesk nlp use`) after reading them, and can go back.

// SeverityRetrain is what one retraining did.
type SeverityRetrain struct {
	// Version is the stored version; 0 when there were fewer new labels
	// than asked for and nothing was trained.
	Version int
	// NewLabels are the labels recorded since the latest version (all of
	// them when there is none).
	NewLabels int
	// Labels are the desk's labels the version was trained on (the latest
	// per ticket).
	Labels int
	// InUse is the version in use (0: the shipped model); Before and After
	// are its figures and the new version's on the held-out cases.
	InUse         int
	Before, After SeverityFigures
}

// RetrainSeverity trains a version from the shipped data plus every label
// when at least minNew labels were recorded since the latest version,
// scores it and the version in use on heldOut, and stores it, not in use.
// One retraining runs at a time across instances.
func (s *Store) RetrainSeverity(ctx context.Context, pool *sqlx.DB, heldOut func() ([]nlp.SeverityExample, error), by string, minNew int) (SeverityRetrain, error) {
	sq, err := severitySQL()
	if err != nil {
		return SeverityRetrain{}, err
	}
	var r SeverityRetrain
	err = db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, sq.Lock); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &r.NewLabels, sq.NewLabels); err != nil {
			return err
		}
		if r.NewLabels < minNew {
			return nil
		}
		// The held-out cases are read only when there is something to
		// train: a desk without them loses nothing until labels arrive.
		cases, err := heldOut()
		if err != nil {
			return err
		}
		var through int64
		if err := tx.GetContext(ctx, &through, sq.LastLabel); err != nil {
			return err
		}
		var labels []nlp.SeverityExample
		if err := tx.SelectContext(ctx, &labels, sq.Labels, through); err != nil {
			return err
		}
		model, err := TrainSeverityVersion(labels)
		if err != nil {
			return err
		}
		inUse, inUseLabels, err := s.ActiveSeverityModel(ctx, tx)
		if err != nil {
			return err
		}
		current, err := nlp.NewSeverityModel()
		if err != nil {
			return err
		}
		if inUse != 0 {
			if current, err = TrainSeverityVersion(inUseLabels); err != nil {
				return err
			}
		}
		r.InUse, r.Labels = inUse, len(labels)
		r.Before, r.After = s.ScoreSeverity(ctx, current, cases), s.ScoreSeverity(ctx, model, cases)
		r.Version, err = s.saveSeverityModel(ctx, tx, by, labels, r.After, through)
		return err
	})
	if err != nil {
		return SeverityRetrain{}, fmt.Errorf("retrain severity: %w", err)
	}
	return r, nil
}

// NewSeverityLabels counts the labels recorded since the latest version
// (all of them when there is none).
func (s *Store) NewSeverityLabels(ctx context.Context, q Querier) (int, error) {
	sq, err := severitySQL()
	if err != nil {
		return 0, err
	}
	var n int
	if err := q.GetContext(ctx, &n, sq.NewLabels); err != nil {
		return 0, fmt.Errorf("new severity labels: %w", err)
	}
	return n, nil
}

// SeverityRetrainArgs is the periodic job that retrains the severity
// model when enough new labels exist.
type SeverityRetrainArgs struct{}

// Kind names the job.
func (SeverityRetrainArgs) Kind() string { return "severity_retrain" }

// SeverityRetrainBy is who a scheduled version is created by, as
// `helpdesk nlp models` shows it.
const SeverityRetrainBy = "schedule"

// SeverityRetrainWorker runs RetrainSeverity on the job queue. The
// periodic scheduler runs on the elected leader only, and the advisory
// lock in RetrainSeverity keeps a late second run from training twice:
// it finds no new labels.
type SeverityRetrainWorker struct {
	river.WorkerDefaults[SeverityRetrainArgs]
	Store *Store
	DB    *sqlx.DB
	// MinNew is tickets.severity_retrain_after: labels since the latest
	// version needed to train a new one.
	MinNew int
	// HeldOut reads the cases the figures are measured on
	// (tickets.severity_held_out).
	HeldOut func() ([]nlp.SeverityExample, error)
	Logger  *slog.Logger
}

// Work retrains when enough new labels exist.
func (w *SeverityRetrainWorker) Work(ctx context.Context, job *river.Job[SeverityRetrainArgs]) error {
	r, err := w.Store.RetrainSeverity(ctx, w.DB, w.HeldOut, SeverityRetrainBy, max(w.MinNew, 1))
	if err != nil {
		return err
	}
	if r.Version != 0 && w.Logger != nil {
		w.Logger.Info("severity model retrained, not in use until a supervisor switches (helpdesk nlp use)",
			"version", r.Version, "new_labels", r.NewLabels, "priority_f1", r.After.PriorityF1,
			"in_use", r.InUse, "in_use_priority_f1", r.Before.PriorityF1)
	}
	return nil
}

// Timeout: training takes about 50 ms; scoring a few hundred cases less.
func (w *SeverityRetrainWorker) Timeout(*river.Job[SeverityRetrainArgs]) time.Duration {
	return 5 * time.Minute
}
