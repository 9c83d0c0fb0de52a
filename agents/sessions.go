// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"
)

// SessionOptions bound a console session's life and the login lockout.
type SessionOptions struct {
	// Idle ends a session nobody used for this long (default 30 min).
	Idle time.Duration
	// Absolute ends every session this long after login (default 12 h).
	Absolute time.Duration
	// MaxFailures failed logins of one username inside LockWindow lock it
	// until the window has passed since the MaxFailures-th last failure
	// (defaults 5 and 15 min).
	MaxFailures int
	LockWindow  time.Duration
	// MaxAddrFailures failed logins from one address inside LockWindow
	// lock that address (default 20): guessing across many usernames.
	MaxAddrFailures int
}

func (o *SessionOptions) defaults() {
	if o.Idle <= 0 {
		o.Idle = 30 * time.Minute
	}
	if o.Absolute <= 0 {
		o.Absolute = 12 * time.Hour
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = 5
	}
	if o.LockWindow <= 0 {
		o.LockWindow = 15 * time.Minute
	}
	if o.MaxAddrFailures <= 0 {
		o.MaxAddrFailures = 20
	}
}

// Session is a logged-in user's server-side session.
type Session struct {
	CSRF       string    `db:"csrf_token"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
	User
	hash []byte
}

// LockedError says a login is refused until Until, whatever the password.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string { return "login locked until " + e.Until.Format(time.RFC3339) }

// Sessions creates, finds and ends console sessions, and records every
// login attempt for the lockout.
type Sessions struct {
	db  *sqlx.DB
	q   *queries
	opt SessionOptions
	now func() time.Time
	// dummy is a real bcrypt hash checked for unknown usernames, so a
	// wrong username costs as much time as a wrong password.
	dummy []byte
}

// NewSessions returns the session store on pool; now may be nil.
func NewSessions(pool *sqlx.DB, opt SessionOptions, now func() time.Time) (*Sessions, error) {
	q, err := load()
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	opt.defaults()
	dummy, err := bcrypt.GenerateFromPassword([]byte("no such user, no such password"), bcryptCost)
	if err != nil {
		return nil, err
	}
	return &Sessions{db: pool, q: q, opt: opt, now: now, dummy: dummy}, nil
}

// RandomToken returns 256 random bits in base64url: session tokens and
// CSRF tokens.
func RandomToken() string {
	b := make([]byte, 32) // 256 bits
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// lockedUntil returns when the username or the address may try again, or
// the zero time when they may now.
func (s *Sessions) lockedUntil(ctx context.Context, username, addr string) (time.Time, error) {
	since := s.now().Add(-s.opt.LockWindow)
	var until time.Time
	for _, c := range []struct {
		query, key string
		limit      int
	}{{s.q.NthFailureUser, username, s.opt.MaxFailures}, {s.q.NthFailureAddr, addr, s.opt.MaxAddrFailures}} {
		var at time.Time
		err := s.db.GetContext(ctx, &at, c.query, c.key, since, c.limit)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("login lockout: %w", err)
		}
		if u := at.Add(s.opt.LockWindow); u.After(until) {
			until = u
		}
	}
	return until, nil
}

// Login checks the credentials and opens a session, returning its token.
// A locked username or address gets *LockedError before any password
// check; every attempt is recorded. Wrong credentials are
// ErrLoginRejected.
func (s *Sessions) Login(ctx context.Context, username, password, addr, agent string) (string, *Session, error) {
	username = strings.TrimSpace(username)
	if username == "" || password == "" {
		return "", nil, ErrLoginRejected // nothing was tried: not counted
	}
	until, err := s.lockedUntil(ctx, username, addr)
	if err != nil {
		return "", nil, err
	}
	if !until.IsZero() {
		return "", nil, &LockedError{Until: until}
	}
	var u User
	err = s.db.GetContext(ctx, &u, s.q.UserByUsername, username)
	ok := false
	switch {
	case errors.Is(err, sql.ErrNoRows):
		bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
	case err != nil:
		return "", nil, fmt.Errorf("login: %w", err)
	default:
		ok = u.Active && u.PasswordHash != "" &&
			bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
	}
	now := s.now()
	if _, err := s.db.ExecContext(ctx, s.q.InsertAttempt, username, addr, now, ok); err != nil {
		return "", nil, fmt.Errorf("record login attempt: %w", err)
	}
	if !ok {
		// The failure just recorded may be the one that locks.
		if until, err := s.lockedUntil(ctx, username, addr); err == nil && !until.IsZero() {
			return "", nil, &LockedError{Until: until}
		}
		return "", nil, ErrLoginRejected
	}
	token := RandomToken()
	sess := &Session{CSRF: RandomToken(), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.opt.Absolute), User: u, hash: hashToken(token)}
	if len(agent) > 300 {
		agent = agent[:300]
	}
	if _, err := s.db.ExecContext(ctx, s.q.InsertSession, sess.hash, u.ID, sess.CSRF, now, sess.ExpiresAt, addr, agent); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	s.db.ExecContext(ctx, s.q.TouchLogin, u.ID, now)
	// Sweeping here keeps the table small without another job.
	s.db.ExecContext(ctx, s.q.DeleteExpiredSessions, now, now.Add(-s.opt.Idle))
	return token, sess, nil
}

// Lookup returns the live session of token, or nil. It ends sessions that
// went idle or passed their absolute expiry, and refreshes last_seen_at
// at most once a minute (a write per request would be wasteful).
func (s *Sessions) Lookup(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, nil
	}
	h := hashToken(token)
	var sess Session
	err := s.db.GetContext(ctx, &sess, s.q.Session, h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	sess.hash = h
	now := s.now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.opt.Idle)) {
		s.db.ExecContext(ctx, s.q.DeleteSession, h)
		return nil, nil
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if _, err := s.db.ExecContext(ctx, s.q.TouchSession, h, now); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return &sess, nil
}

// Logout ends sess.
func (s *Sessions) Logout(ctx context.Context, sess *Session) error {
	_, err := s.db.ExecContext(ctx, s.q.DeleteSession, sess.hash)
	return err
}
