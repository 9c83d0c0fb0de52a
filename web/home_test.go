// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"html"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"helpdesk/internal/testdb"
)

func TestHomeInBothLanguages(t *testing.T) {
	t.Parallel()
	srv, _ := New(Options{DB: testdb.New(t), Registry: prometheus.NewRegistry()})
	_, it := get(t, srv.Handler(), "/", "it-IT")
	_, en := get(t, srv.Handler(), "/", "en-GB,en")
	// The root leads requesters to the help centre and says where the
	// console is, in the reader's language.
	for _, c := range []struct{ page, lang string }{{it, "it"}, {en, "en"}} {
		for _, want := range []string{`href="/help/?lang=` + c.lang + `"`, html.EscapeString(homeText.T(c.lang, "home.help")),
			html.EscapeString(homeText.T(c.lang, "home.console", "/console/")), `href="/console/"`, `<html lang="` + c.lang + `"`} {
			if !strings.Contains(c.page, want) {
				t.Errorf("home page (%s) lacks %q:\n%s", c.lang, want, c.page)
			}
		}
	}
	if !strings.Contains(it, "Vai al centro assistenza") || !strings.Contains(en, "Go to the help centre") {
		t.Fatalf("home pages:\n%s\n%s", it, en)
	}
	if problems := homeText.Check(); len(problems) > 0 {
		t.Fatal(problems)
	}
}
