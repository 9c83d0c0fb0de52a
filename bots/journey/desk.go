// SPDX-License-Identifier: EUPL-1.2

package journey

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/testdb"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// Now is the journey's clock: a Tuesday morning, desk open.
var Now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// NewDesk builds the engine every channel's journey runs on: a fresh
// database, the demo knowledge base (content, relative to the calling
// test's folder: "../../content/kb" from adapters/*), the severity model,
// the default business calendar and a fixed clock.
func NewDesk(t *testing.T, content string) Desk {
	t.Helper()
	ctx := context.Background()
	pool := testdb.New(t)
	now := func() time.Time { return Now }
	cal := tickets.DefaultBusinessCalendar()
	ts, err := tickets.NewStore(tickets.Options{Now: now, Location: cal.Location()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := kb.NewStore(pool, now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := store.Import(ctx, content, kb.ImportOptions{Author: "journey"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		t.Fatalf("knowledge base rejected: %+v", rep.Rejected)
	}
	searcher, err := kb.NewSearcher(ctx, store, kb.SearchOptions{RefreshEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	severity, err := nlp.NewSeverityModel()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := bots.New(bots.Options{DB: pool, Tickets: ts, Severity: severity, Calendar: cal, Now: now,
		Logger: slog.New(slog.DiscardHandler), BaseURL: "https://desk.example.org",
		Knowledge: &bots.KBKnowledge{Searcher: searcher, Store: store, BaseURL: "https://desk.example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	return Desk{Engine: eng, DB: pool, Tickets: ts, KB: store, Searcher: searcher, Severity: severity, Content: content}
}
