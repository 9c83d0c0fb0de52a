// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// writeBehindStore is a store with the demo test content, learning after
// two distinct confirmers, and the write-behind log on (written only when
// flushed).
func writeBehindStore(t *testing.T, dropped prometheus.Counter) *Store {
	t.Helper()
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.SetLearnAfter(2)
	s.StartWriteBehind(ctx, WriteBehind{Every: time.Hour, Dropped: dropped, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(func() { s.Close(ctx) })
	return s
}

func confirmations(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.Get(&n, `SELECT count(*) FROM kb_confirmations`); err != nil {
		t.Fatal(err)
	}
	return n
}

func learnedOf(t *testing.T, s *Store, entry string) []string {
	t.Helper()
	var in []string
	if err := s.db.Select(&in, `SELECT unnest(learned) FROM kb_entries WHERE slug = $1`, entry); err != nil {
		t.Fatal(err)
	}
	return in
}

// With the write-behind log on, a confirmation is written with the next
// batch, as Confirm would write it: only for a published entry in the
// language asked, in the entry's language; the phrasing is learned when
// the batch brings it to the threshold of distinct confirmers (the same
// person twice is one), and never once an editor removed it.
func TestConfirmLaterWritesBehind(t *testing.T) {
	ctx := context.Background()
	s := writeBehindStore(t, nil)
	later := func(q, lang, entry, who string) {
		t.Helper()
		if err := s.ConfirmLater(ctx, Confirmation{Query: q, Lang: lang, Entry: entry}, ConfirmSolved, who); err != nil {
			t.Fatal(err)
		}
	}
	later("La luce rossa resta accesa", "it", "lettore-smartcard", "telegram:1")
	later("la luce rossa resta accesa", "", "lettore-smartcard", "telegram:1")
	later("luce verde fissa", "it", "lettore-smartcard", "telegram:1")
	later("luce verde fissa", "it", "lettore-smartcard", "telegram:1")
	later("la pec è piena", "it", "bozza-pec", "telegram:3")        // a draft
	later("red light stays on", "en", "lettore-smartcard", "web:4") // an Italian entry asked in English
	later("   ", "it", "lettore-smartcard", "web:5")                // no words
	if n := confirmations(t, s); n != 0 {
		t.Fatalf("%d confirmations written before the batch", n)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Phrasing string `db:"phrasing"`
		Lang     string `db:"lang"`
		Who      string `db:"who"`
	}
	if err := s.db.Select(&rows, `SELECT phrasing, lang, who FROM kb_confirmations ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[1].Lang != "it" || rows[0].Phrasing != rows[1].Phrasing {
		t.Fatalf("confirmations written: %+v; want the four of lettore-smartcard, in Italian", rows)
	}
	// One confirmer, however many presses: nothing learned yet.
	if in := learnedOf(t, s, "lettore-smartcard"); len(in) != 0 {
		t.Fatalf("learned from one confirmer: %q", in)
	}

	// A second person: learned when the batch is written, once, in the
	// latest wording (as Confirm learns the one that crossed the line).
	later("la luce rossa resta accesa!", "it", "lettore-smartcard", "web:9")
	if in := learnedOf(t, s, "lettore-smartcard"); len(in) != 0 {
		t.Fatalf("learned before the batch was written: %q", in)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if in := learnedOf(t, s, "lettore-smartcard"); len(in) != 1 || in[0] != "la luce rossa resta accesa!" {
		t.Fatalf("learned after the second confirmer: %q", in)
	}

	// Removed by an editor: never learned again by confirmations.
	if err := s.DecidePhrasing(ctx, "lettore-smartcard", "luce verde fissa", false, "editor"); err != nil {
		t.Fatal(err)
	}
	later("luce verde fissa", "it", "lettore-smartcard", "web:10")
	later("luce verde fissa", "it", "lettore-smartcard", "web:11")
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if in := learnedOf(t, s, "lettore-smartcard"); len(in) != 1 || slices.Contains(in, "luce verde fissa") {
		t.Errorf("a removed phrasing was learned again: %q", in)
	}
}

// While the database refuses the batch, the confirmations wait; once it
// is back they are written and the phrasing they bring to the threshold
// is learned.
func TestConfirmLaterKeepsConfirmationsWhileTheDatabaseIsAway(t *testing.T) {
	ctx := context.Background()
	s := writeBehindStore(t, nil)
	for _, who := range []string{"telegram:1", "telegram:2"} {
		if err := s.ConfirmLater(ctx, Confirmation{Query: "la luce rossa resta accesa", Lang: "it", Entry: "lettore-smartcard"}, ConfirmSolved, who); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE kb_confirmations IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	if err := s.Flush(short); err == nil {
		t.Fatal("flush succeeded against a locked table")
	}
	cancel()
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("flush after the outage: %v", err)
	}
	if n := confirmations(t, s); n != 2 {
		t.Errorf("%d confirmations after the outage, want 2", n)
	}
	if in := learnedOf(t, s, "lettore-smartcard"); len(in) != 1 {
		t.Errorf("learned after the outage: %q", in)
	}
}

// A confirmation the database refuses (here a source its CHECK does not
// allow) is dropped and counted; the others of the batch are written.
func TestConfirmLaterIsolatesARefusedLine(t *testing.T) {
	ctx := context.Background()
	dropped := prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"})
	s := writeBehindStore(t, dropped)
	if err := s.ConfirmLater(ctx, Confirmation{Query: "la luce rossa resta accesa", Lang: "it", Entry: "lettore-smartcard"}, "bogus", "telegram:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmLater(ctx, Confirmation{Query: "luce verde fissa", Lang: "it", Entry: "lettore-smartcard"}, ConfirmSolved, "telegram:2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("a refused confirmation failed the whole batch: %v", err)
	}
	var phrasings []string
	if err := s.db.Select(&phrasings, `SELECT phrasing FROM kb_confirmations`); err != nil {
		t.Fatal(err)
	}
	if len(phrasings) != 1 || phrasings[0] != "luce verde fissa" {
		t.Errorf("written: %q, want only the good one", phrasings)
	}
	if got := testutil.ToFloat64(dropped); got != 1 {
		t.Errorf("dropped counter = %v, want 1", got)
	}
}

// Without the write-behind log, ConfirmLater is Confirm: written at once.
func TestConfirmLaterWithoutWriteBehind(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmLater(ctx, Confirmation{Query: "la luce rossa resta accesa", Lang: "it", Entry: "lettore-smartcard"}, ConfirmSolved, "telegram:1"); err != nil {
		t.Fatal(err)
	}
	if n := confirmations(t, s); n != 1 {
		t.Errorf("%d confirmations, want 1 at once", n)
	}
}
