// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/internal/jobs"
	"helpdesk/internal/testwait"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// TestScheduledSeverityRetrain drives the periodic retraining job through
// River on a real PostgreSQL by what triggers it — the number of agents'
// labels since the latest version —, not by time: below
// tickets.severity_retrain_after it trains nothing (and reads no held-out
// file); at it, it stores a version with its held-out figures, NOT in use;
// run again with no new labels it adds nothing; a supervisor then
// switches to it and back. A missing held-out file fails the job.
func TestScheduledSeverityRetrain(t *testing.T) {
	f := newFixture(t)
	ctx := testwait.Context(t)
	heldOut := []nlp.SeverityExample{
		{Text: "zorblat in tutto l'ufficio", Lang: "it", Urgency: "high", Impact: "high", Priority: "P1", Type: "incident"},
		{Text: "vorrei un mouse nuovo", Lang: "it", Urgency: "low", Impact: "low", Priority: "P4", Type: "request"},
	}
	var reads atomic.Int32
	var missing atomic.Bool
	worker := &tickets.SeverityRetrainWorker{Store: f.store, DB: f.db, MinNew: 3,
		HeldOut: func() ([]nlp.SeverityExample, error) {
			reads.Add(1)
			if missing.Load() {
				return nil, errors.New("content/eval/severity-holdout.jsonl: no such file")
			}
			return heldOut, nil
		}}
	client, err := jobs.New(f.db.DB, jobs.Options{
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Register:     []func(*river.Workers){func(w *river.Workers) { river.AddWorker(w, worker) }},
		PollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(context.Background())
	runJob := func() river.EventKind {
		t.Helper()
		opts := &river.InsertOpts{MaxAttempts: 1}
		if _, err := client.Insert(ctx, tickets.SeverityRetrainArgs{}, opts); err != nil {
			t.Fatal(err)
		}
		return testwait.Recv(t, "the retrain job ran", events).Kind
	}
	versions := func() []tickets.SeverityModelVersion {
		t.Helper()
		vs, err := f.store.SeverityModels(ctx, f.db)
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	// Agents correct the levels of tickets: each change is a label.
	label := func(desc string) {
		t.Helper()
		tk, err := f.store.Create(ctx, f.db, "bot", tickets.NewTicket{OriginChannel: "telegram", Subject: "x",
			Description: desc, Urgency: tickets.Medium, Impact: tickets.Medium, Type: tickets.TypeIncident})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Classify(ctx, f.db, tk.ID, "user:anna", tickets.High, tickets.High); err != nil {
			t.Fatal(err)
		}
	}
	label("zorblat di nuovo in segreteria")
	label("zorblat stamattina al protocollo")
	if k := runJob(); k != river.EventKindJobCompleted {
		t.Fatalf("job with 2 new labels: %s", k)
	}
	if vs := versions(); len(vs) != 0 || reads.Load() != 0 {
		t.Fatalf("2 labels of 3: %d versions, held-out read %d times; want none", len(vs), reads.Load())
	}

	label("zorblat ancora all'anagrafe")
	if k := runJob(); k != river.EventKindJobCompleted {
		t.Fatalf("job with 3 new labels: %s", k)
	}
	vs := versions()
	if len(vs) != 1 {
		t.Fatalf("3 labels of 3: %d versions, want 1", len(vs))
	}
	v := vs[0]
	if v.CreatedBy != tickets.SeverityRetrainBy || v.Labels != 3 || v.Active || v.Figures.Cases != len(heldOut) {
		t.Fatalf("scheduled version %+v: want by %q, 3 labels, not in use, figures on %d cases", v, tickets.SeverityRetrainBy, len(heldOut))
	}
	if inUse, _, err := f.store.ActiveSeverityModel(ctx, f.db); err != nil || inUse != 0 {
		t.Fatalf("in use after the scheduled retrain: %d, %v; want the shipped model", inUse, err)
	}
	if n, err := f.store.NewSeverityLabels(ctx, f.db); err != nil || n != 0 {
		t.Fatalf("new labels after the version: %d, %v", n, err)
	}

	// Nothing new: nothing trained, however often the schedule fires.
	if k := runJob(); k != river.EventKindJobCompleted || len(versions()) != 1 {
		t.Fatalf("job with no new labels: %s, %d versions", k, len(versions()))
	}

	// Enough new labels but no held-out cases: the job fails, stores
	// nothing, and the labels wait for the next run.
	label("zorblat in biblioteca")
	label("zorblat alla polizia locale")
	label("zorblat all'ufficio tributi")
	missing.Store(true)
	if k := runJob(); k != river.EventKindJobFailed || len(versions()) != 1 {
		t.Fatalf("job without held-out cases: %s, %d versions; want failed, 1", k, len(versions()))
	}
	missing.Store(false)
	if k := runJob(); k != river.EventKindJobCompleted || len(versions()) != 2 || versions()[1].Labels != 6 {
		t.Fatalf("job after the file is back: %s, %+v", k, versions())
	}

	// The supervisor switches to the scheduled version, then back.
	for _, use := range []int{vs[0].Version, 0} {
		tx, err := f.db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.UseSeverityModel(ctx, tx, use); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if inUse, _, err := f.store.ActiveSeverityModel(ctx, f.db); err != nil || inUse != use {
			t.Fatalf("in use %d, %v; want %d", inUse, err, use)
		}
	}
}
