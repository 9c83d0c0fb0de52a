// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
)

// Confirmations in the write-behind log (issue 21). A "Risolto" press
// was a statement and a commit of its own after the message's
// transaction, and the statement counted every confirmation of the
// phrasing ever made: a quarter of the engine's cost in `helpdesk
// bench`. Like the search log, it is a vote for learning that no user
// waits for, so with the write-behind log on it joins the next batch:
// one statement for all the confirmations of the batch, and the
// confirmers are counted only for phrasings nobody has decided on yet. A
// crash loses at most the last interval's confirmations, as it loses
// search-log lines: a phrasing is then learned one confirmation later.

// confirmRow is a confirmation waiting in the write-behind log, its
// query and who already as the log keeps them (logText).
type confirmRow struct {
	at                                        time.Time
	query, phrasing, lang, entry, source, who string
}

// phrasingKey is a phrasing of an entry nobody has decided on yet, with
// the language and one wording its confirmations were recorded in.
type phrasingKey struct {
	Entry    string `db:"entry_slug"`
	Phrasing string `db:"phrasing"`
	Lang     string `db:"lang"`
	Query    string `db:"query"`
}

// ConfirmLater is Confirm for a caller that needs no answer (the bot's
// "Risolto"). With the write-behind log on, the confirmation joins its
// next batch and a phrasing it brings to the threshold is learned when
// the batch is written; without it, it is Confirm.
func (s *Store) ConfirmLater(ctx context.Context, c Confirmation, source, who string) error {
	f := s.feed.Load()
	if f == nil {
		_, err := s.Confirm(ctx, c, source, who)
		return err
	}
	query, phrasing, ok := confirmable(c, who)
	if !ok {
		return nil
	}
	f.mu.Lock()
	f.confirms = appendCapped(f, f.confirms, confirmRow{at: s.now(), query: query, phrasing: phrasing, lang: c.Lang,
		entry: c.Entry, source: source, who: logText(who)})
	n := len(f.confirms)
	f.mu.Unlock()
	f.added(n)
	return nil
}

// writeConfirms inserts the confirmations cs in tx (those of an entry not
// published, or in another language, are not recorded, as in Confirm)
// and returns the phrasings they confirmed that nobody has decided on:
// the ones that may have reached the threshold.
func (f *feedLog) writeConfirms(ctx context.Context, tx *sqlx.Tx, cs []confirmRow) ([]phrasingKey, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	var (
		at                                         []time.Time
		query, phrasing, lang, entry, source, whos []string
	)
	for _, c := range cs {
		at, query, phrasing, lang = append(at, c.at), append(query, c.query), append(phrasing, c.phrasing), append(lang, c.lang)
		entry, source, whos = append(entry, c.entry), append(source, c.source), append(whos, c.who)
	}
	var undecided []phrasingKey
	if err := tx.SelectContext(ctx, &undecided, f.store.q.InsertConfirms, pq.Array(at), pq.Array(query), pq.Array(phrasing),
		pq.Array(lang), pq.Array(entry), pq.Array(source), pq.Array(whos)); err != nil {
		return nil, fmt.Errorf("write confirmations: %w", err)
	}
	return undecided, nil
}

// learnRipe learns, each in its own transaction, the phrasings of
// undecided that have reached the threshold of distinct confirmers.
func (s *Store) learnRipe(ctx context.Context, undecided []phrasingKey) error {
	if len(undecided) == 0 {
		return nil
	}
	entries, phrasings := make([]string, len(undecided)), make([]string, len(undecided))
	for i, p := range undecided {
		entries[i], phrasings[i] = p.Entry, p.Phrasing
	}
	var ripe []int64
	if err := s.db.SelectContext(ctx, &ripe, s.q.RipePhrasings, pq.Array(entries), pq.Array(phrasings), s.learnThreshold()); err != nil {
		return fmt.Errorf("kb count confirmers: %w", err)
	}
	for _, i := range ripe {
		p := undecided[i-1]
		if _, err := s.learn(ctx, p.Entry, p.Phrasing, p.Lang, p.Query, s.now()); err != nil {
			return err
		}
	}
	return nil
}

// learn makes phrasing a learned phrasing of entry, unless an editor or
// an earlier count decided on it meanwhile; it reports whether it did.
func (s *Store) learn(ctx context.Context, entry, phrasing, lang, query string, now time.Time) (bool, error) {
	var learned bool
	err := db.Tx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.AutoLearn, entry, phrasing, lang, query, now)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil // decided meanwhile
		}
		learned = true
		_, err = tx.ExecContext(ctx, s.q.SyncLearned, entry)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("kb learn a phrasing of %s: %w", entry, err)
	}
	return learned, nil
}
