// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
)

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.client()

	if code, _, h := c.get("/console/tickets"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/console/login") {
		t.Fatalf("anonymous GET = %d %q, want 303 to login", code, h.Get("Location"))
	}
	code, body, _ := c.post("/console/login", url.Values{"username": {"anna"}, "password": {"wrong-password!"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "Nome utente o password errati") {
		t.Fatalf("wrong password = %d", code)
	}
	code, _, h := c.post("/console/login", url.Values{"username": {"anna"}, "password": {passwordOf("anna")}, "next": {"/console/tickets?state=open"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/console/tickets?state=open" {
		t.Fatalf("login = %d %q", code, h.Get("Location"))
	}
	ck := h.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/console/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("cookie is Secure on an http base URL: %q", ck)
	}
	// Only the token's hash is stored.
	var stored []byte
	if err := tc.pool.Get(&stored, `SELECT token_hash FROM console_sessions`); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(strings.SplitN(ck, ";", 2)[0], "helpdesk_session=")
	if string(stored) == token || len(stored) != 32 || string(stored) != string(sha256Of(token)) {
		t.Fatalf("stored %x is not the SHA-256 of the token", stored)
	}
	c.refreshCSRF()
	if code, body, _ := c.get("/console/tickets"); code != 200 || !strings.Contains(body, "ANNA") {
		t.Fatalf("tickets after login = %d", code)
	}
	if code, _, _ := c.post("/console/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout = %d", code)
	}
	if code, _, _ := c.get("/console/tickets"); code != http.StatusSeeOther {
		t.Fatalf("after logout = %d, want redirect to login", code)
	}
	var n int
	if err := tc.pool.Get(&n, `SELECT count(*) FROM console_sessions`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d sessions left after logout", n)
	}
}

func TestSecureCookieOnHTTPS(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) { o.BaseURL = "https://desk.example.org" })
	tc.addUser("anna", agents.RoleAgentL1)
	_, _, h := tc.client().post("/console/login", url.Values{"username": {"anna"}, "password": {passwordOf("anna")}})
	if !strings.Contains(h.Get("Set-Cookie"), "Secure") {
		t.Fatalf("cookie %q is not Secure with an https base URL", h.Get("Set-Cookie"))
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) { o.Session = agents.SessionOptions{Idle: 30 * time.Minute, Absolute: 2 * time.Hour} })
	tc.addUser("anna", agents.RoleAgentL1)
	t.Run("idle", func(t *testing.T) {
		c := tc.login("anna")
		tc.clock.Advance(29 * time.Minute)
		if code, _, _ := c.get("/console/tickets"); code != 200 {
			t.Fatalf("after 29 idle minutes = %d, want 200", code)
		}
		tc.clock.Advance(29 * time.Minute) // used 29 min ago: still alive
		if code, _, _ := c.get("/console/tickets"); code != 200 {
			t.Fatalf("29 min after last use = %d, want 200", code)
		}
		tc.clock.Advance(31 * time.Minute)
		if code, _, _ := c.get("/console/tickets"); code != http.StatusSeeOther {
			t.Fatalf("after 31 idle minutes = %d, want redirect", code)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		c := tc.login("anna")
		for i := 0; i < 5; i++ { // 5 × 25 min of activity = 125 min > 2 h
			tc.clock.Advance(25 * time.Minute)
			code, _, _ := c.get("/console/tickets")
			want := 200
			if i == 4 {
				want = http.StatusSeeOther
			}
			if code != want {
				t.Fatalf("step %d: %d, want %d", i, code, want)
			}
		}
	})
	t.Run("disabled user", func(t *testing.T) {
		c := tc.login("anna")
		if err := tc.users.SetActive(context.Background(), "anna", false); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := c.get("/console/tickets"); code != http.StatusSeeOther {
			t.Fatalf("disabled user's session = %d", code)
		}
		tc.users.SetActive(context.Background(), "anna", true)
	})
}

