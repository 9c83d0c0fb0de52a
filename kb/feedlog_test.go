// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The write-behind log gives ids at once, writes them in batches, keeps
// the last vote, and gives the same statistics as the direct log.
func TestWriteBehindFeedbackLog(t *testing.T) {
	ctx := context.Background()
	direct, batched := newTestStore(t), newTestStore(t)
	batched.StartWriteBehind(ctx, WriteBehind{Every: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer batched.Close(ctx)

	play := func(s *Store) (answers []int64) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 40; i++ {
					q := Query{Text: "la vpn non va", Lang: "it", Channel: "slack"}
					hits := []Hit{{EntryID: "vpn", Revision: 2, Score: 3, Confidence: 0.8}}
					if i%4 == 0 {
						q.Text, hits = "domanda senza risposta", nil
					}
					sid, err := s.logSearch(ctx, q, hits, 0.45)
					if err != nil {
						t.Error(err)
						return
					}
					if hits == nil {
						continue
					}
					aid, err := s.RecordAnswer(ctx, sid, hits[0], "slack")
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					answers = append(answers, aid)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for i, id := range answers {
			// A second vote replaces the first: the last one counts.
			if err := s.RateAnswer(ctx, id, i%3 == 0); err != nil {
				t.Fatal(err)
			}
			if err := s.RateAnswer(ctx, id, i%2 == 0); err != nil {
				t.Fatal(err)
			}
		}
		return answers
	}
	play(direct)
	ids := play(batched)
	seen := map[int64]bool{}
	for _, id := range ids {
		if id <= 0 || seen[id] {
			t.Fatalf("answer id %d is zero or given twice", id)
		}
		seen[id] = true
	}
	var before int
	if err := batched.db.GetContext(ctx, &before, `SELECT count(*) FROM kb_searches`); err != nil {
		t.Fatal(err)
	}
	if before != 0 {
		t.Errorf("%d searches written before the batch: the log is not behind", before)
	}
	if err := batched.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Hour)
	want, err := direct.Stats(ctx, StatsOptions{Since: since})
	if err != nil {
		t.Fatal(err)
	}
	got, err := batched.Stats(ctx, StatsOptions{Since: since})
	if err != nil {
		t.Fatal(err)
	}
	if got.Searches != want.Searches || got.Confident != want.Confident || len(got.MostUsed) != len(want.MostUsed) ||
		got.MostUsed[0] != want.MostUsed[0] || len(got.Gaps) != len(want.Gaps) || got.Gaps[0].Times != want.Gaps[0].Times {
		t.Errorf("statistics differ:\nbatched %+v\ndirect  %+v", got, want)
	}
	var orphans int
	if err := batched.db.GetContext(ctx, &orphans, `SELECT count(*) FROM kb_answers WHERE search_id IS NULL OR search_id NOT IN (SELECT id FROM kb_searches)`); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d answers without their search", orphans)
	}
}

// While the database refuses the batch, lines wait; they are written once
// it is back, in order.
func TestWriteBehindKeepsLinesWhileTheDatabaseIsAway(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	s.StartWriteBehind(ctx, WriteBehind{Every: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer s.Close(ctx)
	sid, err := s.logSearch(ctx, Query{Text: "stampante", Lang: "it"}, []Hit{{EntryID: "printer", Confidence: 0.9}}, 0.45)
	if err != nil {
		t.Fatal(err)
	}
	aid, err := s.RecordAnswer(ctx, sid, Hit{EntryID: "printer"}, "telegram")
	if err != nil {
		t.Fatal(err)
	}
	s.RateAnswer(ctx, aid, true)
	// The table is locked by another transaction and the batch's wait is
	// short: the write fails like it would on an outage.
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE kb_searches IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	if err := s.Flush(short); err == nil {
		t.Fatal("flush succeeded against a locked table")
	}
	cancel()
	tx.Rollback()
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("flush after the outage: %v", err)
	}
	var helpful *bool
	if err := s.db.GetContext(ctx, &helpful, `SELECT helpful FROM kb_answers WHERE id = $1 AND search_id = $2`, aid, sid); err != nil {
		t.Fatalf("answer %d not written after the outage: %v", aid, err)
	}
	if helpful == nil || !*helpful {
		t.Errorf("vote lost: %v", helpful)
	}
}

// A line the database refuses (here a NUL byte, which no text column
// takes) is dropped and counted; the lines around it are written at once,
// the batch is not retried forever, and what is pending at Close is
// written too.
func TestWriteBehindIsolatesARefusedLine(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	dropped := prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"})
	s.StartWriteBehind(ctx, WriteBehind{Every: time.Hour, Dropped: dropped, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f := s.feed.Load()
	good, err := s.logSearch(ctx, Query{Text: "stampante", Lang: "it"}, nil, 0.45)
	if err != nil {
		t.Fatal(err)
	}
	// Bypasses the cleaning of logSearch: the row reaches the batch as is.
	bad, err := f.logSearch(ctx, searchRow{at: time.Now(), query: "vpn\x00", lang: "it", aud: "public"})
	if err != nil {
		t.Fatal(err)
	}
	aid, err := s.RecordAnswer(ctx, bad, Hit{EntryID: "vpn"}, "web")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("a refused line failed the whole batch: %v", err)
	}
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM kb_searches WHERE id = $1`, good); err != nil || n != 1 {
		t.Errorf("good search written %d times (%v)", n, err)
	}
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM kb_answers WHERE id = $1 AND search_id IS NULL`, aid); err != nil || n != 1 {
		t.Errorf("answer to the dropped search: %d rows without it (%v)", n, err)
	}
	if got := testutil.ToFloat64(dropped); got != 1 {
		t.Errorf("dropped counter = %v, want 1", got)
	}
	// Nothing stays pending; a later line (the cleaned form of the same
	// query) is written by Close.
	later, err := s.logSearch(ctx, Query{Text: "vpn\x00 \xff", Lang: "it"}, nil, 0.45)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var q string
	if err := s.db.GetContext(ctx, &q, `SELECT query FROM kb_searches WHERE id = $1`, later); err != nil {
		t.Fatalf("line pending at Close lost: %v", err)
	}
	if q != "vpn \uFFFD" {
		t.Errorf("logged query %q, want NUL removed and invalid UTF-8 replaced", q)
	}
}
