// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/nlp"
)

// Sources of a confirmation: what said that a query was answered by an
// entry.
const (
	ConfirmSolved = "solved" // the user pressed "Risolto" after the bot's answer
	ConfirmVote   = "vote"   // a positive vote on the article in the help centre
	ConfirmAgent  = "agent"  // an agent's reply cited the entry
	ConfirmTicket = "ticket" // a ticket was resolved with a link to the entry
)

// DefaultLearnAfter is how many distinct confirmers make a phrasing
// learned when kb.learn_after is not set.
const DefaultLearnAfter = 3

// ErrNoPhrasing is returned when an editor decides on a phrasing nobody
// confirmed for that entry.
var ErrNoPhrasing = errors.New("kb: no such phrasing for this entry")

// SetLearnAfter sets how many distinct confirmers of the same words (after
// normalising) make them a learned phrasing of the entry (kb.learn_after);
// n < 1 means DefaultLearnAfter.
func (s *Store) SetLearnAfter(n int) {
	if n < 1 {
		n = DefaultLearnAfter
	}
	s.learnAfter.Store(int64(n))
}

func (s *Store) learnThreshold() int {
	if n := s.learnAfter.Load(); n > 0 {
		return int(n)
	}
	return DefaultLearnAfter
}

// Confirm records that c.Query was answered by c.Entry, said by who
// through source (one of the Confirm… constants). The query is kept as the
// search log keeps it (personal data masked). When enough distinct
// confirmers (SetLearnAfter) have used the same words and no editor has
// decided on them, they become a learned phrasing of the entry, which
// every search index picks up at its next refresh. It reports whether this
// confirmation made the phrasing learned. A confirmation of an entry that
// is not published, or in another language, is not recorded.
func (s *Store) Confirm(ctx context.Context, c Confirmation, source, who string) (bool, error) {
	query, phrasing, ok := confirmable(c, who)
	if !ok {
		return false, nil
	}
	// One statement, committed on its own: a "Risolto" costs the
	// message one round trip here (issue 21). Learning, rare, is a
	// transaction of its own after it; should it fail, the next
	// confirmation of the same words learns them.
	now := s.now()
	var r struct {
		Lang       string `db:"lang"`
		Confirmers int    `db:"confirmers"`
		Decided    bool   `db:"decided"`
	}
	err := s.db.GetContext(ctx, &r, s.q.Confirm, now, query, phrasing, c.Lang, c.Entry, source, logText(who))
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // not published, or in another language
	}
	if err != nil {
		return false, fmt.Errorf("kb confirm %s: %w", c.Entry, err)
	}
	if r.Decided || r.Confirmers < s.learnThreshold() {
		return false, nil
	}
	return s.learn(ctx, c.Entry, phrasing, r.Lang, query, now)
}

// confirmable is c's query as the log keeps it and its phrasing (the
// words that count as the same); not ok when there is nothing to record:
// no words, no entry, or nobody who said it.
func confirmable(c Confirmation, who string) (query, phrasing string, ok bool) {
	query = logText(c.Query)
	phrasing = nlp.Normalize(query)
	return query, phrasing, phrasing != "" && c.Entry != "" && who != ""
}

// LearnedPhrasing is a phrasing of an entry as the editor's list shows it:
// Status is "candidate" (confirmed, not yet enough), "learned" (enough
// distinct confirmers), "accepted" or "removed" (by DecidedBy).
type LearnedPhrasing struct {
	Phrasing      string     `db:"phrasing" json:"phrasing"`
	Query         string     `db:"query" json:"query"`
	Status        string     `db:"status" json:"status"`
	DecidedBy     string     `db:"decided_by" json:"decided_by,omitempty"`
	DecidedAt     *time.Time `db:"decided_at" json:"decided_at,omitempty"`
	Confirmations int        `db:"confirmations" json:"confirmations"`
	LastAt        *time.Time `db:"last_at" json:"last_at,omitempty"`
}

// LearnedPhrasings lists the phrasings decided or confirmed for an entry.
func (s *Store) LearnedPhrasings(ctx context.Context, entry string) ([]LearnedPhrasing, error) {
	var out []LearnedPhrasing
	if err := s.db.SelectContext(ctx, &out, s.q.ListLearned, entry); err != nil {
		return nil, fmt.Errorf("kb learned phrasings of %s: %w", entry, err)
	}
	return out, nil
}

// DecidePhrasing records an editor's decision on a phrasing of an entry:
// accept puts it in use now, whatever its count; otherwise it is removed
// from use and never learned again by itself.
func (s *Store) DecidePhrasing(ctx context.Context, entry, phrasing string, accept bool, by string) error {
	status := "removed"
	if accept {
		status = "accepted"
	}
	err := db.Tx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.DecidePhrasing, entry, phrasing, status, by, s.now())
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return ErrNoPhrasing
		}
		_, err = tx.ExecContext(ctx, s.q.SyncLearned, entry)
		return err
	})
	if err != nil {
		return fmt.Errorf("kb %s phrasing of %s: %w", status, entry, err)
	}
	return nil
}

// ConfirmSearch is Confirm for the query of a logged search (a positive
// vote on an article reached from the help centre's results): the query is
// read from the search log. An unknown search records nothing.
func (s *Store) ConfirmSearch(ctx context.Context, searchID int64, entry, source, who string) (bool, error) {
	var c Confirmation
	err := s.db.GetContext(ctx, &c, s.q.SearchQuery, searchID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("kb confirm search %d: %w", searchID, err)
	}
	c.Entry = entry
	return s.Confirm(ctx, c, source, who)
}
