// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"helpdesk/internal/pii"
)

// logSearch records a search with its best hit and returns the log id.
func (s *Store) logSearch(ctx context.Context, q Query, hits []Hit, threshold float64) (int64, error) {
	var top string
	var score, conf float64
	if len(hits) > 0 {
		top, score, conf = hits[0].EntryID, hits[0].Score, hits[0].Confidence
	}
	aud := q.Audience
	if aud == "" {
		aud = AudiencePublic
	}
	q.Text, q.Lang, q.Channel = logText(q.Text), logText(q.Lang), logText(q.Channel)
	if f := s.feed.Load(); f != nil {
		return f.logSearch(ctx, searchRow{at: s.now(), query: q.Text, lang: q.Lang, aud: string(aud), ch: q.Channel,
			top: top, score: score, conf: conf, confident: len(hits) > 0 && conf >= threshold, hits: len(hits)})
	}
	var id int64
	err := s.db.GetContext(ctx, &id, s.q.InsertSearch, q.Text, q.Lang, string(aud), q.Channel,
		top, score, conf, len(hits) > 0 && conf >= threshold, len(hits))
	if err != nil {
		return 0, fmt.Errorf("log search: %w", err)
	}
	return id, nil
}

// maxLoggedQuery bounds a logged query: the log is for editors reading
// what people ask, not a store for pasted documents.
const maxLoggedQuery = 1000

// logText is text as the search log keeps it: anonymous outside input may
// hold NUL bytes or invalid UTF-8, which PostgreSQL refuses in text
// columns; they are removed or replaced here, and the length is bounded
// (on a character boundary). The log is analytics: e-mails, phone
// numbers, tax codes and IBANs (the bot logs whole messages) are masked
// before it keeps them.
func logText(s string) string {
	s = pii.Mask(strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD"))
	if len(s) <= maxLoggedQuery {
		return s
	}
	cut := maxLoggedQuery
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// RecordAnswer records that a hit was shown to a user as an answer and
// returns the answer's id, to be passed to RateAnswer when the user says
// whether it helped. searchID may be 0 when the search was not logged.
func (s *Store) RecordAnswer(ctx context.Context, searchID int64, h Hit, channel string) (int64, error) {
	if f := s.feed.Load(); f != nil {
		return f.logAnswer(ctx, answerRow{searchID: searchID, entry: h.EntryID, revision: h.Revision, channel: channel, at: s.now()})
	}
	sid := sql.NullInt64{Int64: searchID, Valid: searchID > 0}
	var id int64
	if err := s.db.GetContext(ctx, &id, s.q.InsertAnswer, sid, h.EntryID, h.Revision, channel); err != nil {
		return 0, fmt.Errorf("record answer: %w", err)
	}
	return id, nil
}

// RateAnswer records whether the user found an answer helpful; a second
// vote replaces the first. With the write-behind log on, an unknown
// answer is not reported (the vote is written with the next batch).
func (s *Store) RateAnswer(ctx context.Context, answerID int64, helpful bool) error {
	if f := s.feed.Load(); f != nil {
		f.logVote(voteRow{id: answerID, helpful: helpful, at: s.now()})
		return nil
	}
	res, err := s.db.ExecContext(ctx, s.q.RateAnswer, answerID, helpful)
	if err != nil {
		return fmt.Errorf("rate answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("answer %d: %w", answerID, ErrNotFound)
	}
	return nil
}

// EntryUsage is how often an entry was shown and how it was rated.
type EntryUsage struct {
	Entry      string `db:"entry" json:"entry"`
	Shown      int    `db:"shown" json:"shown"`
	Helpful    int    `db:"helpful" json:"helpful"`
	NotHelpful int    `db:"not_helpful" json:"not_helpful"`
}

// Gap is a query that found no confident answer, with how often it came.
type Gap struct {
	Query          string    `db:"query" json:"query"`
	Times          int       `db:"times" json:"times"`
	BestConfidence float64   `db:"best_confidence" json:"best_confidence"`
	LastAt         time.Time `db:"last_at" json:"last_at"`
}

// Stats is the feedback report: most used entries, worst rated ones, and
// the most frequent queries with no confident answer.
type Stats struct {
	Since      time.Time    `json:"since"`
	Searches   int          `db:"searches" json:"searches"`
	Confident  int          `db:"confident" json:"confident"`
	MostUsed   []EntryUsage `json:"most_used"`
	WorstRated []EntryUsage `json:"worst_rated"`
	Gaps       []Gap        `json:"gaps"`
}

// StatsOptions tune Stats.
type StatsOptions struct {
	Since    time.Time // default: 30 days ago
	Limit    int       // rows per list, default 10
	MinVotes int       // votes an entry needs to be ranked as worst rated, default 3
}

// Stats builds the feedback report.
func (s *Store) Stats(ctx context.Context, opt StatsOptions) (Stats, error) {
	if opt.Since.IsZero() {
		opt.Since = s.now().AddDate(0, 0, -30)
	}
	if opt.Limit <= 0 {
		opt.Limit = 10
	}
	if opt.MinVotes <= 0 {
		opt.MinVotes = 3
	}
	st := Stats{Since: opt.Since}
	if err := s.db.GetContext(ctx, &st, s.q.StatsTotals, opt.Since); err != nil {
		return st, fmt.Errorf("kb stats: %w", err)
	}
	if err := s.db.SelectContext(ctx, &st.MostUsed, s.q.StatsMostUsed, opt.Since, opt.Limit); err != nil {
		return st, fmt.Errorf("kb stats: %w", err)
	}
	if err := s.db.SelectContext(ctx, &st.WorstRated, s.q.StatsWorstRated, opt.Since, opt.Limit, opt.MinVotes); err != nil {
		return st, fmt.Errorf("kb stats: %w", err)
	}
	if err := s.db.SelectContext(ctx, &st.Gaps, s.q.StatsGaps, opt.Since, opt.Limit); err != nil {
		return st, fmt.Errorf("kb stats: %w", err)
	}
	return st, nil
}
