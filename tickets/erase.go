// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"helpdesk/internal/db"
	"helpdesk/internal/pii"
)

// identifiers are what an erasure looks for beyond the requester's own
// rows: text (lower case) searched inside free text, and exact ids.
type identifiers struct {
	text  []string
	exact []string
}

var nonDigit = regexp.MustCompile(`[^0-9]`)

func (ids *identifiers) addText(s string) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 6 { // too short to name one person: it would erase others' lines
		return
	}
	ids.text = append(ids.text, s)
	if d := nonDigit.ReplaceAllString(s, ""); len(d) >= 8 && len(d) >= len(s)/2 {
		ids.text = append(ids.text, d) // a phone number however it is spaced
	}
}

// collectIdentifiers gathers, before anything is erased, how the requester
// appears: name and e-mail, channel ids and conversation keys, the names
// their messages carry, and the e-mails, phones, tax codes and IBANs found
// in what they wrote.
func (s *Store) collectIdentifiers(ctx context.Context, tx *sqlx.Tx, requesterID int64) (identifiers, error) {
	var ids identifiers
	var r struct {
		Name  string `db:"name"`
		Email string `db:"email"`
	}
	if err := tx.GetContext(ctx, &r, `SELECT name, email FROM requesters WHERE id = $1`, requesterID); err != nil {
		return ids, fmt.Errorf("erase: requester: %w", err)
	}
	if strings.Contains(strings.TrimSpace(r.Name), " ") {
		ids.addText(r.Name) // a full name; a first name alone would match others
	}
	ids.addText(r.Email)
	var exact []string
	if err := tx.SelectContext(ctx, &exact, `
		SELECT external_id FROM requester_identities WHERE requester_id = $1
		UNION SELECT conversation_key FROM conversations WHERE requester_id = $1
		UNION SELECT m.author FROM messages m JOIN conversations c ON c.id = m.conversation_id
		      WHERE c.requester_id = $1 AND m.direction = 'in'`, requesterID); err != nil {
		return ids, fmt.Errorf("erase: identities: %w", err)
	}
	for _, e := range exact {
		if e != "" {
			ids.exact = append(ids.exact, e)
			ids.addText(strings.TrimPrefix(e, "mailto:"))
		}
	}
	var texts []string
	if err := tx.SelectContext(ctx, &texts, `
		SELECT subject || ' ' || description || ' ' || product || ' ' || external_email FROM tickets WHERE requester_id = $1
		UNION ALL SELECT cm.body FROM ticket_comments cm JOIN tickets t ON t.id = cm.ticket_id WHERE t.requester_id = $1
		UNION ALL SELECT m.body || ' ' || coalesce(m.payload->>'user_name', '') FROM messages m
		      WHERE m.direction = 'in' AND (m.conversation_id IN (SELECT id FROM conversations WHERE requester_id = $1)
		         OR m.author = ANY($2::text[]))`, requesterID, pq.Array(ids.exact)); err != nil {
		return ids, fmt.Errorf("erase: texts: %w", err)
	}
	for _, t := range texts {
		for _, p := range pii.Find(t) {
			ids.addText(p)
		}
	}
	return ids, nil
}

// eraseEverywhere walks db.Erasure: every column that can hold the
// requester's personal data, in their own rows and where they are named.
func (s *Store) eraseEverywhere(ctx context.Context, tx *sqlx.Tx, requesterID int64) error {
	ids, err := s.collectIdentifiers(ctx, tx, requesterID)
	if err != nil {
		return err
	}
	for _, p := range db.Erasure {
		if _, err := tx.ExecContext(ctx, p.SQL(), requesterID, pq.Array(ids.text), erased, pq.Array(ids.exact)); err != nil {
			return fmt.Errorf("erase %s: %w", p.Table, err)
		}
	}
	return nil
}

// maskAged is the daily retention's walk of db.Erasure: in rows older
// than the cut-off, the personal columns of the tables that keep
// statistics (search log, webhook deliveries …) have e-mails, phones, tax
// codes and IBANs masked.
func (s *Store) maskAged(ctx context.Context, pool *sqlx.DB, cutoff any) (int, error) {
	changed := 0
	for _, p := range db.Erasure {
		if p.Aged == "" || p.Delete {
			continue
		}
		for _, col := range p.Personal() {
			var rows []struct {
				Key  string `db:"k"`
				Val  string `db:"v"`
				Type string `db:"t"`
			}
			q := fmt.Sprintf(`SELECT id::text AS k, %[1]s::text AS v, pg_typeof(%[1]s)::text AS t FROM %[2]s WHERE %[3]s`, col, p.Table, p.Aged)
			if err := pool.SelectContext(ctx, &rows, q, cutoff); err != nil {
				return changed, fmt.Errorf("retention of %s.%s: %w", p.Table, col, err)
			}
			for _, r := range rows {
				m := pii.Mask(r.Val)
				if r.Type == "jsonb" {
					m = maskJSON(r.Val) // strings only: an id that looks like a phone stays a number
				}
				if m == r.Val {
					continue
				}
				if _, err := pool.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE id = $2::bigint`, p.Table, col), m, r.Key); err != nil {
					return changed, fmt.Errorf("retention of %s.%s: %w", p.Table, col, err)
				}
				changed++
			}
		}
	}
	return changed, nil
}

// maskJSON masks the personal data in a JSON document's strings; it
// returns doc itself when no string changed (jsonb's own spacing differs
// from a re-encoding, which must not count as a change).
func maskJSON(doc string) string {
	var v any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber() // ids stay exact
	if err := dec.Decode(&v); err != nil {
		return doc
	}
	changed := false
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case string:
			m := pii.Mask(x)
			changed = changed || m != x
			return m
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return x
	}
	v = walk(v)
	if !changed {
		return doc
	}
	out, err := json.Marshal(v)
	if err != nil {
		return doc
	}
	return string(out)
}
