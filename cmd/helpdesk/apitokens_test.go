// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
)

func TestAPITokensCommand(t *testing.T) {
	url := testdb.NewURL(t)
	environ := []string{"DATABASE_URL=" + url, "HELPDESK_DATA_DIR=" + t.TempDir()}
	pool, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cmd := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"api-tokens"}, args...), strings.NewReader(""), &out, &errb, environ)
		return out.String() + errb.String(), code
	}
	out, code := cmd("create", "erp", "tickets:read", "tickets:write,kb:read")
	if code != 0 {
		t.Fatalf("create: %d %s", code, out)
	}
	token, _, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(token, "hdk_") {
		t.Fatalf("token %q", token)
	}
	sum := sha256.Sum256([]byte(token))
	var scopes string
	if err := pool.Get(&scopes, `SELECT array_to_string(scopes, ' ') FROM api_tokens WHERE token_hash = $1`, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	if scopes != "tickets:read tickets:write kb:read" {
		t.Errorf("scopes %q", scopes)
	}
	if out, code := cmd("create", "bad", "tickets:delete"); code == 0 {
		t.Errorf("unknown scope accepted: %s", out)
	}
	if _, code := cmd("create", "erp"); code != 2 {
		t.Errorf("create without scopes: %d", code)
	}
	if _, code := cmd("revoke", "erp"); code != 0 {
		t.Errorf("revoke: %d", code)
	}
	if _, code := cmd("revoke", "erp"); code == 0 {
		t.Error("revoking twice succeeded")
	}
	out, _ = cmd("list")
	if !strings.Contains(out, "erp") || !strings.Contains(out, "revoked") || strings.Contains(out, token) {
		t.Errorf("list: %s", out)
	}
}
