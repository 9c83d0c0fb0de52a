// SPDX-License-Identifier: EUPL-1.2

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/internal/backup"
	"helpdesk/internal/db"
	"helpdesk/internal/jobs"
	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

// TestBackupJobRuns enqueues the backup job as the periodic scheduler does
// and waits for River to run it to completion.
func TestBackupJobRuns(t *testing.T) {
	ctx := context.Background()
	url := testdb.NewURL(t)
	pool, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	dir := t.TempDir()
	client, err := jobs.New(pool.DB, jobs.Options{
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		Backup:         backup.Options{DatabaseURL: url, Dir: dir, Keep: 2},
		BackupInterval: 24 * time.Hour,
		PollInterval:   100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(ctx)
	if _, err := client.Insert(ctx, jobs.BackupArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("backup job failed: %+v", ev.Job.Errors)
		}
	case <-testwait.Expired(t):
		t.Fatal("backup job did not run")
	}
	files, _ := backup.List(dir)
	if len(files) != 1 {
		t.Fatalf("%d backup files, want 1", len(files))
	}
	// A second insert within the same hour is the same job: no second dump.
	res, err := client.Insert(ctx, jobs.BackupArgs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.UniqueSkippedAsDuplicate {
		t.Fatal("a second backup in the same hour was queued")
	}
}
