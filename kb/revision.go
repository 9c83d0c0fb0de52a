// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Revision is one immutable save of an entry: who, when, what changed, and
// the full content as saved.
type Revision struct {
	Number  int
	Author  string
	Note    string
	Changed []string // field names that differ from the previous revision
	At      time.Time
	Entry   Entry
}

type revisionRow struct {
	Revision  int            `db:"revision"`
	Author    string         `db:"author"`
	Note      string         `db:"note"`
	Changed   pq.StringArray `db:"changed"`
	Content   []byte         `db:"content"`
	CreatedAt time.Time      `db:"created_at"`
}

func (r revisionRow) revision() (Revision, error) {
	var e Entry
	if err := json.Unmarshal(r.Content, &e); err != nil {
		return Revision{}, fmt.Errorf("revision %d: %w", r.Revision, err)
	}
	e.Revision = r.Revision
	return Revision{Number: r.Revision, Author: r.Author, Note: r.Note, Changed: r.Changed, At: r.CreatedAt, Entry: e}, nil
}

// Revisions lists every revision of an entry, oldest first.
func (s *Store) Revisions(ctx context.Context, id string) ([]Revision, error) {
	var rows []revisionRow
	if err := s.db.SelectContext(ctx, &rows, s.q.ListRevisions, id); err != nil {
		return nil, fmt.Errorf("revisions of %s: %w", id, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	out := make([]Revision, 0, len(rows))
	for _, r := range rows {
		rev, err := r.revision()
		if err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, nil
}

// Revision returns revision n of an entry.
func (s *Store) Revision(ctx context.Context, id string, n int) (Revision, error) {
	var r revisionRow
	if err := s.db.GetContext(ctx, &r, s.q.GetRevision, id, n); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Revision{}, fmt.Errorf("%s revision %d: %w", id, n, ErrNotFound)
		}
		return Revision{}, err
	}
	return r.revision()
}

// FieldChange is one field that differs between two revisions. For the
// body, Lines holds a line diff ("- old", "+ new", "  same").
type FieldChange struct {
	Field    string
	Old, New string
	Lines    []string
}

// Diff compares revisions a and b of an entry, field by field.
func (s *Store) Diff(ctx context.Context, id string, a, b int) ([]FieldChange, error) {
	ra, err := s.Revision(ctx, id, a)
	if err != nil {
		return nil, err
	}
	rb, err := s.Revision(ctx, id, b)
	if err != nil {
		return nil, err
	}
	return DiffEntries(ra.Entry, rb.Entry), nil
}

// DiffEntries compares two versions of an entry, field by field.
func DiffEntries(a, b Entry) []FieldChange {
	var out []FieldChange
	for _, f := range changedFields(a, b) {
		c := FieldChange{Field: f, Old: fieldText(a, f), New: fieldText(b, f)}
		if f == "body" {
			c.Lines = lineDiff(strings.Split(a.Body, "\n"), strings.Split(b.Body, "\n"))
		}
		out = append(out, c)
	}
	return out
}

func fieldText(e Entry, field string) string {
	switch field {
	case "kind":
		return string(e.Kind)
	case "lang":
		return e.Lang
	case "status":
		return string(e.Status)
	case "title":
		return e.Title
	case "questions":
		return strings.Join(e.Questions, "\n")
	case "category":
		return e.Category
	case "tags":
		return strings.Join(e.Tags, ", ")
	case "product":
		return e.Product
	case "audience":
		return string(e.Audience)
	case "translation_of":
		return e.TranslationOf
	case "media":
		b, _ := json.Marshal(e.Media)
		return string(b)
	case "anchor":
		return e.Anchor
	case "body":
		return e.Body
	}
	return ""
}

// lineDiff is a longest-common-subsequence line diff; bodies are short,
// so the quadratic table is fine.
func lineDiff(a, b []string) []string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, "  "+a[i])
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, "- "+a[i])
			i++
		default:
			out = append(out, "+ "+b[j])
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, "- "+a[i])
	}
	for ; j < m; j++ {
		out = append(out, "+ "+b[j])
	}
	return out
}

// Revert makes the content of revision n current again, as a new revision
// by author; history is never rewritten. The workflow status is kept as it
// is now: reverting a text does not publish or unpublish it.
func (s *Store) Revert(ctx context.Context, id string, n int, author string) (Entry, error) {
	r, err := s.Revision(ctx, id, n)
	if err != nil {
		return Entry{}, err
	}
	cur, err := s.Get(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	e := r.Entry
	e.Status = cur.Status
	out, _, err := s.save(ctx, e, author, fmt.Sprintf("revert to revision %d", n), false)
	return out, err
}
