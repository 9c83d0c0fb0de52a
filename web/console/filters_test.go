// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"helpdesk/web/problem"
)

// TestFilterErrorIsABadRequestInWords: a filter the page cannot use is a
// 400 (problem.Of, the status every audience answers), and the error page
// says which filter and what is wrong in the agent's language, however
// the handler wrapped it.
func TestFilterErrorIsABadRequestInWords(t *testing.T) {
	t.Parallel()
	c, err := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = fmt.Errorf("ticket list: %w", &filterError{field: "state", problem: filterUnknown})
	if got := problem.Of(err).Status; got != http.StatusBadRequest {
		t.Fatalf("problem.Of = %d, want 400", got)
	}
	for _, lang := range []string{"it", "en"} {
		r := httptest.NewRequest("GET", "/console/tickets?state=x&lang="+lang, nil)
		w := httptest.NewRecorder()
		c.Fail(w, r, err)
		want := Text.T(lang, "filter.invalid", Text.T(lang, "filter.field.state"), Text.T(lang, "filter.problem."+filterUnknown))
		if w.Code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(w.Body.String()), want) {
			t.Errorf("%s: %d, the page does not say %q", lang, w.Code, want)
		}
	}
}
