// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/agents"
	"helpdesk/internal/db"
	"helpdesk/internal/testdb"
	"helpdesk/tickets"
	"helpdesk/web/problem"
)

// fixture is an API on its own database, its log kept for the tests
// that check what is logged.
type fixture struct {
	t    *testing.T
	pool *sqlx.DB
	api  *API
	logs *bytes.Buffer // handlers are called on the test's goroutine
}

func newFixture(t *testing.T, opts ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, pool: testdb.New(t), logs: &bytes.Buffer{}}
	opt := Options{Pool: f.pool, Logger: slog.New(slog.NewTextHandler(f.logs, nil))}
	for _, o := range opts {
		o(&opt)
	}
	var err error
	if f.api, err = New(opt); err != nil {
		t.Fatal(err)
	}
	return f
}

// unitToken is a token as Guard hands it to a handler, with scopes.
func unitToken(scopes ...agents.Scope) agents.APIToken {
	tok := agents.APIToken{ID: 1, Name: "unit"}
	for _, s := range scopes {
		tok.Scopes = append(tok.Scopes, string(s))
	}
	return tok
}

type handler func(http.ResponseWriter, *http.Request, agents.APIToken)

// do calls h as Guard does once the token passed: body (a string as it
// is, anything else as JSON) sent as application/json, path values set
// as the mux would ("name=value" pairs).
func (f *fixture) do(h handler, tok agents.APIToken, method, target string, body any, path ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				f.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	r := httptest.NewRequest(method, target, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, p := range path {
		k, v, _ := strings.Cut(p, "=")
		r.SetPathValue(k, v)
	}
	w := httptest.NewRecorder()
	r.Body = http.MaxBytesReader(w, r.Body, f.api.maxBody)
	h(w, r, tok)
	return w
}

// decode reads a success answer into out, failing t on an error answer
// or a status other than want.
func decode(t *testing.T, w *httptest.ResponseRecorder, want int, out any) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			t.Fatalf("%v: %s", err, w.Body)
		}
	}
}

// failed checks an error answer: its status, the error object's code,
// and that its message contains each of msg.
func failed(t *testing.T, w *httptest.ResponseRecorder, status int, code string, msg ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	var e ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("not an error object: %v: %s", err, w.Body)
	}
	if e.Error.Code != code {
		t.Fatalf("error code %q, want %q (%s)", e.Error.Code, code, e.Error.Message)
	}
	for _, m := range msg {
		if !strings.Contains(e.Error.Message, m) {
			t.Fatalf("error message %q does not say %q", e.Error.Message, m)
		}
	}
}

