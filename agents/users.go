// SPDX-License-Identifier: EUPL-1.2

package agents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"
)

// Role is what a console user may do.
type Role string

// The console roles, from the narrowest to the widest.
const (
	RoleAgentL1    Role = "agent_l1"
	RoleAgentL2    Role = "agent_l2"
	RoleEditor     Role = "editor"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleAgentL1, RoleAgentL2, RoleEditor, RoleSupervisor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Level is the support level of an agent role (0 for the others).
func (r Role) Level() int {
	switch r {
	case RoleAgentL1:
		return 1
	case RoleAgentL2:
		return 2
	}
	return 0
}

// Sentinel errors of the user store.
var (
	ErrUserNotFound  = errors.New("user not found")
	ErrUserExists    = errors.New("user already exists")
	ErrWeakPassword  = errors.New("password too short: at least 10 characters")
	ErrInvalidUser   = errors.New("invalid user")
	ErrLoginRejected = errors.New("wrong username or password")
	ErrBadPlatform   = errors.New("unknown chat platform")
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// bcryptCost is bcrypt's work factor: about 50–100 ms per check here,
// slow for an attacker, quick enough for a person logging in.
const bcryptCost = 11

// User is a console user.
type User struct {
	ID           int64  `db:"id"`
	Username     string `db:"username"`
	DisplayName  string `db:"display_name"`
	Email        string `db:"email"`
	Lang         string `db:"lang"`
	Role         Role   `db:"role"`
	PasswordHash string `db:"password_hash"`
	Active       bool   `db:"active"`
}

// NewUser is what adding a user needs.
type NewUser struct {
	Username, DisplayName, Email, Lang string
	Role                               Role
	Password                           string
}

// Users manages console users; the `helpdesk users` command and the admin
// page both use it.
type Users struct {
	db  *sqlx.DB
	q   *queries
	now func() time.Time
}

// NewUsers returns the user store on pool.
func NewUsers(pool *sqlx.DB, now func() time.Time) (*Users, error) {
	q, err := load()
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Users{db: pool, q: q, now: now}, nil
}

// HashPassword returns the bcrypt hash of a password long enough to keep.
func HashPassword(password string) (string, error) {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return "", ErrWeakPassword
	}
	if len(password) > 72 { // bcrypt reads 72 bytes at most; refuse rather than silently cut
		return "", fmt.Errorf("%w: at most 72 bytes", ErrInvalidUser)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// Add creates a user with a hashed password.
func (u *Users) Add(ctx context.Context, n NewUser) (int64, error) {
	n.Username = strings.TrimSpace(n.Username)
	if n.Username == "" || strings.ContainsAny(n.Username, " \t\n") {
		return 0, fmt.Errorf("%w: username must be one word", ErrInvalidUser)
	}
	if !n.Role.Valid() {
		return 0, fmt.Errorf("%w: unknown role %q", ErrInvalidUser, n.Role)
	}
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if n.Lang != "en" {
		n.Lang = "it"
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = u.db.GetContext(ctx, &id, u.q.InsertUser, n.Username, n.DisplayName, n.Email, n.Lang, string(n.Role), hash, u.now())
	var pqe *pq.Error
	if errors.As(err, &pqe) && pqe.Code == "23505" {
		return 0, fmt.Errorf("%w: %s", ErrUserExists, n.Username)
	}
	if err != nil {
		return 0, fmt.Errorf("add user: %w", err)
	}
	return id, nil
}

// SetPassword changes a password and ends the user's sessions.
func (u *Users) SetPassword(ctx context.Context, username, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if err := u.exec(ctx, u.q.SetPassword, username, hash, u.now()); err != nil {
		return err
	}
	_, err = u.db.ExecContext(ctx, u.q.DeleteUserSessions, username)
	return err
}

// SetRole changes a user's role; it applies from the next request.
func (u *Users) SetRole(ctx context.Context, username string, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("%w: unknown role %q", ErrInvalidUser, role)
	}
	return u.exec(ctx, u.q.SetRole, username, string(role))
}

// SetActive enables or disables a user; disabling ends their sessions.
func (u *Users) SetActive(ctx context.Context, username string, active bool) error {
	if err := u.exec(ctx, u.q.SetActive, username, active); err != nil {
		return err
	}
	if !active {
		_, err := u.db.ExecContext(ctx, u.q.DeleteUserSessions, username)
		return err
	}
	return nil
}

// List returns every user, without password hashes.
func (u *Users) List(ctx context.Context) ([]User, error) {
	var us []User
	if err := u.db.SelectContext(ctx, &us, u.q.ListUsers); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

func (u *Users) exec(ctx context.Context, query string, username string, args ...any) error {
	res, err := u.db.ExecContext(ctx, query, append([]any{username}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrUserNotFound, username)
	}
	return nil
}

// Get returns the user with id, without the password hash.
func (u *Users) Get(ctx context.Context, id int64) (User, error) {
	var us User
	err := u.db.GetContext(ctx, &us, u.q.UserByID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return us, fmt.Errorf("%w: id %d", ErrUserNotFound, id)
	}
	if err != nil {
		return us, fmt.Errorf("user %d: %w", id, err)
	}
	us.PasswordHash = ""
	return us, nil
}

// Agents returns the active users who take conversations (both agent
// levels and supervisors), by display name.
func (u *Users) Agents(ctx context.Context) ([]User, error) {
	var us []User
	if err := u.db.SelectContext(ctx, &us, u.q.Agents); err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	return us, nil
}

// Assignable reports whether id is an active user who may hold tickets,
// read through q (the caller's transaction, or the pool).
func (u *Users) Assignable(ctx context.Context, q sqlx.QueryerContext, id int64) (bool, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, u.q.AssignableAgent, id); err != nil {
		return false, fmt.Errorf("assignable agent: %w", err)
	}
	return n > 0, nil
}

// The chat platforms a console user's account can be linked on.
const (
	PlatformSlack      = "slack"
	PlatformMattermost = "mattermost"
)

// LinkChat sets (or, with chatUserID empty, clears) the chat account of a
// user on platform (PlatformSlack or PlatformMattermost), so the triage
// relay knows who acts in a channel: `helpdesk users link` calls it.
func (u *Users) LinkChat(ctx context.Context, username, platform, chatUserID string) error {
	var query string
	switch platform {
	case PlatformSlack:
		query = u.q.LinkSlack
	case PlatformMattermost:
		query = u.q.LinkMattermost
	default:
		return fmt.Errorf("%w: %q: use slack or mattermost", ErrBadPlatform, platform)
	}
	if err := u.exec(ctx, query, username, strings.TrimSpace(chatUserID)); err != nil {
		return fmt.Errorf("link %s account of %s: %w", platform, username, err)
	}
	return nil
}
