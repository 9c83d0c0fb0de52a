// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// ErrCannedInvalid is a canned response without a title or a text.
var ErrCannedInvalid = errors.New("canned response needs a title and a text")

// CannedResponse is a ready-made reply an agent can insert.
type CannedResponse struct {
	ID    int64  `db:"id"`
	Lang  string `db:"lang"`
	Title string `db:"title"`
	Body  string `db:"body"`
}

// Canned keeps the agents' canned responses, one per language and title.
type Canned struct {
	db *sqlx.DB
	q  *queries
}

// NewCanned returns the canned-response store on pool.
func NewCanned(pool *sqlx.DB) (*Canned, error) {
	q, err := load()
	if err != nil {
		return nil, err
	}
	return &Canned{db: pool, q: q}, nil
}

// List returns the canned responses in lang ("" for all), by title.
func (c *Canned) List(ctx context.Context, lang string) ([]CannedResponse, error) {
	var cs []CannedResponse
	if err := c.db.SelectContext(ctx, &cs, c.q.Canned, lang); err != nil {
		return nil, fmt.Errorf("canned responses: %w", err)
	}
	return cs, nil
}

// Save adds a canned response, or replaces the text of the one with the
// same language and title; by is who saved it.
func (c *Canned) Save(ctx context.Context, lang, title, body, by string) error {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if title == "" || body == "" {
		return ErrCannedInvalid
	}
	if _, err := c.db.ExecContext(ctx, c.q.InsertCanned, lang, title, body, by); err != nil {
		return fmt.Errorf("save canned response: %w", err)
	}
	return nil
}

// Delete removes a canned response; an unknown id is not an error (the
// page it was deleted from may be stale).
func (c *Canned) Delete(ctx context.Context, id int64) error {
	if _, err := c.db.ExecContext(ctx, c.q.DeleteCanned, id); err != nil {
		return fmt.Errorf("delete canned response: %w", err)
	}
	return nil
}
