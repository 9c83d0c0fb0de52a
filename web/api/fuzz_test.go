// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"helpdesk/web/problem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

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
