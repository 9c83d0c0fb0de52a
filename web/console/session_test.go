// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
)

func TestValidCSRF(t *testing.T) {
	t.Parallel()
	sess := &agents.Session{CSRF: "the-token"}
	tests := []struct {
		name, header, form string
		want               bool
	}{
		{"header", "the-token", "", true},
		{"form field", "", "the-token", true},
		{"header wins over the form", "forged", "the-token", false},
		{"wrong", "", "the-tokeN", false},
		{"a prefix", "", "the-tok", false},
		{"none", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/console/x", strings.NewReader(url.Values{"csrf": {tt.form}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.header != "" {
				r.Header.Set("X-CSRF-Token", tt.header)
			}
			if got := validCSRF(sess, r); got != tt.want {
				t.Errorf("validCSRF = %v, want %v", got, tt.want)
			}
		})
	}
	// A session without a token (never issued) accepts nothing.
	r := httptest.NewRequest("POST", "/console/x", nil)
	if validCSRF(&agents.Session{}, r) {
		t.Error("an empty token matched an empty session token")
	}
}

// TestClientAddr: the peer's address, never X-Forwarded-For (anyone could
// send one and dodge the per-address lockout).
func TestClientAddr(t *testing.T) {
	t.Parallel()
	for remote, want := range map[string]string{"192.0.2.7:51234": "192.0.2.7", "[2001:db8::1]:443": "2001:db8::1", "unix-socket": "unix-socket"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		if got := clientAddr(r); got != want {
			t.Errorf("clientAddr(%s) = %q, want %q", remote, got, want)
		}
	}
}
