// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// tokenBytes is the tracking token's entropy: 192 bits, well above the
// 128 the tenders ask for.
const tokenBytes = 24

// tokenLen is its length in base64url without padding.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// TrackingTokens issues and checks the secret part of tracking links
// (/track/HD-2026-000123?t=…). Only each token's SHA-256 is stored; a
// link is checked against every hash of its ticket in constant time.
type TrackingTokens struct {
	q   helpQueries
	now func() time.Time
}

// NewTrackingTokens builds the issuer for callers outside the web server
// (the engine's replies, the e-mail acknowledgement). now may be nil.
func NewTrackingTokens(now func() time.Time) (*TrackingTokens, error) {
	if now == nil {
		now = time.Now
	}
	t := &TrackingTokens{now: now}
	if err := db.ScanQueries(&t.q, helpQueryFS, "help_queries.sql"); err != nil {
		return nil, err
	}
	return t, nil
}

// Issue creates a new token for the ticket, inside the caller's
// transaction when q is one, and returns it in clear: it exists only in
// the link given to the requester.
func (t *TrackingTokens) Issue(ctx context.Context, q sqlx.ExecerContext, ticketID int64) (string, error) {
	b := make([]byte, tokenBytes)
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

// valid says whether token opens the ticket: it is compared with every
// stored hash, without stopping at the first match, in constant time.
func (t *TrackingTokens) valid(ctx context.Context, q sqlx.QueryerContext, ticketID int64, token []byte) (bool, error) {
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

var numberPattern = regexp.MustCompile(`^HD-\d{4}-\d{6}$`)

// parseTicketNumber accepts a ticket number as typed ("hd-2026-000123",
// with spaces around) and returns it in canonical form.
func parseTicketNumber(s string) (string, bool) {
	n := strings.ToUpper(strings.TrimSpace(s))
	if len(n) != len("HD-2026-000123") || !numberPattern.MatchString(n) {
		return "", false
	}
	return n, true
}

// parseToken decodes a token from a link; anything but exactly tokenLen
// base64url characters is refused before touching the database.
func parseToken(s string) ([]byte, bool) {
	if len(s) != tokenLen {
		return nil, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != tokenBytes {
		return nil, false
	}
	return b, true
}
