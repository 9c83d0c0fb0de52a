// SPDX-License-Identifier: EUPL-1.2

package agents_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
)

func TestAPITokens(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a, err := agents.NewAPITokens(f.db, func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Create(ctx, "crm", []agents.Scope{agents.ScopeTicketsRead, agents.ScopeKBRead})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "hdk_") {
		t.Errorf("token %q lacks its prefix", tok)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM api_tokens WHERE token_hash = $1`, tok); err != nil || n != 0 {
		t.Errorf("token stored in clear: %d, %v", n, err)
	}
	got, err := a.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "crm" || !got.Has(agents.ScopeKBRead) || got.Has(agents.ScopeAdmin) {
		t.Errorf("authenticated %+v", got)
	}
	for name, bad := range map[string]string{"no prefix": "abc", "unknown": "hdk_" + strings.Repeat("A", 43), "empty": ""} {
		if _, err := a.Authenticate(ctx, bad); !errors.Is(err, agents.ErrTokenInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, c := range map[string]struct {
		name   string
		scopes []agents.Scope
		want   error
	}{
		"duplicate":     {"crm", []agents.Scope{agents.ScopeAdmin}, agents.ErrUserExists},
		"two words":     {"my crm", []agents.Scope{agents.ScopeAdmin}, agents.ErrInvalidUser},
		"no scope":      {"erp", nil, agents.ErrBadScope},
		"unknown scope": {"erp", []agents.Scope{"tickets:everything"}, agents.ErrBadScope},
	} {
		if _, err := a.Create(ctx, c.name, c.scopes); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	ts, err := a.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].LastUsedAt == nil || !ts[0].LastUsedAt.Equal(f.now) || ts[0].RevokedAt != nil {
		t.Errorf("List = %+v", ts)
	}
	if err := a.Revoke(ctx, "crm"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, tok); !errors.Is(err, agents.ErrTokenInvalid) {
		t.Errorf("revoked token: %v", err)
	}
	if err := a.Revoke(ctx, "crm"); !errors.Is(err, agents.ErrTokenNotFound) {
		t.Errorf("second revoke: %v", err)
	}
}
