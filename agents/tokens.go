// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Scope is one permission an API token may carry.
type Scope string

// The API scopes. Admin covers the webhooks' subscriptions and log.
const (
	ScopeTicketsRead       Scope = "tickets:read"
	ScopeTicketsWrite      Scope = "tickets:write"
	ScopeConversationsRead Scope = "conversations:read"
	ScopeKBRead            Scope = "kb:read"
	ScopeKBInternal        Scope = "kb:internal" // with kb:read: the internal entries too
	ScopeKBWrite           Scope = "kb:write"
	ScopeUsersRead         Scope = "users:read"
	ScopeAdmin             Scope = "admin"
)

// Scopes lists every scope a token may be given.
var Scopes = []Scope{ScopeTicketsRead, ScopeTicketsWrite, ScopeConversationsRead, ScopeKBRead, ScopeKBInternal, ScopeKBWrite, ScopeUsersRead, ScopeAdmin}

// Errors of the token store.
var (
	ErrTokenInvalid  = errors.New("invalid or revoked API token")
	ErrTokenNotFound = errors.New("API token not found")
	ErrBadScope      = errors.New("unknown API scope")
)

// tokenPrefix marks the project's tokens, so a leaked one is recognisable
// by secret scanners.
const tokenPrefix = "hdk_"

// APIToken is a stored token, without its secret.
type APIToken struct {
	ID         int64          `db:"id"`
	Name       string         `db:"name"`
	Scopes     pq.StringArray `db:"scopes"`
	CreatedAt  time.Time      `db:"created_at"`
	LastUsedAt *time.Time     `db:"last_used_at"`
	RevokedAt  *time.Time     `db:"revoked_at"`
}

// Has reports whether the token carries scope.
func (t APIToken) Has(s Scope) bool { return slices.Contains(t.Scopes, string(s)) }

// APITokens keeps the integrations' tokens, hashed.
type APITokens struct {
	db  *sqlx.DB
	q   *queries
	now func() time.Time
}

// NewAPITokens returns the token store on pool.
func NewAPITokens(pool *sqlx.DB, now func() time.Time) (*APITokens, error) {
	q, err := load()
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &APITokens{db: pool, q: q, now: now}, nil
}

// apiTokenHash is what is stored of a token. The token has 256 random bits,
// so a plain SHA-256 (no salt, no slow hash) cannot be reversed.
func apiTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create makes a token for an integration and returns its secret: the
// only time it is seen.
func (a *APITokens) Create(ctx context.Context, name string, scopes []Scope) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t\n") {
		return "", fmt.Errorf("%w: the name must be one word", ErrInvalidUser)
	}
	if len(scopes) == 0 {
		return "", fmt.Errorf("%w: at least one scope is needed", ErrBadScope)
	}
	var ss []string
	for _, s := range scopes {
		if !slices.Contains(Scopes, s) {
			return "", fmt.Errorf("%w: %q", ErrBadScope, s)
		}
		ss = append(ss, string(s))
	}
	buf := make([]byte, 32)
	rand.Read(buf)
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(buf)
	var id int64
	err := a.db.GetContext(ctx, &id, a.q.InsertToken, name, pq.StringArray(ss), apiTokenHash(token), a.now())
	var pqe *pq.Error
	if errors.As(err, &pqe) && pqe.Code == "23505" {
		return "", fmt.Errorf("%w: a token named %s exists", ErrUserExists, name)
	}
	if err != nil {
		return "", fmt.Errorf("create API token: %w", err)
	}
	return token, nil
}

// Authenticate returns the live token whose secret is token.
func (a *APITokens) Authenticate(ctx context.Context, token string) (APIToken, error) {
	var t APIToken
	if !strings.HasPrefix(token, tokenPrefix) {
		return t, ErrTokenInvalid
	}
	err := a.db.GetContext(ctx, &t, a.q.TokenByHash, apiTokenHash(token))
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrTokenInvalid
	}
	if err != nil {
		return t, fmt.Errorf("authenticate API token: %w", err)
	}
	if _, err := a.db.ExecContext(ctx, a.q.TouchToken, t.ID, a.now()); err != nil {
		return t, fmt.Errorf("touch API token: %w", err)
	}
	return t, nil
}

// List returns every token, revoked ones included.
func (a *APITokens) List(ctx context.Context) ([]APIToken, error) {
	var ts []APIToken
	if err := a.db.SelectContext(ctx, &ts, a.q.ListTokens); err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return ts, nil
}

// Revoke ends a token at once.
func (a *APITokens) Revoke(ctx context.Context, name string) error {
	res, err := a.db.ExecContext(ctx, a.q.RevokeToken, name, a.now())
	if err != nil {
		return fmt.Errorf("revoke API token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrTokenNotFound, name)
	}
	return nil
}
