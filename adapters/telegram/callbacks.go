// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// maxCallbackData is Telegram's limit on a button's callback_data, in bytes.
const maxCallbackData = 64

// keyPrefix marks callback data that is a key to look up, not an action.
// The engine's actions never start with it.
const keyPrefix = "~"

// callbackStore maps engine actions to callback_data and back.
type callbackStore interface {
	save(ctx context.Context, key, action string) error
	lookup(ctx context.Context, key string) (action string, ok bool, err error)
	prune(ctx context.Context, before time.Time) error
}

// partStore remembers how many parts of a long reply were sent.
type partStore interface {
	partsSent(ctx context.Context, replyID string) (int, error)
	setPartsSent(ctx context.Context, replyID string, n int) error
}

// callbackData returns what a button carries for action: the action itself
// when it fits, else a key derived from it (the same action always gets
// the same key, so instances agree without coordination).
func (a *Adapter) callbackData(ctx context.Context, action string) (string, error) {
	if len(action) <= maxCallbackData && !startsWithKey(action) {
		return action, nil
	}
	sum := sha256.Sum256([]byte(action))
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(sum[:15])
	if err := a.keys.save(ctx, key, action); err != nil {
		return "", fmt.Errorf("telegram: keep button payload: %w", err)
	}
	return key, nil
}

// errExpiredButton is a key no longer (or never) known: the user is told
// to write again.
var errExpiredButton = errors.New("telegram: unknown button key")

// action resolves callback data back to the engine's action.
func (a *Adapter) action(ctx context.Context, data string) (string, error) {
	if !startsWithKey(data) {
		return data, nil
	}
	act, ok, err := a.keys.lookup(ctx, data)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errExpiredButton
	}
	return act, nil
}

func startsWithKey(s string) bool { return len(s) > 0 && s[:1] == keyPrefix }

// memStore keeps keys and reply progress in memory: enough for one
// instance, lost on restart.
type memStore struct {
	mu    sync.Mutex
	keys  map[string]memKey
	parts map[string]int
}

type memKey struct {
	action string
	used   time.Time
}

func newMemStore() *memStore {
	return &memStore{keys: map[string]memKey{}, parts: map[string]int{}}
}

func (m *memStore) save(_ context.Context, key, action string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[key] = memKey{action: action, used: time.Now()}
	return nil
}

func (m *memStore) lookup(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[key]
	return k.action, ok, nil
}

func (m *memStore) prune(_ context.Context, before time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range m.keys {
		if v.used.Before(before) {
			delete(m.keys, k)
		}
	}
	return nil
}

func (m *memStore) partsSent(_ context.Context, id string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.parts[id], nil
}

func (m *memStore) setPartsSent(_ context.Context, id string, n int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts[id] = n
	return nil
}

//go:embed queries.sql
var queryFS embed.FS

type queries struct {
	SaveCallback   string `query:"save-callback"`
	CallbackAction string `query:"callback-action"`
	PartsSent      string `query:"parts-sent"`
	SetPartsSent   string `query:"set-parts-sent"`
	PruneCallbacks string `query:"prune-callbacks"`
	PruneParts     string `query:"prune-parts"`
}

// pgStore keeps keys and reply progress in PostgreSQL (migration 00030).
type pgStore struct {
	db *sqlx.DB
	q  queries
}

func newPGStores(pool *sqlx.DB) (*pgStore, *pgStore, error) {
	s := &pgStore{db: pool}
	if err := db.ScanQueries(&s.q, queryFS, "queries.sql"); err != nil {
		return nil, nil, err
	}
	return s, s, nil
}

func (s *pgStore) save(ctx context.Context, key, action string) error {
	_, err := s.db.ExecContext(ctx, s.q.SaveCallback, key, action)
	return err
}

func (s *pgStore) lookup(ctx context.Context, key string) (string, bool, error) {
	var act string
	err := s.db.GetContext(ctx, &act, s.q.CallbackAction, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return act, err == nil, err
}

func (s *pgStore) prune(ctx context.Context, before time.Time) error {
	if _, err := s.db.ExecContext(ctx, s.q.PruneCallbacks, before); err != nil {
		return err
	}
	// A reply still unsent after a week has long left River's retries.
	_, err := s.db.ExecContext(ctx, s.q.PruneParts, time.Now().Add(-7*24*time.Hour))
	return err
}

func (s *pgStore) partsSent(ctx context.Context, id string) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.q.PartsSent, id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

func (s *pgStore) setPartsSent(ctx context.Context, id string, n int) error {
	_, err := s.db.ExecContext(ctx, s.q.SetPartsSent, id, n)
	return err
}
