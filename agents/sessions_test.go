// SPDX-License-Identifier: EUPL-1.2

package agents_test

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"helpdesk/agents"
)

func (f *fixture) sessions(t *testing.T) *agents.Sessions {
	t.Helper()
	s, err := agents.NewSessions(f.db, agents.SessionOptions{Idle: 30 * time.Minute, Absolute: 2 * time.Hour,
		MaxFailures: 3, LockWindow: 15 * time.Minute, MaxAddrFailures: 5}, func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSessionLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.add(t, "anna", agents.RoleSupervisor)
	s := f.sessions(t)
	token, sess, err := s.Login(ctx, " Anna ", "pw-anna-long-enough", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Username != "anna" || sess.Role != agents.RoleSupervisor || sess.CSRF == "" || token == "" {
		t.Fatalf("session %+v", sess)
	}
	var stored []byte
	if err := f.db.Get(&stored, `SELECT token_hash FROM console_sessions`); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(token)); string(stored) != string(sum[:]) {
		t.Errorf("stored %x, want the token's SHA-256", stored)
	}
	for _, step := range []struct {
		name    string
		advance time.Duration
		live    bool
	}{
		{"at once", 0, true},
		{"29 minutes idle", 29 * time.Minute, true},
		{"again 29 minutes idle", 29 * time.Minute, true},
		{"31 minutes idle", 31 * time.Minute, false},
	} {
		f.now = f.now.Add(step.advance)
		got, err := s.Lookup(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if (got != nil) != step.live {
			t.Errorf("%s: live = %v, want %v", step.name, got != nil, step.live)
		}
	}
	// The absolute limit ends a session in use.
	token, _, err = s.Login(ctx, "anna", "pw-anna-long-enough", "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		f.now = f.now.Add(29 * time.Minute)
		if got, err := s.Lookup(ctx, token); err != nil || got == nil {
			t.Fatalf("in use before the absolute limit: %v, %v", got, err)
		}
	}
	f.now = f.now.Add(5 * time.Minute)
	if got, err := s.Lookup(ctx, token); err != nil || got != nil {
		t.Errorf("after the absolute limit: %v, %v", got, err)
	}
	// Logout, a disabled user and a password change end sessions.
	for _, end := range []func(*agents.Session) error{
		func(sess *agents.Session) error { return s.Logout(ctx, sess) },
		func(*agents.Session) error { return f.users.SetPassword(ctx, "anna", "pw-anna-long-enough") },
		func(*agents.Session) error { return f.users.SetActive(ctx, "anna", false) },
	} {
		token, sess, err := s.Login(ctx, "anna", "pw-anna-long-enough", "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if err := end(sess); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Lookup(ctx, token); err != nil || got != nil {
			t.Errorf("session survived: %v, %v", got, err)
		}
	}
	if got, err := s.Lookup(ctx, ""); err != nil || got != nil {
		t.Errorf("empty token: %v, %v", got, err)
	}
}

func TestLoginLockout(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.add(t, "anna", agents.RoleAgentL1)
	s := f.sessions(t)
	if _, _, err := s.Login(ctx, "", "x", "192.0.2.1", ""); !errors.Is(err, agents.ErrLoginRejected) {
		t.Errorf("empty username: %v", err)
	}
	if _, _, err := s.Login(ctx, "nobody", "whatever-long", "192.0.2.9", ""); !errors.Is(err, agents.ErrLoginRejected) {
		t.Errorf("unknown user: %v", err)
	}
	for i := range 2 {
		if _, _, err := s.Login(ctx, "anna", "wrong-password", "192.0.2.1", ""); !errors.Is(err, agents.ErrLoginRejected) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	var locked *agents.LockedError
	if _, _, err := s.Login(ctx, "anna", "wrong-password", "192.0.2.1", ""); !errors.As(err, &locked) {
		t.Fatalf("third failure: %v, want locked", err)
	}
	if want := f.now.Add(15 * time.Minute); !locked.Until.Equal(want) {
		t.Errorf("locked until %v, want %v", locked.Until, want)
	}
	if _, _, err := s.Login(ctx, "anna", "pw-anna-long-enough", "192.0.2.2", ""); !errors.As(err, &locked) {
		t.Errorf("right password while locked: %v", err)
	}
	f.now = f.now.Add(15*time.Minute + time.Second)
	if _, _, err := s.Login(ctx, "anna", "pw-anna-long-enough", "192.0.2.1", ""); err != nil {
		t.Errorf("after the window: %v", err)
	}
	// Guessing across usernames from one address locks the address.
	for i := range 5 {
		_, _, err := s.Login(ctx, "user"+string(rune('a'+i)), "wrong-password", "198.51.100.7", "")
		if i < 4 && !errors.Is(err, agents.ErrLoginRejected) || i == 4 && !errors.As(err, &locked) {
			t.Fatalf("address failure %d: %v", i+1, err)
		}
	}
	if _, _, err := s.Login(ctx, "anna", "pw-anna-long-enough", "198.51.100.7", ""); !errors.As(err, &locked) {
		t.Errorf("locked address let anna in: %v", err)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM login_attempts`); err != nil {
		t.Fatal(err)
	}
	if n != 10 { // every attempt but the empty one and the two refused while locked
		t.Errorf("%d attempts recorded, want 10", n)
	}
}
