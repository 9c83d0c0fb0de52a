// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
)

//go:embed queries.sql
var queryFS embed.FS

// ErrNotFound is returned when no entry (or revision) has the given id.
var ErrNotFound = errors.New("kb entry not found")

type queries struct {
	GetEntry          string `query:"get-entry"`
	GetEntryForUpdate string `query:"get-entry-for-update"`
	ListEntries       string `query:"list-entries"`
	ChangedSince      string `query:"changed-since"`
	MaxSeq            string `query:"max-seq"`
	InsertEntry       string `query:"insert-entry"`
	UpdateEntry       string `query:"update-entry"`
	InsertRevision    string `query:"insert-revision"`
	ListRevisions     string `query:"list-revisions"`
	GetRevision       string `query:"get-revision"`
	ListSynonyms      string `query:"list-synonyms"`
	DeleteSynonyms    string `query:"delete-synonyms"`
	InsertSynonyms    string `query:"insert-synonyms"`
	BumpSynonyms      string `query:"bump-synonyms"`
	InsertSearch      string `query:"insert-search"`
	NextSearchIDs     string `query:"next-search-ids"`
	NextAnswerIDs     string `query:"next-answer-ids"`
	InsertSearches    string `query:"insert-searches"`
	InsertAnswers     string `query:"insert-answers"`
	RateAnswers       string `query:"rate-answers"`
	InsertAnswer      string `query:"insert-answer"`
	RateAnswer        string `query:"rate-answer"`
	StatsMostUsed     string `query:"stats-most-used"`
	StatsWorstRated   string `query:"stats-worst-rated"`
	StatsGaps         string `query:"stats-gaps"`
	StatsTotals       string `query:"stats-totals"`
	Translations      string `query:"translations"`
	Confirm           string `query:"confirm"`
	InsertConfirms    string `query:"insert-confirmations"`
	RipePhrasings     string `query:"ripe-phrasings"`
	AutoLearn         string `query:"auto-learn"`
	DecidePhrasing    string `query:"decide-phrasing"`
	SyncLearned       string `query:"sync-learned"`
	ListLearned       string `query:"list-learned"`
	SearchQuery       string `query:"search-query"`
	TermConfirms      string `query:"confirmations-for-terms"`
}

// Store keeps entries, revisions, synonyms and the feedback log in
// PostgreSQL. It is safe for concurrent use; several instances (processes)
// may share one database.
type Store struct {
	db   *sqlx.DB
	q    queries
	now  func() time.Time
	feed atomic.Pointer[feedLog] // the write-behind feedback log, when on
	// learnAfter is kb.learn_after: distinct confirmers that make a
	// phrasing learned (confirm.go); 0 means DefaultLearnAfter.
	learnAfter atomic.Int64
}