func TestLockout(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, func(o *Options) {
		o.Session = agents.SessionOptions{MaxFailures: 3, MaxAddrFailures: 6, LockWindow: 10 * time.Minute}
	})
	tc.addUser("anna", agents.RoleAgentL1)
	tc.addUser("bruno", agents.RoleAgentL1)
	c := tc.client()
	bad := func(user string) (int, string, http.Header) {
		return c.post("/console/login?lang=en", url.Values{"username": {user}, "password": {"not-the-password"}})
	}
	for i := 1; i <= 2; i++ {
		if code, _, _ := bad("anna"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, code)
		}
	}
	code, body, h := bad("anna")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Try again at 10:10") || h.Get("Retry-After") == "" {
		t.Fatalf("third failure = %d, Retry-After %q; body has no retry time", code, h.Get("Retry-After"))
	}
	// Locked: even the right password is refused, in Italian too.
	code, body, _ = c.post("/console/login?lang=it", url.Values{"username": {"anna"}, "password": {passwordOf("anna")}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Riprova alle 10:10") {
		t.Fatalf("right password while locked = %d", code)
	}
	// Another user from another address is not affected by anna's lock... but
	// this client shares the address: 3 failures so far, limit 6.
	if code, _, _ := c.post("/console/login", url.Values{"username": {"bruno"}, "password": {passwordOf("bruno")}}); code != http.StatusSeeOther {
		t.Fatalf("bruno = %d, want login", code)
	}
	tc.clock.Advance(11 * time.Minute)
	if code, _, _ := c.post("/console/login", url.Values{"username": {"anna"}, "password": {passwordOf("anna")}}); code != http.StatusSeeOther {
		t.Fatalf("after the window = %d, want login", code)
	}
	// Per address: failures spread over many usernames lock the address.
	for i := 0; i < 6; i++ {
		bad(fmt.Sprintf("nobody%d", i))
	}
	if code, _, _ := c.post("/console/login", url.Values{"username": {"bruno"}, "password": {passwordOf("bruno")}}); code != http.StatusTooManyRequests {
		t.Fatalf("locked address = %d, want 429", code)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	tc.addUser("ada", agents.RoleAdmin)
	c := tc.login("ada")
	form := func(token string) url.Values {
		return url.Values{"csrf": {token}, "title": {"Saluto"}, "body": {"Buongiorno"}, "canned_lang": {"it"}}
	}
	cases := []struct {
		name   string
		form   url.Values
		header map[string]string
		want   int
	}{
		{"no token", url.Values{"title": {"x"}, "body": {"y"}, "csrf": {""}}, nil, http.StatusForbidden},
		{"wrong token", form("forged"), nil, http.StatusForbidden},
		{"cross-site with the right token", form(c.csrf), map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin", form(c.csrf), map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"right token", form(c.csrf), nil, http.StatusSeeOther},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", c.base+"/console/canned", strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			if code, _, _ := c.do(req); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
		})
	}
	var n int
	if err := tc.pool.Get(&n, `SELECT count(*) FROM canned_responses`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d canned responses stored, want only the one with a valid token", n)
	}
	// The header works too (for scripts).
	req, _ := http.NewRequest("POST", c.base+"/console/canned", strings.NewReader(url.Values{"title": {"T2"}, "body": {"B"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.csrf)
	if code, _, _ := c.do(req); code != http.StatusSeeOther {
		t.Fatalf("token in header = %d", code)
	}
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t, nil)
	tc.addUser("anna", agents.RoleAgentL1) // profile language: it
	c := tc.login("anna")
	cases := []struct{ path, want string }{
		{"/console/tickets", "Nessun ticket"},
		{"/console/tickets?lang=en", "No ticket matches"},
		{"/console/tickets", "No ticket matches"}, // the choice sticks
		{"/console/tickets?lang=it", "Nessun ticket"},
	}
	for _, tt := range cases {
		if _, body, _ := c.get(tt.path); !strings.Contains(body, tt.want) {
			t.Fatalf("%s: page lacks %q", tt.path, tt.want)
		}
	}
	// Before login the browser's language decides.
	req, _ := http.NewRequest("GET", tc.ts.URL+"/console/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	if _, body, _ := tc.client().do(req); !strings.Contains(body, "Log in") {
		t.Fatal("login page ignores Accept-Language")
	}
}

func sha256Of(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
