// SPDX-License-Identifier: EUPL-1.2

// Package jobs runs durable background work on River, sharing the
// service's PostgreSQL: retries of failed sends, timers, and periodic work
// such as backups. Jobs are rows, so a restart loses none and several
// instances never run one twice.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"helpdesk/internal/backup"
)

// Client is the River client on database/sql transactions.
type Client = river.Client[*sql.Tx]

// Options configure the job runner.
type Options struct {
	Logger *slog.Logger
	// Backup, when its Dir is set, enables the periodic backup job every
	// BackupInterval (0 disables it).
	Backup         backup.Options
	BackupInterval time.Duration
	// Register adds the workers of other packages.
	Register []func(*river.Workers)
	// Periodic adds periodic jobs of other packages.
	Periodic []*river.PeriodicJob
	// PollInterval is how often idle workers look for new jobs (the
	// database/sql driver cannot LISTEN). 0: one second.
	PollInterval time.Duration
}

// BackupArgs is the periodic backup job.
type BackupArgs struct{}

// Kind names the job in River's table.
func (BackupArgs) Kind() string { return "backup" }

// InsertOpts make a backup unique per hour: two schedulers (after a leader
// change) cannot queue two dumps for the same slot.
func (BackupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}, MaxAttempts: 5}
}

// BackupWorker runs pg_dump for the periodic backup.
type BackupWorker struct {
	river.WorkerDefaults[BackupArgs]
	Options backup.Options
	Logger  *slog.Logger
}

// Work dumps the database.
func (w *BackupWorker) Work(ctx context.Context, job *river.Job[BackupArgs]) error {
	path, err := backup.Run(ctx, w.Options)
	if err != nil {
		return err
	}
	w.Logger.Info("backup written", "file", path)
	return nil
}

// Timeout lets a large dump take its time.
func (w *BackupWorker) Timeout(*river.Job[BackupArgs]) time.Duration { return time.Hour }

// New builds the River client; call Start to run it and Stop to drain it.
func New(db *sql.DB, opt Options) (*Client, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &BackupWorker{Options: opt.Backup, Logger: opt.Logger})
	for _, reg := range opt.Register {
		reg(workers)
	}
	periodic := append([]*river.PeriodicJob(nil), opt.Periodic...)
	if opt.BackupInterval > 0 && opt.Backup.Dir != "" {
		periodic = append(periodic, river.NewPeriodicJob(
			river.PeriodicInterval(opt.BackupInterval),
			func() (river.JobArgs, *river.InsertOpts) { return BackupArgs{}, nil },
			&river.PeriodicJobOpts{ID: "backup"},
		))
	}
	poll := opt.PollInterval
	if poll == 0 {
		poll = time.Second
	}
	client, err := river.NewClient(riverdatabasesql.New(db), &river.Config{
		Logger:            slog.New(quieter{opt.Logger.Handler(), slog.LevelWarn}).With("component", "river"),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 8}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, 100*time.Millisecond),
	})
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	return client, nil
}

// quieter passes on only records at min or above: River reports its job
// counts at info level every few seconds, which drowns the service's own
// lines; its warnings and errors still come through.
type quieter struct {
	slog.Handler
	min slog.Level
}

func (q quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= q.min && q.Handler.Enabled(ctx, l)
}

func (q quieter) WithAttrs(as []slog.Attr) slog.Handler {
	return quieter{q.Handler.WithAttrs(as), q.min}
}

func (q quieter) WithGroup(name string) slog.Handler {
	return quieter{q.Handler.WithGroup(name), q.min}
}