// ticket opens a ticket straight in the store.
func (f *fixture) ticket(subject string) *tickets.Ticket {
	f.t.Helper()
	var tk *tickets.Ticket
	err := db.Tx(context.Background(), f.pool, func(tx *sqlx.Tx) error {
		var err error
		tk, err = f.api.tickets.Create(context.Background(), tx, "test", tickets.NewTicket{OriginChannel: "web", Subject: subject})
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return tk
}

func TestNewNeedsALogger(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("an API without a logger was built")
	}
	f := newFixture(t)
	if len(f.api.closure) == 0 || !f.api.closure.Valid("solved") {
		t.Fatalf("no closure codes given, got %v, want the default list", f.api.closure)
	}
	if f.api.tickets == nil || f.api.kb == nil || f.api.convs == nil || f.api.users == nil || f.api.tokens == nil || f.api.q == nil {
		t.Fatal("a default store was not built")
	}
	if f.api.hooks != nil {
		t.Fatal("webhooks on without a service")
	}
}

// Guard: no or a bad token is 401 (saying how to authenticate), a
// token without the route's scope 403, one over its rate 429, and only a
// token with the scope reaches the handler, with its body bounded.
func TestGuard(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := newFixture(t, func(o *Options) { o.Now = func() time.Time { return now } })
	toks, err := agents.NewAPITokens(f.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reader, err := toks.Create(ctx, "reader", []agents.Scope{agents.ScopeTicketsRead})
	if err != nil {
		t.Fatal(err)
	}
	writer, err := toks.Create(ctx, "writer", []agents.Scope{agents.ScopeTicketsWrite})
	if err != nil {
		t.Fatal(err)
	}
	var reached []string
	h := f.api.Guard(Route{Pattern: "POST /api/v1/x", Scope: agents.ScopeTicketsRead,
		Handler: func(w http.ResponseWriter, r *http.Request, tok agents.APIToken) {
			reached = append(reached, tok.Name)
			var in Comment
			if err := apiDecode(r, &in); err != nil {
				f.api.fail(w, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}})
	send := func(auth, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%q: Cache-Control %q", auth, cc)
		}
		return w
	}
	for _, c := range []struct{ name, auth, challenge string }{
		{"no header", "", `Bearer realm="helpdesk"`},
		{"another scheme", "Basic " + reader, `Bearer realm="helpdesk"`},
		{"no space", "Bearer" + reader, `Bearer realm="helpdesk"`},
		{"unknown token", "Bearer hdk_nonsense", `Bearer realm="helpdesk", error="invalid_token"`},
		{"empty token", "Bearer ", `Bearer realm="helpdesk", error="invalid_token"`},
	} {
		w := send(c.auth, `{}`)
		failed(t, w, http.StatusUnauthorized, "unauthorized")
		if got := w.Header().Get("WWW-Authenticate"); got != c.challenge {
			t.Errorf("%s: WWW-Authenticate %q, want %q", c.name, got, c.challenge)
		}
	}
	failed(t, send("Bearer "+writer, `{}`), http.StatusForbidden, "forbidden", string(agents.ScopeTicketsRead))
	if len(reached) != 0 {
		t.Fatalf("refused requests reached the handler: %v", reached)
	}
	if w := send("Bearer  "+reader+" ", `{"body":"x"}`); w.Code != http.StatusNoContent {
		t.Fatalf("a good token (spaces around): %d %s", w.Code, w.Body)
	}
	if len(reached) != 1 || reached[0] != "reader" {
		t.Fatalf("the handler got %v, want the reader token", reached)
	}
	// The scheme's name in any case, as RFC 9110 allows.
	for _, scheme := range []string{"bearer", "BEARER", "BeArEr"} {
		if w := send(scheme+" "+reader, `{"body":"x"}`); w.Code != http.StatusNoContent {
			t.Fatalf("scheme %q: %d %s", scheme, w.Code, w.Body)
		}
	}
	big := `{"body":"` + strings.Repeat("a", MaxBody) + `"}`
	failed(t, send("Bearer "+reader, big), http.StatusRequestEntityTooLarge, "body_too_large")

	// The rate: a burst of 60 in the same instant (five used above), then
	// 429 until the clock moves; another token is not limited.
	for i := 5; i < 60; i++ {
		if w := send("Bearer "+reader, `{}`); w.Code != http.StatusNoContent {
			t.Fatalf("request %d of the burst: %d %s", i, w.Code, w.Body)
		}
	}
	w := send("Bearer "+reader, `{}`)
	failed(t, w, http.StatusTooManyRequests, "rate_limited")
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("429 without Retry-After: 1: %v", w.Header())
	}
	failed(t, send("Bearer "+writer, `{}`), http.StatusForbidden, "forbidden")
	now = now.Add(time.Second)
	if w := send("Bearer "+reader, `{}`); w.Code != http.StatusNoContent {
		t.Fatalf("a second later: %d %s", w.Code, w.Body)
	}

	if err := toks.Revoke(ctx, "reader"); err != nil {
		t.Fatal(err)
	}
	failed(t, send("Bearer "+reader, `{}`), http.StatusUnauthorized, "unauthorized")
}

// Fail: a mapped error is told as it is; anything else is a 500 whose
// detail is logged, never shown.
func TestFail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := httptest.NewRecorder()
	f.api.fail(w, fmt.Errorf("T-1: %w", tickets.ErrNotFound))
	failed(t, w, http.StatusNotFound, "not_found", "T-1: ticket not found")
	if f.logs.String() != "" {
		t.Fatalf("a 404 was logged: %s", f.logs)
	}
	w = httptest.NewRecorder()
	f.api.fail(w, errors.New("pq: secret table details"))
	failed(t, w, http.StatusInternalServerError, "internal")
	if strings.Contains(w.Body.String(), "secret") {
		t.Fatalf("a 500 shows its cause: %s", w.Body)
	}
	var e ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Message != "internal error" {
		t.Fatalf("500 message %+v (%v)", e, err)
	}
	if !strings.Contains(f.logs.String(), "secret table details") {
		t.Fatalf("the 500's cause was not logged: %q", f.logs)
	}
	// HTML in a message stays as written (SetEscapeHTML false): the
	// client reads JSON, not a page.
	w = httptest.NewRecorder()
	f.api.fail(w, apiBadRequestf("<b> & co"))
	if !strings.Contains(w.Body.String(), "<b> & co") {
		t.Fatalf("message escaped: %s", w.Body)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := httptest.NewRecorder()
	f.api.NotFound(w, httptest.NewRequest("PATCH", "/api/v1/nothing", nil))
	failed(t, w, http.StatusNotFound, "not_found", "PATCH /api/v1/nothing")
}

// apiDecode takes one JSON object of the request's type sent as JSON:
// each other content type, shape, trailer, unknown field and a body over
// the limit is refused as the client's error.
func TestAPIDecode(t *testing.T) {
	for _, c := range []struct {
		name, ctype, body string
		limit             int64
		status            int
		subject           string
	}{
		{"object", "application/json", `{"subject":"Printer"}`, 1024, 0, "Printer"},
		{"charset", "application/json; charset=utf-8", `{"subject":"Printer"}`, 1024, 0, "Printer"},
		{"space around", "application/json", " \r\n\t{\"subject\":\"Printer\"}\n ", 1024, 0, "Printer"},
		{"NUL cleaned", "application/json", `{"subject":"Pri\u0000nter"}`, 1024, 0, "Printer"},
		{"no content type", "", `{"subject":"x"}`, 1024, 415, ""},
		{"form", "application/x-www-form-urlencoded", `{"subject":"x"}`, 1024, 415, ""},
		{"bad media type", "application/json;;", `{"subject":"x"}`, 1024, 415, ""},
		{"empty", "application/json", ``, 1024, 400, ""},
		{"only space", "application/json", "  \n", 1024, 400, ""},
		{"null", "application/json", `null`, 1024, 400, ""},
		{"array", "application/json", `[{"subject":"x"}]`, 1024, 400, ""},
		{"string", "application/json", `"x"`, 1024, 400, ""},
		{"two objects", "application/json", `{"subject":"x"} {"subject":"y"}`, 1024, 400, ""},
		{"trailing garbage", "application/json", `{"subject":"x"}x`, 1024, 400, ""},
		{"unknown field", "application/json", `{"colour":"red"}`, 1024, 400, ""},
		{"wrong type", "application/json", `{"subject":1}`, 1024, 400, ""},
		{"cut off", "application/json", `{"subject":"x"`, 1024, 400, ""},
		{"too big", "application/json", `{"subject":"` + strings.Repeat("a", 100) + `"}`, 50, 413, ""},
		{"too big in the space", "application/json", strings.Repeat(" ", 100) + `{}`, 50, 413, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/api/v1/tickets", strings.NewReader(c.body))
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			r.Body = http.MaxBytesReader(w, r.Body, c.limit)
			var in TicketCreate
			err := apiDecode(r, &in)
			if c.status == 0 {
				if err != nil || in.Subject != c.subject {
					t.Fatalf("decoded %+v, %v; want subject %q", in, err, c.subject)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted as %+v", in)
			}
			if got := problem.Of(err).Status; got != c.status {
				t.Fatalf("status %d (%v), want %d", got, err, c.status)
			}
		})
	}
}

// FuzzAPIDecode: any body either decodes into the request type or fails
// as a client error (400 or 413), never as an internal one.
func FuzzAPIDecode(f *testing.F) {
	f.Add(`{"subject":"x"}`)
	f.Add(`{"subject":"x"} {"subject":"y"}`)
	f.Add(`{"colour":"red"}`)
	f.Add(`[1,2]`)
	f.Add(strings.Repeat("[", 100))
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/tickets", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Body = http.MaxBytesReader(w, r.Body, 1024)
		var in TicketCreate
		if err := apiDecode(r, &in); err != nil {
			if code := problem.Of(err).Status; code != http.StatusBadRequest && code != http.StatusRequestEntityTooLarge {
				t.Fatalf("%q: status %d for %v", body, code, err)
			}
		}
	})
}

func TestAPIRateLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newAPILimiter(2, 3, func() time.Time { return now })
	for i := range 3 {
		if !l.allow(1) {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	if l.allow(1) {
		t.Fatal("a fourth request in the same instant was allowed")
	}
	if !l.allow(2) {
		t.Fatal("another token was limited")
	}
	now = now.Add(500 * time.Millisecond) // 2/s: one more
	if !l.allow(1) || l.allow(1) {
		t.Fatal("refill is not 2 per second")
	}
	now = now.Add(time.Hour) // a long pause refills to the burst, not beyond
	for i := range 3 {
		if !l.allow(1) {
			t.Fatalf("after a pause, request %d refused", i)
		}
	}
	if l.allow(1) {
		t.Fatal("a pause filled the bucket beyond its burst")
	}
}

func TestAPIActor(t *testing.T) {
	if got := apiActor(unitToken()); got != "api:unit" {
		t.Fatalf("apiActor = %q", got)
	}
}