// NewStore prepares a Store on pool. now may be nil (time.Now).
func NewStore(pool *sqlx.DB, now func() time.Time) (*Store, error) {
	s := &Store{db: pool, now: now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := db.ScanQueries(&s.q, queryFS, "queries.sql"); err != nil {
		return nil, fmt.Errorf("kb queries: %w", err)
	}
	return s, nil
}

// entryRow is the database shape of an Entry.
type entryRow struct {
	ID            int64          `db:"id"`
	Slug          string         `db:"slug"`
	Kind          string         `db:"kind"`
	Lang          string         `db:"lang"`
	TranslationOf string         `db:"translation_of"`
	Title         string         `db:"title"`
	Questions     pq.StringArray `db:"questions"`
	Body          string         `db:"body"`
	Category      string         `db:"category"`
	Tags          pq.StringArray `db:"tags"`
	Product       string         `db:"product"`
	Audience      string         `db:"audience"`
	Status        string         `db:"status"`
	Media         string         `db:"media"` // JSON text: a string travels as text even with binary_parameters
	Anchor        string         `db:"anchor"`
	Revision      int            `db:"revision"`
	Seq           int64          `db:"seq"`
	UpdatedAt     time.Time      `db:"updated_at"`
	PublishedAt   *time.Time     `db:"published_at"`
	// Learned are the phrasings learned from use (confirm.go); only the
	// search index reads them (changed-since).
	Learned pq.StringArray `db:"learned"`
}

func (r entryRow) entry() (Entry, error) {
	e := Entry{
		ID: r.Slug, Kind: Kind(r.Kind), Lang: r.Lang, Status: Status(r.Status), Title: r.Title,
		Questions: nilIfEmpty(r.Questions), Category: r.Category, Tags: nilIfEmpty(r.Tags),
		Product: r.Product, Audience: Audience(r.Audience), TranslationOf: r.TranslationOf,
		Anchor: r.Anchor, Body: r.Body, Revision: r.Revision, UpdatedAt: r.UpdatedAt,
		PublishedAt: r.PublishedAt,
	}
	if len(r.Media) > 0 {
		if err := json.Unmarshal([]byte(r.Media), &e.Media); err != nil {
			return Entry{}, fmt.Errorf("entry %s: media: %w", r.Slug, err)
		}
	}
	if len(e.Media) == 0 {
		e.Media = nil
	}
	return e, nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func rowOf(e Entry) (entryRow, error) {
	media, err := json.Marshal(orEmptyMedia(e.Media))
	if err != nil {
		return entryRow{}, err
	}
	return entryRow{
		Slug: e.ID, Kind: string(e.Kind), Lang: e.Lang, TranslationOf: e.TranslationOf, Title: e.Title,
		Questions: pq.StringArray(orEmpty(e.Questions)), Body: e.Body, Category: e.Category,
		Tags: pq.StringArray(orEmpty(e.Tags)), Product: e.Product, Audience: string(e.Audience),
		Status: string(e.Status), Media: string(media), Anchor: e.Anchor, Revision: e.Revision,
		UpdatedAt: e.UpdatedAt, PublishedAt: e.PublishedAt,
	}, nil
}

func orEmptyMedia(m []Media) []Media {
	if m == nil {
		return []Media{}
	}
	return m
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Get returns the entry with the stable id, whatever its status.
func (s *Store) Get(ctx context.Context, id string) (Entry, error) {
	var r entryRow
	if err := s.db.GetContext(ctx, &r, s.q.GetEntry, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Entry{}, fmt.Errorf("%s: %w", id, ErrNotFound)
		}
		return Entry{}, fmt.Errorf("get entry %s: %w", id, err)
	}
	return r.entry()
}

// Filter selects entries in List; empty fields match everything.
type Filter struct {
	Status   Status
	Lang     string
	Audience Audience
}

// List returns the entries matching f, ordered by id.
func (s *Store) List(ctx context.Context, f Filter) ([]Entry, error) {
	var rows []entryRow
	if err := s.db.SelectContext(ctx, &rows, s.q.ListEntries, string(f.Status), f.Lang, string(f.Audience)); err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	out := make([]Entry, 0, len(rows))
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Translations returns the entries linked to id as translations (either
// side of translation_of), whatever their status: the help centre shows
// the published ones as "this page in English / in italiano".
func (s *Store) Translations(ctx context.Context, id string) ([]Entry, error) {
	var rows []entryRow
	if err := s.db.SelectContext(ctx, &rows, s.q.Translations, id); err != nil {
		return nil, fmt.Errorf("translations of %s: %w", id, err)
	}
	out := make([]Entry, 0, len(rows))
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// SaveOutcome says what a save did.
type SaveOutcome string

// Outcomes of a save (and of importing one file).
const (
	Created   SaveOutcome = "created"
	Updated   SaveOutcome = "updated"
	Unchanged SaveOutcome = "unchanged"
)

// Save writes an entry's content as a new revision by author. A save that
// changes nothing writes nothing (Unchanged). A change of Status must be a
// move the workflow allows (see CheckTransition); a new entry may start as
// draft only. Editing a published entry keeps it published: the new
// revision is live at once, as editors of a help desk expect for fixes.
func (s *Store) Save(ctx context.Context, e Entry, author, note string) (Entry, SaveOutcome, error) {
	return s.save(ctx, e, author, note, false)
}

// save is Save; force skips the workflow check, for imports from a folder
// the editors curate (and review) in git.
func (s *Store) save(ctx context.Context, e Entry, author, note string, force bool) (Entry, SaveOutcome, error) {
	e.Normalise()
	if err := e.Validate(); err != nil {
		return Entry{}, "", err
	}
	var outcome SaveOutcome
	err := db.Tx(ctx, s.db, func(tx *sqlx.Tx) error {
		var cur entryRow
		err := tx.GetContext(ctx, &cur, s.q.GetEntryForUpdate, e.ID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if !force && e.Status != StatusDraft {
				return &TransitionError{From: "", To: e.Status}
			}
			outcome = Created
			return s.write(ctx, tx, 0, nil, &e, author, note)
		case err != nil:
			return fmt.Errorf("load entry %s: %w", e.ID, err)
		}
		old, err := cur.entry()
		if err != nil {
			return err
		}
		if sameContent(old, e) {
			outcome = Unchanged
			e = old
			return nil
		}
		if old.Status != e.Status && !force {
			if err := CheckTransition(old.Status, e.Status); err != nil {
				return err
			}
		}
		outcome = Updated
		return s.write(ctx, tx, cur.ID, &old, &e, author, note)
	})
	if err != nil {
		return Entry{}, "", err
	}
	return e, outcome, nil
}

// write inserts (id 0) or updates the entry row and appends its revision.
func (s *Store) write(ctx context.Context, tx *sqlx.Tx, id int64, old, e *Entry, author, note string) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	e.UpdatedAt = now
	e.Revision = 1
	var changed []string
	if old != nil {
		e.Revision = old.Revision + 1
		e.PublishedAt = old.PublishedAt
		changed = changedFields(*old, *e)
	} else {
		changed = []string{"created"}
	}
	if e.Status == StatusPublished && (old == nil || old.Status != StatusPublished) {
		e.PublishedAt = &now
	}
	row, err := rowOf(*e)
	if err != nil {
		return err
	}
	if id == 0 {
		stmt, err := tx.PrepareNamedContext(ctx, s.q.InsertEntry)
		if err != nil {
			return err
		}
		defer stmt.Close()
		if err := stmt.GetContext(ctx, &id, row); err != nil {
			return fmt.Errorf("insert entry %s: %w", e.ID, err)
		}
	} else {
		row.ID = id
		if _, err := tx.NamedExecContext(ctx, s.q.UpdateEntry, row); err != nil {
			return fmt.Errorf("update entry %s: %w", e.ID, err)
		}
	}
	content, err := json.Marshal(e)
	if err != nil {
		return err
	}
	// JSON as a string, not []byte: with binary parameters a []byte would
	// reach jsonb as binary jsonb.
	if _, err := tx.ExecContext(ctx, s.q.InsertRevision, id, e.Revision, author, note, pq.StringArray(changed), string(content), now); err != nil {
		return fmt.Errorf("insert revision of %s: %w", e.ID, err)
	}
	return nil
}

// Transition moves an entry to another workflow status, as a new revision
// by author. Moves the workflow does not allow fail with a
// *TransitionError (errors.Is(err, ErrTransition)).
func (s *Store) Transition(ctx context.Context, id string, to Status, author string) (Entry, error) {
	var out Entry
	err := db.Tx(ctx, s.db, func(tx *sqlx.Tx) error {
		var cur entryRow
		if err := tx.GetContext(ctx, &cur, s.q.GetEntryForUpdate, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%s: %w", id, ErrNotFound)
			}
			return err
		}
		old, err := cur.entry()
		if err != nil {
			return err
		}
		if err := CheckTransition(old.Status, to); err != nil {
			return err
		}
		e := old
		e.Status = to
		if err := s.write(ctx, tx, cur.ID, &old, &e, author, string(old.Status)+" → "+string(to)); err != nil {
			return err
		}
		out = e
		return nil
	})
	return out, err
}
