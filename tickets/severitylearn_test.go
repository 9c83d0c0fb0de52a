// SPDX-License-Identifier: EUPL-1.2

package tickets_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// TestSeverityLabelsAndVersions: an agent's change of urgency or impact is
// a label (the latest per ticket; no change, no label); a version trained
// on the labels is stored with its figures, put in use, followed by a live
// model without restart, and switched back to the shipped model.
func TestSeverityLabelsAndVersions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	labels := func() []nlp.SeverityExample {
		t.Helper()
		ls, err := f.store.SeverityLabels(ctx, f.db)
		if err != nil {
			t.Fatal(err)
		}
		return ls
	}
	tk, err := f.store.Create(ctx, f.db, "bot", tickets.NewTicket{OriginChannel: "telegram", Subject: "Stampante",
		Description: "la stampante del piano terra fa un rumore strano", Urgency: tickets.Medium, Impact: tickets.Medium, Type: tickets.TypeIncident})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Classify(ctx, f.db, tk.ID, "user:anna", tickets.Medium, tickets.Medium); err != nil {
		t.Fatal(err)
	}
	if got := labels(); len(got) != 0 {
		t.Fatalf("labels after a classify that changed nothing: %+v", got)
	}
	for _, l := range []tickets.Level{tickets.High, tickets.Low} {
		if _, err := f.store.Classify(ctx, f.db, tk.ID, "user:anna", l, tickets.Low); err != nil {
			t.Fatal(err)
		}
	}
	got := labels()
	if len(got) != 1 || got[0].Text != "la stampante del piano terra fa un rumore strano" || got[0].Lang != "it" ||
		got[0].Urgency != "low" || got[0].Impact != "low" || got[0].Type != "incident" {
		t.Fatalf("labels after two corrections: %+v, want the last one", got)
	}

	shipped, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	live, err := tickets.NewLiveSeverity(ctx, f.store, f.db, shipped, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if live.Version() != 0 {
		t.Fatalf("version in use before any: %d", live.Version())
	}
	// The desk's jargon, unknown to the shipped data.
	var extra []nlp.SeverityExample
	for _, w := range []string{"di nuovo", "stamattina", "ancora", "adesso", "da ieri", "al piano terra", "in ambulatorio", "segnalato"} {
		extra = append(extra, nlp.SeverityExample{Text: "zorblat " + w, Lang: "it", Urgency: "high", Impact: "high", Type: "incident"})
	}
	m, err := tickets.TrainSeverityVersion(extra)
	if err != nil {
		t.Fatal(err)
	}
	figures := f.store.ScoreSeverity(ctx, m, extra)
	v, err := f.store.SaveSeverityModel(ctx, f.db, "cli", extra, figures)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := f.store.SeverityModels(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Version != v || vs[0].Labels != len(extra) || vs[0].Active || vs[0].Figures != figures || figures.Cases != len(extra) {
		t.Fatalf("versions: %+v (figures %+v)", vs, figures)
	}
	use := func(v int) error {
		return db.Tx(ctx, f.db, func(tx *sqlx.Tx) error { return f.store.UseSeverityModel(ctx, tx, v) })
	}
	const jargon = "zorblat in corso"
	if got := live.Assess(ctx, jargon, "it").Urgency.Level; got == "high" {
		t.Fatalf("the shipped model already says high for %q", jargon)
	}
	if err := use(v); err != nil {
		t.Fatal(err)
	}
	if err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if live.Version() != v || live.Assess(ctx, jargon, "it").Urgency.Level != "high" {
		t.Errorf("after use %d: version %d, urgency %s", v, live.Version(), live.Assess(ctx, jargon, "it").Urgency.Level)
	}
	if err := use(v + 1); !errors.Is(err, tickets.ErrNoSeverityModel) {
		t.Errorf("use of a missing version: %v", err)
	}
	if err := use(0); err != nil {
		t.Fatal(err)
	}
	if err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if live.Version() != 0 || live.Assess(ctx, jargon, "it").Urgency.Level == "high" {
		t.Errorf("back to shipped: version %d, urgency %s", live.Version(), live.Assess(ctx, jargon, "it").Urgency.Level)
	}
}
