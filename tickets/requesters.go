// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Requester is a person who asks for help.
type Requester struct {
	ID        int64     `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	Email     string    `db:"email" json:"email"`
	Lang      string    `db:"lang" json:"lang"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// Identity is how a requester is known on one channel.
type Identity struct {
	Channel    string // "slack", "telegram", "email", "web" …
	ExternalID string // the platform's user id, the e-mail address …
	Name       string
	Email      string
	Lang       string // "it" or "en"; empty means "it"
}

// EnsureRequester returns the requester behind an identity, creating both
// on first contact; a known requester's empty name or e-mail is filled in.
func (s *Store) EnsureRequester(ctx context.Context, q Querier, id Identity) (int64, error) {
	if id.Channel == "" || id.ExternalID == "" {
		return 0, fmt.Errorf("%w: an identity needs a channel and an external id", ErrInvalid)
	}
	var rid int64
	err := q.GetContext(ctx, &rid, s.q.FindIdentity, id.Channel, id.ExternalID)
	switch {
	case err == nil:
		if id.Name != "" || id.Email != "" {
			if _, err := q.ExecContext(ctx, s.q.UpdateRequester, rid, id.Name, id.Email); err != nil {
				return 0, fmt.Errorf("update requester: %w", err)
			}
		}
		return rid, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("find requester: %w", err)
	}
	lang := id.Lang
	if lang != "en" {
		lang = "it"
	}
	if err := q.GetContext(ctx, &rid, s.q.InsertRequester, id.Name, id.Email, lang, s.now()); err != nil {
		return 0, fmt.Errorf("insert requester: %w", err)
	}
	res, err := q.ExecContext(ctx, s.q.InsertIdentity, id.Channel, id.ExternalID, rid)
	if err != nil {
		return 0, fmt.Errorf("insert identity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Another transaction registered the same identity first: use its
		// requester. Ours stays unreferenced and carries no data.
		if err := q.GetContext(ctx, &rid, s.q.FindIdentity, id.Channel, id.ExternalID); err != nil {
			return 0, fmt.Errorf("find requester: %w", err)
		}
	}
	return rid, nil
}

// Requester returns the requester behind an identity, creating both on
// first contact, in one query when the identity is known (the message hot
// path). Like EnsureRequester it fills in a changed name or e-mail.
func (s *Store) Requester(ctx context.Context, q Querier, id Identity) (*Requester, error) {
	var r Requester
	err := q.GetContext(ctx, &r, s.q.RequesterByIdentity, id.Channel, id.ExternalID)
	if err == nil && (id.Name == "" || id.Name == r.Name) && (id.Email == "" || id.Email == r.Email) {
		return &r, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find requester: %w", err)
	}
	rid, err := s.EnsureRequester(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return s.GetRequester(ctx, q, rid)
}

// GetRequester returns the requester with id.
func (s *Store) GetRequester(ctx context.Context, q Querier, id int64) (*Requester, error) {
	var r Requester
	if err := q.GetContext(ctx, &r, s.q.GetRequester, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: requester %d", ErrNotFound, id)
		}
		return nil, err
	}
	return &r, nil
}

// PhoneChannel is the identity channel of telephone numbers: digits with
// an optional leading +, as the console records them.
const PhoneChannel = "phone"

// RequesterByPhone returns the requester whose telephone is number (as
// NormalizePhone keeps it), trying it with and without the Italian prefix
// (+39, 0039) so a PBX's "0612345678" finds "+390612345678"; unknown, a
// new requester is created with that telephone and name. known says
// whether the number was a requester's already.
func (s *Store) RequesterByPhone(ctx context.Context, q Querier, number, name string) (r *Requester, known bool, err error) {
	n := NormalizePhone(number)
	if n == "" {
		return nil, false, fmt.Errorf("%w: %q is not a telephone number", ErrInvalid, number)
	}
	national := strings.TrimPrefix(strings.TrimPrefix(n, "+39"), "0039")
	for _, v := range []string{n, national, "+39" + national, "0039" + national} {
		var rid int64
		err := q.GetContext(ctx, &rid, s.q.FindIdentity, PhoneChannel, v)
		if err == nil {
			r, err := s.GetRequester(ctx, q, rid)
			return r, true, err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, false, fmt.Errorf("find requester by telephone: %w", err)
		}
	}
	r, err = s.Requester(ctx, q, Identity{Channel: PhoneChannel, ExternalID: n, Name: name})
	return r, false, err
}

// NormalizePhone keeps a telephone number's digits (and a leading +), so
// that "06 1234 5678" and "06-12345678" are one identity; "" when it is
// not a number (fewer than 6 or more than 15 digits, letters).
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '(' || r == ')':
		default:
			return ""
		}
	}
	d := strings.TrimPrefix(b.String(), "+")
	if len(d) < 6 || len(d) > 15 {
		return ""
	}
	return b.String()
}

// LinkIdentity makes the requester known on one more channel (the web
// form's requester on the web chat, a telephone number); an identity
// already taken, by them or by someone else, is left as it is.
func (s *Store) LinkIdentity(ctx context.Context, q Querier, channel, externalID string, requesterID int64) error {
	if _, err := q.ExecContext(ctx, s.q.InsertIdentity, channel, externalID, requesterID); err != nil {
		return fmt.Errorf("link %s identity: %w", channel, err)
	}
	return nil
}

// FillEmail gives a requester without an e-mail address this one; an
// address already there is kept.
func (s *Store) FillEmail(ctx context.Context, q Querier, requesterID int64, email string) error {
	if _, err := q.ExecContext(ctx, s.q.FillRequesterEmail, requesterID, email); err != nil {
		return fmt.Errorf("requester e-mail: %w", err)
	}
	return nil
}

// RequestersByEmail returns the requesters who gave the e-mail address
// (compared without case), oldest first: one address may name several,
// one per channel that gave it.
func (s *Store) RequestersByEmail(ctx context.Context, q Querier, email string) ([]int64, error) {
	var ids []int64
	if err := q.SelectContext(ctx, &ids, s.q.RequestersByEmail, email); err != nil {
		return nil, fmt.Errorf("requesters by e-mail: %w", err)
	}
	return ids, nil
}

// RequesterOf returns the requester known on channel as externalID, or
// ErrNotFound.
func (s *Store) RequesterOf(ctx context.Context, q Querier, channel, externalID string) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, s.q.FindIdentity, channel, externalID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: no requester %s:%s", ErrNotFound, channel, externalID)
	}
	if err != nil {
		return 0, fmt.Errorf("requester of %s identity: %w", channel, err)
	}
	return id, nil
}

// CountOpen counts the tickets still needing work (OpenStates).
func (s *Store) CountOpen(ctx context.Context, q Querier) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, s.q.CountOpen, OpenStatesArg()); err != nil {
		return 0, fmt.Errorf("count open tickets: %w", err)
	}
	return n, nil
}

// CountSLAEvents counts the SLA events of kind ("warning", "breach")
// ever recorded: each ticket and target once.
func (s *Store) CountSLAEvents(ctx context.Context, q Querier, kind string) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, s.q.CountSLAEvents, kind); err != nil {
		return 0, fmt.Errorf("count SLA events: %w", err)
	}
	return n, nil
}
