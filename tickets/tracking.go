// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// TrackingTokenBytes is a tracking token's entropy: 192 bits, well above
// the 128 the tenders ask for.
const TrackingTokenBytes = 24

// TrackingTokens issues and checks the secret part of tracking links
// (/track/HD-2026-000123?t=…). Only each token's SHA-256 is stored; a
// link is checked against every hash of its ticket in constant time. The
// table tracking_tokens is written here only.
type TrackingTokens struct {
	q struct {
		TokenInsert string `query:"token-insert"`
		TokenHashes string `query:"token-hashes"`
	}
	now func() time.Time
}

// NewTrackingTokens builds the issuer: the web pages, the engine's
// replies and the e-mail acknowledgement use it. now may be nil.
func NewTrackingTokens(now func() time.Time) (*TrackingTokens, error) {
	if now == nil {
		now = time.Now
	}
	t := &TrackingTokens{now: now}
	if err := db.ScanQueries(&t.q, queryFS, "tracking.sql"); err != nil {
		return nil, err
	}
	return t, nil
}

// Issue creates a new token for the ticket, inside the caller's
// transaction when q is one, and returns it in clear: it exists only in
// the link given to the requester.
func (t *TrackingTokens) Issue(ctx context.Context, q sqlx.ExecerContext, ticketID int64) (string, error) {
	b := make([]byte, TrackingTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	if _, err := q.ExecContext(ctx, t.q.TokenInsert, ticketID, sum[:], t.now()); err != nil {
		return "", fmt.Errorf("store tracking token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Link is the absolute tracking link for a ticket: baseURL + path.
func (t *TrackingTokens) Link(ctx context.Context, q sqlx.ExecerContext, baseURL string, ticketID int64, number string) (string, error) {
	tok, err := t.Issue(ctx, q, ticketID)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(baseURL, "/") + TrackingPath(number, tok), nil
}

// TrackingPath is the tracking page's path with its token.
func TrackingPath(number, token string) string {
	return "/track/" + url.PathEscape(number) + "?t=" + url.QueryEscape(token)
}

// Valid says whether token (decoded from its link) opens the ticket: it
// is compared with every stored hash, without stopping at the first
// match, in constant time.
func (t *TrackingTokens) Valid(ctx context.Context, q sqlx.QueryerContext, ticketID int64, token []byte) (bool, error) {
	var hashes [][]byte
	if err := sqlx.SelectContext(ctx, q, &hashes, t.q.TokenHashes, ticketID); err != nil {
		return false, fmt.Errorf("tracking tokens: %w", err)
	}
	sum := sha256.Sum256(token)
	match := 0
	for _, h := range hashes {
		match |= subtle.ConstantTimeCompare(h, sum[:])
	}
	return match == 1, nil
}
