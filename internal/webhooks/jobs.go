// SPDX-License-Identifier: EUPL-1.2

package webhooks

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// DeliverArgs is the durable job of one delivery.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "webhook_deliver" }

// InsertOpts: one job per delivery, tried for about two days.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 15, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DeliverWorker runs DeliverArgs jobs; River retries a failed one.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	Service *Service
}

// Work sends the delivery.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.Service.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
}

// NextRetry applies the service's backoff.
func (w *DeliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.Service.opt.Backoff(job.Attempt))
}

// Timeout bounds one attempt.
func (w *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return 30 * time.Second }

// ScanArgs is the periodic job that runs Scan.
type ScanArgs struct{}

// Kind names the job.
func (ScanArgs) Kind() string { return "webhook_scan" }

// ScanWorker runs Scan.
type ScanWorker struct {
	river.WorkerDefaults[ScanArgs]
	Service *Service
}

// Work scans.
func (w *ScanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	_, err := w.Service.Scan(ctx)
	return err
}

// Register adds the webhook workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &DeliverWorker{Service: s})
	river.AddWorker(workers, &ScanWorker{Service: s})
}

// PeriodicScan is the periodic job that scans for new events every
// interval (a few seconds: webhooks are expected promptly).
func PeriodicScan(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return ScanArgs{}, nil },
		&river.PeriodicJobOpts{ID: "webhook_scan"})
}
