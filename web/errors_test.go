// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"helpdesk/web/api"
	"helpdesk/web/console"
	"helpdesk/web/portal"
	"helpdesk/web/problem"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"helpdesk/agents"
	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/internal/i18n"
	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
)

// errorStatuses is every error a handler may fail with and the one status
// each audience answers for it.
var errorStatuses = []struct {
	err    error
	status int
}{
	{agents.ErrTokenInvalid, http.StatusUnauthorized},
	{problem.ErrForbidden, http.StatusForbidden},
	{problem.ErrCSRF, http.StatusForbidden},
	{problem.ErrCrossOrigin, http.StatusForbidden},
	{problem.ErrTicketLevel, http.StatusForbidden},
	{bots.ErrLevel, http.StatusForbidden},
	{tickets.ErrNotFound, http.StatusNotFound},
	{tickets.ErrStepNotFound, http.StatusNotFound},
	{kb.ErrNotFound, http.StatusNotFound},
	{bots.ErrNotFound, http.StatusNotFound},
	{webhooks.ErrNotFound, http.StatusNotFound},
	{agents.ErrUserNotFound, http.StatusNotFound},
	{agents.ErrTokenNotFound, http.StatusNotFound},
	{problem.ErrNotFound, http.StatusNotFound},
	{problem.ErrNoTicket, http.StatusNotFound},
	{problem.ErrBadRequest, http.StatusBadRequest},
	{tickets.ErrInvalid, http.StatusBadRequest},
	{kb.ErrInvalid, http.StatusBadRequest},
	{&kb.ValidationError{Problems: []kb.FieldError{{Field: "title", Code: "required"}}}, http.StatusBadRequest},
	{webhooks.ErrInvalid, http.StatusBadRequest},
	{agents.ErrBadScope, http.StatusBadRequest},
	{agents.ErrInvalidUser, http.StatusBadRequest},
	{agents.ErrWeakPassword, http.StatusBadRequest},
	{agents.ErrCannedInvalid, http.StatusBadRequest},
	{bots.ErrInvalidInbound, http.StatusBadRequest},
	{bots.ErrTooLong, http.StatusBadRequest},
	{tickets.ErrIllegalTransition, http.StatusConflict},
	{kb.ErrTransition, http.StatusConflict},
	{tickets.ErrChecklistIncomplete, http.StatusConflict},
	{bots.ErrTaken, http.StatusConflict},
	{bots.ErrNotHolder, http.StatusConflict},
	{bots.ErrWrongState, http.StatusConflict},
	{problem.ErrChanged, http.StatusConflict},
	{problem.ErrConflict, http.StatusConflict},
	{agents.ErrUserExists, http.StatusConflict},
	{&http.MaxBytesError{Limit: 10}, http.StatusRequestEntityTooLarge},
	{problem.ErrMediaType, http.StatusUnsupportedMediaType},
	{problem.ErrTooMany, http.StatusTooManyRequests},
	{problem.ErrNoHandoff, http.StatusServiceUnavailable},
	{problem.ErrChatOff, http.StatusServiceUnavailable},
	{db.ErrUnavailable, http.StatusServiceUnavailable},
	{errors.New("disk on fire"), http.StatusInternalServerError},
}

// TestOneStatusPerError fails every error through the console's page, the
// public pages, the web chat's JSON and the REST API, and checks each
// answers the same status and a message (never a missing key) — wrapped
// as handlers wrap errors, with %w.
func TestOneStatusPerError(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := console.New(console.Options{Logger: log, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := portal.New(portal.Options{}, portal.Deps{Logger: log, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	audiences := []struct {
		name string
		fail func(w http.ResponseWriter, r *http.Request, err error)
		// message is what the answer must say for the problem.
		message func(pr problem.Problem) string
	}{
		{"console", c.Fail, func(pr problem.Problem) string { return console.Text.T("en", pr.KeyIn(console.Text)) }},
		{"public page", p.Fail, func(pr problem.Problem) string { return portal.Text.T("en", pr.KeyIn(portal.Text)) }},
		{"web chat", p.ChatFail, func(pr problem.Problem) string { return portal.Text.T("en", pr.KeyIn(portal.Text)) }},
		{"REST API", func(w http.ResponseWriter, r *http.Request, err error) { api.Fail(log, w, err) },
			func(pr problem.Problem) string { return `"code":"` + pr.Code + `"` }},
	}
	for _, tc := range errorStatuses {
		err := fmt.Errorf("handling the request: %w", tc.err)
		if got := problem.Of(err).Status; got != tc.status {
			t.Errorf("problem.Of(%v) = %d, want %d", tc.err, got, tc.status)
		}
		for _, au := range audiences {
			t.Run(fmt.Sprintf("%s/%v", au.name, tc.err), func(t *testing.T) {
				r := httptest.NewRequest("POST", "/x", nil)
				r.Header.Set("Accept-Language", "en")
				w := httptest.NewRecorder()
				au.fail(w, r, err)
				if w.Code != tc.status {
					t.Fatalf("status %d, want %d", w.Code, tc.status)
				}
				body := html.UnescapeString(w.Body.String())
				if strings.Contains(w.Header().Get("Content-Type"), "json") && !json.Valid(w.Body.Bytes()) {
					t.Fatalf("invalid JSON: %s", body)
				}
				if want := au.message(problem.Of(err)); !strings.Contains(body, want) {
					t.Errorf("the answer does not say %q:\n%s", want, body)
				}
			})
		}
	}
}

// TestProblemKeysInEveryCatalogue: every message a problem can show is in
// the console's and the public pages' catalogues, in both languages (its
// own key, or the general one of its status).
func TestProblemKeysInEveryCatalogue(t *testing.T) {
	t.Parallel()
	for _, cat := range []struct {
		name string
		cat  i18n.Catalog
	}{{"console", console.Text}, {"public", portal.Text}} {
		for _, tc := range errorStatuses {
			key := problem.Of(tc.err).KeyIn(cat.cat)
			for _, lang := range []string{"it", "en"} {
				if cat.cat[key][lang] == "" {
					t.Errorf("%s catalogue: %s (for %v) has no %s text", cat.name, key, tc.err, lang)
				}
			}
		}
	}
}

// TestAPIErrorCodesDocumented: every code problemOf can give is in the
// OpenAPI document's enum of error codes.
func TestAPIErrorCodesDocumented(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	raw, ok := doc.Components.Schemas["Error"]
	if !ok {
		t.Fatal("openapi.json has no Error schema")
	}
	var schema struct {
		Properties struct {
			Error struct {
				Properties struct {
					Code struct {
						Enum []string `json:"enum"`
					} `json:"code"`
				} `json:"properties"`
			} `json:"error"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	enum := map[string]bool{}
	for _, c := range schema.Properties.Error.Properties.Code.Enum {
		enum[c] = true
	}
	for _, tc := range errorStatuses {
		if code := problem.Of(tc.err).Code; !enum[code] {
			t.Errorf("%v: code %q is not in openapi.json's Error enum %v", tc.err, code, schema.Properties.Error.Properties.Code.Enum)
		}
	}
}
